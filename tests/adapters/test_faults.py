"""Faults outside Paperboy — database down, no driver, port taken, Discord unreachable — end
a command with the one line ``paperboy doctor`` shows, never a traceback or "something went
wrong inside Paperboy" (exit 70)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.cli import app as cli
from tests.kit.serve_process import start_serve

runner = CliRunner()
DOWN = "postgresql://paperboy:hunter2@127.0.0.1:1/paperboy"


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout + result.stderr


def doctor_line(name: str) -> str:
    """What doctor says about ``name``, without its ``FAIL  name: `` prefix."""
    _, out = run("doctor", "--offline")
    [found] = [text for text in out.splitlines() if text[6:].startswith(f"{name}:")]
    return found.split(": ", 1)[1]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def finished(proc: subprocess.Popen[bytes], log: Path) -> str:
    """Wait (bounded) for a process that should stop on its own; its log."""
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError("it kept running: " + log.read_text(errors="replace")) from None
    return log.read_text(errors="replace")


@pytest.mark.parametrize("args", [("search", "scaling"), ("db", "upgrade"), ("index", "status")])
def test_a_database_that_is_down_is_one_line_with_the_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: tuple[str, ...]
) -> None:
    monkeypatch.setenv("PAPERBOY_DATABASE_URL", DOWN)
    monkeypatch.setenv("PAPERBOY_INDEX_DIR", str(tmp_path / "index"))
    code, out = run(*args)
    assert code == 1, out
    [line] = out.strip().splitlines()
    assert line == f"Error: {doctor_line('database')}"
    assert "fix: start the database or correct PAPERBOY_DATABASE_URL" in line
    assert "hunter2" not in out


def test_a_missing_postgresql_driver_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if paperboy[postgres] were missing
    monkeypatch.setenv("PAPERBOY_DATABASE_URL", DOWN)
    code, out = run("search", "scaling")
    assert code == 1, out
    assert out.strip() == f"Error: {doctor_line('database')}"
    assert "psycopg is not installed — fix: pip install 'paperboy[postgres]'" in out


def test_serve_with_the_database_down_logs_one_line_and_exits(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    proc = start_serve(DOWN, tmp_path / "out.txt", log, args=("--log-format", "json"))
    text = finished(proc, log)
    assert proc.returncode == 1, text
    assert "cannot reach postgresql://paperboy:[REDACTED]@127.0.0.1:1/paperboy" in text
    assert "Traceback" not in text and "something went wrong" not in text
    [error] = [line for line in text.splitlines() if '"level": "ERROR"' in line]
    assert "fix: start the database" in error


def test_serve_on_a_port_in_use_says_so(database_url: str, engine: object, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = ("--adapter", "console", "--http", "--host", "127.0.0.1", "--port", str(port))
        proc = start_serve(database_url, tmp_path / "out.txt", log, args=args)
        text = finished(proc, log)
    assert proc.returncode == 1, text
    assert f"cannot listen on 127.0.0.1:{port} (address already in use)" in text.lower()
    assert "--port" in text
    assert "Traceback" not in text


def test_serve_with_discord_unreachable_at_start_says_so(
    database_url: str, engine: object, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    api = f"http://127.0.0.1:{closed_port()}/api/v10"
    env = {"DISCORD_BOT_TOKEN": "t" * 30, "PAPERBOY_DISCORD_API_URL": api}
    proc = start_serve(database_url, tmp_path / "out.txt", log, env, ("--adapter", "discord"))
    text = finished(proc, log)
    assert proc.returncode == 1, text
    assert f"Cannot reach Discord at {api}" in text
    assert "PAPERBOY_DISCORD_API_URL" in text
    assert "Traceback" not in text
