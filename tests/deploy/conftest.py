"""Readers for the deploy files, shared by the deploy tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
_ENV_LINE = re.compile(r"^#? ?([A-Z][A-Z0-9_]*)=")


def env_example() -> dict[str, str]:
    """Each variable in .env.example (set or commented out) with the comment line above it."""
    documented: dict[str, str] = {}
    previous = ""
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        match = _ENV_LINE.match(line)
        if match:
            documented[match.group(1)] = previous
        previous = "" if match else line.removeprefix("#").strip()
    return documented


def load_yaml(path: Path) -> list[dict[str, Any]]:
    """Every document in a YAML file (a file may hold several)."""
    with path.open(encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


def k8s_documents() -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every Kubernetes object under deploy/k8s, with its file."""
    for path in sorted(K8S.glob("*.yaml")):
        for doc in load_yaml(path):
            yield path, doc


def workloads() -> list[dict[str, Any]]:
    """The Deployments (and any StatefulSets) under deploy/k8s."""
    return [doc for _, doc in k8s_documents() if doc.get("kind") in ("Deployment", "StatefulSet")]


def containers() -> list[dict[str, Any]]:
    """Every container of every workload."""
    return [c for w in workloads() for c in w["spec"]["template"]["spec"]["containers"]]
