"""The commands the Dockerfile, entrypoint and systemd unit run exist in the installed CLI."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from adapters.cli import app as cli
from tests.deploy.conftest import DEPLOY, workloads

runner = CliRunner()
_INVOCATION = re.compile(r"(?:^|[\s/\"'])paperboy\s+([a-z].*)$")
ENTRYPOINT = DEPLOY / "entrypoint.sh"
UNIT = DEPLOY / "systemd" / "paperboy.service"


def invocations(path: Path) -> list[list[str]]:
    """Each ``paperboy <command> ...`` a file runs (comments skipped, shell variables dropped)."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#"):
            continue
        match = _INVOCATION.search(line)
        if match:
            words = shlex.split(match.group(1).split("\\")[0].split("&&")[0])
            found.append([w for w in words if not w.startswith(("$", ">", "2>"))])
    return found


def subcommands(command: Any) -> dict[str, Any]:
    """A command group's subcommands (typer ships its own copy of click, so duck-type it)."""
    found: dict[str, Any] = getattr(command, "commands", {})
    return found


def parse(words: list[str]) -> Any:
    """Parse ``words`` as the real CLI would, without running the command (a click Context)."""
    command: Any = typer.main.get_command(cli.app)
    path: list[str] = []
    while words and words[0] in subcommands(command):
        path.append(words[0])
        command = subcommands(command)[words.pop(0)]
    assert not subcommands(command), f"paperboy {' '.join(path)} needs a subcommand"
    help_result = runner.invoke(cli.app, [*path, "--help"])
    assert help_result.exit_code == 0, help_result.output
    return command.make_context(f"paperboy {' '.join(path)}", words)


def test_the_files_run_what_the_deploy_readme_promises() -> None:
    entry = invocations(ENTRYPOINT)
    unit = invocations(UNIT)
    assert [words[:2] for words in entry] == [["db", "upgrade"], ["serve", "--http"]]
    assert [words[:2] for words in unit] == [
        ["db", "upgrade"],
        ["doctor", "--offline"],
        ["serve", "--http"],
    ]
    assert 'ENTRYPOINT ["paperboy-entrypoint"]' in (DEPLOY / "Dockerfile").read_text()
    assert "COPY deploy/entrypoint.sh /usr/local/bin/paperboy-entrypoint" in (
        DEPLOY / "Dockerfile"
    ).read_text(encoding="utf-8")


def test_db_upgrade_and_doctor_exist_with_these_flags() -> None:
    for words in invocations(ENTRYPOINT) + invocations(UNIT):
        if words[0] != "serve":
            with parse(list(words)):
                pass


def test_the_wrong_flag_would_be_caught() -> None:
    with pytest.raises(typer.TyperException):
        parse(["doctor", "--online"])
    with pytest.raises(AssertionError, match="needs a subcommand"):
        parse(["db", "migrate"])


def test_serve_accepts_every_flag_and_adapter_the_deploy_files_pass() -> None:
    [served] = [w for w in invocations(ENTRYPOINT) if w[0] == "serve"]
    variants = [served, [*served, "--adapter", "slack"]]
    variants += [
        [*served, *w["spec"]["template"]["spec"]["containers"][0]["args"]] for w in workloads()
    ]
    variants += [w for w in invocations(UNIT) if w[0] == "serve"]
    for words in variants:
        with parse(list(words)):
            pass


def test_the_unit_and_the_entrypoint_leave_the_choice_of_platforms_to_paperboy() -> None:
    """Bare `paperboy serve` runs the platforms whose credentials are set (one rule, in
    adapters/settings.py); the deploy files must not spell it again."""
    for path in (ENTRYPOINT, UNIT):
        text = path.read_text(encoding="utf-8")
        assert "--adapter" not in [w for line in invocations(path) for w in line], path.name
        assert "SLACK_BOT_TOKEN" not in text and "DISCORD_BOT_TOKEN" not in text, path.name


@pytest.mark.parametrize(
    ("args", "served"), [([], ""), (["--adapter", "discord"], " --adapter discord")]
)
def test_the_entrypoint_migrates_then_serves(tmp_path: Path, args: list[str], served: str) -> None:
    """Run the real entrypoint with a stand-in ``paperboy`` that records its arguments."""
    calls = tmp_path / "calls"
    fake = tmp_path / "paperboy"
    fake.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n', encoding="utf-8")
    fake.chmod(0o755)
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "SLACK_BOT_TOKEN": "xoxb-1"}
    subprocess.run(["sh", str(ENTRYPOINT), *args], env=env, check=True)
    assert calls.read_text(encoding="utf-8").splitlines() == [
        "db upgrade",
        f"serve --http --port 8080 --log-format json{served}",
    ]


def test_the_entrypoint_stops_when_migrations_fail(tmp_path: Path) -> None:
    fake = tmp_path / "paperboy"
    fake.write_text('#!/bin/sh\n[ "$1" = db ] && exit 3\necho served\n', encoding="utf-8")
    fake.chmod(0o755)
    result = subprocess.run(
        ["sh", str(ENTRYPOINT)], env={"PATH": f"{tmp_path}:/usr/bin:/bin"}, capture_output=True
    )
    assert result.returncode == 3
    assert b"served" not in result.stdout


def test_the_entrypoint_migrates_with_json_logs_like_serve(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    fake = tmp_path / "paperboy"
    fake.write_text(
        f'#!/bin/sh\necho "$PAPERBOY_LOG_FORMAT $PAPERBOY_LOG_LEVEL $1" >> {calls}\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    subprocess.run(["sh", str(ENTRYPOINT)], env={"PATH": f"{tmp_path}:/usr/bin:/bin"}, check=True)
    assert calls.read_text(encoding="utf-8").splitlines() == ["json INFO db", "json  serve"]


def test_db_upgrade_with_json_logs_writes_only_json_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERBOY_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    monkeypatch.setenv("PAPERBOY_LOG_FORMAT", "json")
    monkeypatch.setenv("PAPERBOY_LOG_LEVEL", "INFO")
    result = runner.invoke(cli.app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # the answer is an event too: the log stays JSON
    events = [json.loads(line) for line in result.stderr.splitlines()]
    assert any(e["message"].startswith("Running upgrade") for e in events)
    assert events[-1]["message"].startswith("Created the database schema at revision")
    monkeypatch.setenv("PAPERBOY_DATABASE_URL", "postgresql://paperboy:pw@127.0.0.1:1/paperboy")
    failed = runner.invoke(cli.app, ["db", "upgrade"])
    assert failed.exit_code == 1
    [event] = [json.loads(line) for line in failed.stderr.splitlines()]
    assert event["level"] == "ERROR" and "fix: start the database" in event["message"]
