"""Real ``paperboy serve`` processes stop within 10 s of SIGTERM whatever they are waiting on
— an unreachable or silent Slack while connecting Socket Mode, a Hugging Face that hangs
during the start-up fetch — and say in the log what they cut short."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy.engine import Engine

from tests.conftest import FIXTURES
from tests.kit.serve_process import start_serve, stop_all
from tests.kit.servers import running_app
from tests.kit.sources import running_fake_sources

pytestmark = pytest.mark.slow
STOP_SECONDS = 10.0
HF_BODY = (FIXTURES / "hf-daily-papers" / "newsassistant__2026-08-03__3items.json").read_text(
    encoding="utf-8"
)


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def silent_slack() -> Iterator[tuple[str, list[str]]]:
    """A Slack Web API that accepts every request and never answers; yields its API URL and
    the paths it was asked for."""
    asked: list[str] = []

    async def hang(request: web.Request) -> web.Response:
        asked.append(request.path)
        await asyncio.sleep(3600)
        return web.Response(status=504)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", hang)
    with running_app(app) as url:
        yield f"{url}/api/", asked


def wait_until(check: Callable[[], bool], proc: subprocess.Popen[bytes], log: Path) -> None:
    """Until ``check()`` (bounded); a process that died meanwhile fails with its log."""
    deadline = time.monotonic() + 30
    while not check():
        assert proc.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.05)


def seconds_to_stop(proc: subprocess.Popen[bytes]) -> float:
    """SIGTERM, then how long the process took to exit (killed after 20 s)."""
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        stop_all([proc])
    return time.monotonic() - sent


def socket_mode_env(api_url: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_APP_TOKEN": "xapp-1-test",
        "PAPERBOY_SLACK_API_URL": api_url,
    }


def test_sigterm_stops_socket_mode_while_slack_is_unreachable(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    env = socket_mode_env(f"http://127.0.0.1:{closed_port()}/api/")
    proc = start_serve(database_url, tmp_path / "out.txt", log, env, args=("--adapter", "slack"))
    wait_until(lambda: "Failed to connect" in log.read_text(errors="replace"), proc, log)

    took = seconds_to_stop(proc)

    text = log.read_text(errors="replace")
    assert took < STOP_SECONDS, text
    assert proc.returncode == 0, text
    assert "interrupted while starting slack" in text


def test_sigterm_stops_socket_mode_while_slack_never_answers(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    with silent_slack() as (api_url, asked):
        proc = start_serve(
            database_url,
            tmp_path / "out.txt",
            log,
            socket_mode_env(api_url),
            ("--adapter", "slack"),
        )
        wait_until(lambda: "/api/apps.connections.open" in asked, proc, log)

        took = seconds_to_stop(proc)

    text = log.read_text(errors="replace")
    assert took < STOP_SECONDS, text
    assert proc.returncode == 0, text
    assert "interrupted while starting slack" in text
    assert "Traceback" not in text.split("SIGTERM received", 1)[1]


def test_sigterm_during_the_start_up_fetch_does_not_wait_for_every_retry(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    with running_fake_sources(HF_BODY) as hf:
        hf.mode = "timeout"  # each answer takes 5 s, then 504: retries would take a minute
        env = {"PAPERBOY_HF_URL": hf.url, "PAPERBOY_FETCH_INTERVAL_MINUTES": "60"}
        proc = start_serve(database_url, tmp_path / "out.txt", log, env)
        wait_until(lambda: bool(hf.requests), proc, log)

        took = seconds_to_stop(proc)

    text = log.read_text(errors="replace")
    assert took < STOP_SECONDS, text
    assert proc.returncode == 0, text
    assert "interrupted fetch" in text
