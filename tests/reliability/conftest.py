"""Fixtures of the reliability scenarios: a Slack-mode ``paperboy serve`` against the fake."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.kit.serve_process import stop_all
from tests.kit.slack import FakeSlack, running_fake_slack
from tests.reliability.support import (
    free_port,
    load_fixture_papers,
    start_slack_serve,
    wait_until_listening,
)


@pytest.fixture
def slack_serve(
    engine: Engine, database_url: str, tmp_path: Path
) -> Iterator[tuple[FakeSlack, int, Path]]:
    """``serve --adapter slack --http --log-format json`` against the fake Slack, over the
    fixture library, at DEBUG so a leak would have every chance to show; yields
    (fake, port, log path)."""
    load_fixture_papers(engine)
    log = tmp_path / "serve.log"
    port = free_port()
    with running_fake_slack() as fake:
        proc = start_slack_serve(
            database_url, fake.api_url, log, port, {"PAPERBOY_LOG_LEVEL": "DEBUG"}
        )
        try:
            wait_until_listening(proc, port, log)
            yield fake, port, log
        finally:
            stop_all([proc])
