"""``paperboy serve --http`` mounts ``/ui/`` only with ``PAPERBOY_ADMIN_TOKEN`` set, and never
logs the token. A real process on the suite's database."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from tests.adapters.web.conftest import TOKEN
from tests.serve_process import start_serve, stop_all


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_and_get(
    database_url: str, tmp_path: Path, env: dict[str, str], paths: list[tuple[str, dict[str, str]]]
) -> tuple[list[httpx.Response], str]:
    port = _free_port()
    args = ("--adapter", "console", "--http", "--host", "127.0.0.1", "--port", str(port))
    log = tmp_path / "serve.log"
    proc = start_serve(database_url, tmp_path / "out.txt", log, extra_env=env, args=args)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the listener never came up"
                time.sleep(0.1)
        answers = [httpx.get(base + path, headers=headers, timeout=10) for path, headers in paths]
    finally:
        stop_all([proc])
    return answers, log.read_text(encoding="utf-8")


@pytest.mark.slow
def test_serve_mounts_the_operator_page_with_a_token_and_never_logs_it(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    answers, log = _serve_and_get(
        database_url,
        tmp_path,
        {"PAPERBOY_ADMIN_TOKEN": TOKEN},
        [("/ui/", {}), ("/ui/", bearer), ("/ui/channels", bearer)],
    )
    assert [a.status_code for a in answers] == [401, 200, 200]
    assert "papers in the library" in answers[1].text
    assert "operator page on /ui/" in log
    assert TOKEN not in log


@pytest.mark.slow
def test_without_a_token_serve_has_no_operator_page(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    answers, _ = _serve_and_get(database_url, tmp_path, {}, [("/ui/", {}), ("/healthz", {})])
    assert [a.status_code for a in answers] == [404, 200]
