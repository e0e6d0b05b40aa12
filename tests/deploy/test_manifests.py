"""The compose file and Kubernetes manifests, read as Docker Compose and kubectl would."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from adapters.http_server import bound_port, build_http_app, start_http_server
from adapters.shutdown import STOP_SECONDS
from tests.deploy.conftest import (
    DEPLOY,
    K8S,
    ROOT,
    containers,
    env_example,
    k8s_documents,
    load_yaml,
    workloads,
)

_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")
_OUR_VARIABLE = re.compile(r"\b(?:PAPERBOY|SLACK|DISCORD)_[A-Z0-9_]+\b")


def compose() -> dict[str, Any]:
    [document] = load_yaml(DEPLOY / "compose.yaml")
    return document


def test_every_deploy_yaml_file_parses() -> None:
    files = [DEPLOY / "compose.yaml", *sorted(K8S.glob("*.yaml"))]
    assert len(files) >= 6
    for path in files:
        assert load_yaml(path), f"{path.name} is empty"


def test_compose_runs_the_bot_after_a_healthy_postgres_with_a_named_volume() -> None:
    services = compose()["services"]
    db, bot = services["db"], services["paperboy"]
    assert db["image"] == "postgres:15"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose()["volumes"]
    assert bot["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert bot["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (DEPLOY / bot["build"]["context"] / bot["build"]["dockerfile"]).is_file()
    assert bot["env_file"] == "../.env"
    assert bot["environment"]["PAPERBOY_DATABASE_URL"].startswith("postgresql://paperboy:")
    assert "@db:5432/paperboy" in bot["environment"]["PAPERBOY_DATABASE_URL"]


def referenced_variables() -> set[str]:
    """Every variable the deploy files set or read for Paperboy."""
    names = set(_INTERPOLATION.findall((DEPLOY / "compose.yaml").read_text(encoding="utf-8")))
    names |= set(compose()["services"]["paperboy"].get("environment", {}))
    for _, doc in k8s_documents():
        if doc["kind"] == "ConfigMap":
            names |= set(doc["data"])
        if doc["kind"] == "Secret":
            names |= set(doc.get("stringData", {})) | set(doc.get("data", {}))
    for container in containers():
        names |= {env["name"] for env in container.get("env", [])}
    for name in ("Dockerfile", "entrypoint.sh", "systemd/paperboy.service"):
        names |= set(_OUR_VARIABLE.findall((DEPLOY / name).read_text(encoding="utf-8")))
    return names


def test_every_variable_the_deploy_files_use_is_documented_in_env_example() -> None:
    documented = env_example()
    referenced = referenced_variables()
    assert {"PAPERBOY_DATABASE_URL", "POSTGRES_PASSWORD", "SLACK_BOT_TOKEN"} <= referenced
    assert sorted(referenced - set(documented)) == []


def test_every_variable_in_env_example_has_a_one_line_explanation() -> None:
    for name, explanation in env_example().items():
        assert len(explanation) > 10, f"{name} has no explanation line above it"


def test_the_scaled_deployment_has_two_replicas_probes_and_resource_requests() -> None:
    scaled = [w for w in workloads() if w["spec"]["replicas"] >= 2]
    assert scaled, "no workload runs two or more replicas"
    for workload in workloads():
        for container in workload["spec"]["template"]["spec"]["containers"]:
            assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
            assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
            assert container["resources"]["requests"]["cpu"]
            assert container["resources"]["requests"]["memory"]
            ports = {p["name"]: p["containerPort"] for p in container["ports"]}
            assert ports["http"] == 8080  # the port the entrypoint serves on
            names = {
                ref.get("configMapRef", ref.get("secretRef", {}))["name"]
                for ref in container["envFrom"]
            }
            assert names == {"paperboy-config", "paperboy-secrets"}


def test_orchestrators_wait_a_little_longer_than_serve_takes_to_stop() -> None:
    """SIGTERM → exit within STOP_SECONDS; SIGKILL must not come before."""
    for workload in workloads():
        grace = workload["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        assert STOP_SECONDS < grace <= STOP_SECONDS + 10
    unit = (DEPLOY / "systemd" / "paperboy.service").read_text(encoding="utf-8")
    [timeout] = re.findall(r"^TimeoutStopSec=(\d+)s$", unit, re.MULTILINE)
    assert STOP_SECONDS < int(timeout) <= STOP_SECONDS + 10


def test_every_pod_gets_minutes_to_start_before_its_liveness_probe_counts() -> None:
    """Migrations and a long search-index catch-up run before /healthz answers; without a
    startupProbe the liveness probe would restart the pod in the middle of them."""
    for workload in workloads():
        for container in workload["spec"]["template"]["spec"]["containers"]:
            startup = container["startupProbe"]
            assert startup["httpGet"]["path"] == "/healthz"
            assert startup["periodSeconds"] * startup["failureThreshold"] >= 300


def unit_settings() -> dict[str, list[str]]:
    """Every ``Key=value`` of the systemd unit (a key may repeat)."""
    found: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / "paperboy.service").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_unit_runs_sandboxed() -> None:
    unit = unit_settings()
    for key, value in {
        "ProtectSystem": "strict",
        "ReadWritePaths": "/var/lib/paperboy",
        "PrivateTmp": "yes",
        "NoNewPrivileges": "yes",
        "ProtectHome": "yes",
        "ProtectKernelTunables": "yes",
        "ProtectKernelModules": "yes",
        "ProtectKernelLogs": "yes",
        "LockPersonality": "yes",
        "CapabilityBoundingSet": "",
        "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
    }.items():
        assert value in unit.get(key, []), key
    assert "@system-service" in unit["SystemCallFilter"]
    assert unit["ReadWritePaths"][0].split()[0] == "/var/lib/" + unit["StateDirectory"][0]
    assert "MemoryDenyWriteExecute" not in unit  # see the comment in the unit


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_rates_the_unit_ok() -> None:
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", str(DEPLOY / "systemd/paperboy.service")],
        capture_output=True,
        text=True,
        check=False,
    )
    [score] = re.findall(r"Overall exposure level for paperboy\.service: ([\d.]+)", result.stdout)
    assert float(score) <= 2.0, result.stdout


def test_the_service_selects_the_scaled_pods_and_the_discord_gateway_never_scales() -> None:
    [service] = [doc for _, doc in k8s_documents() if doc["kind"] == "Service"]
    selected = [
        w
        for w in workloads()
        if service["spec"]["selector"].items()
        <= w["spec"]["template"]["metadata"]["labels"].items()
    ]
    assert [w["spec"]["replicas"] for w in selected] == [2]
    for workload in workloads():
        args = workload["spec"]["template"]["spec"]["containers"][0].get("args", [])
        if "discord" in args:
            assert workload["spec"]["replicas"] == 1
            assert workload["spec"]["strategy"]["type"] == "Recreate"
    kustomization = load_yaml(K8S / "kustomization.yaml")[0]
    for resource in kustomization["resources"]:
        assert (K8S / resource).is_file()


def test_secrets_in_the_examples_are_placeholders() -> None:
    [secret] = [doc for _, doc in k8s_documents() if doc["kind"] == "Secret"]
    for name, value in secret["stringData"].items():
        assert "CHANGE-ME" in value, f"{name} in the example Secret looks like a real value"
    assert "POSTGRES_PASSWORD=change-me" in (ROOT / ".env.example").read_text(encoding="utf-8")


def probe_paths() -> set[str]:
    paths = {
        probe["httpGet"]["path"]
        for container in containers()
        for kind in ("livenessProbe", "readinessProbe", "startupProbe")
        if (probe := container.get(kind))
    }
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    paths |= set(re.findall(r"http://127\.0\.0\.1:8080(/[a-z]+)", dockerfile))
    return paths


@pytest.fixture
async def listener(engine: Engine) -> AsyncIterator[httpx.AsyncClient]:
    runner = await start_http_server(build_http_app(engine=engine), "127.0.0.1", 0)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{bound_port(runner)}") as client:
            yield client
    finally:
        await runner.cleanup()


@pytest.mark.anyio
async def test_every_probe_path_is_answered_by_the_real_listener(
    listener: httpx.AsyncClient,
) -> None:
    paths = probe_paths()
    assert paths == {"/healthz", "/readyz"}
    for path in sorted(paths):
        response = await listener.get(path)
        assert response.status_code == 200, path
    annotations = workloads()[0]["spec"]["template"]["metadata"]["annotations"]
    assert (await listener.get(annotations["prometheus.io/path"])).status_code == 200
