"""Scenario: Hugging Face is down for the whole window (503, timeouts, truncated JSON).

What a user notices: digests still go out from stored papers, an empty one says the source
is down, nothing crashes, and the next successful fetch catches up.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from storage.channel_repository import SqlChannelRepository
from storage.paper_repository import SqlPaperRepository
from tests.conftest import FIXTURES
from tests.kit.serve_process import (
    make_due,
    posted_keys,
    posts_by_channel,
    seed_due_channels,
    start_serve,
    stop_all,
)
from tests.kit.sources import running_fake_sources

pytestmark = [pytest.mark.reliability, pytest.mark.slow]


def _fresh_day_body() -> str:
    """SYNTHETIC: a real entry re-labelled as a new paper, so catching up is visible."""
    entries = json.loads(
        (FIXTURES / "hf-daily-papers" / "newsassistant__2026-08-03__3items.json").read_text(
            encoding="utf-8"
        )
    )
    entry = entries[0]
    entry["paper"]["id"] = "2611.99999"
    entry["paper"]["title"] = "Zebra Scaling: a fresh paper served after the outage"
    return json.dumps([entry])


@pytest.mark.parametrize("failure", ["503", "timeout", "truncated"])
def test_outage_digests_still_go_out_and_the_next_fetch_catches_up(
    engine: Engine, database_url: str, tmp_path: Path, failure: str
) -> None:
    seed_due_channels(engine, 2, topics=("scaling", "zebra"), schedule=False)
    status = SqlChannelRepository(engine)
    output = tmp_path / "out.txt"
    with running_fake_sources(_fresh_day_body()) as fake:
        fake.mode = failure
        env = {
            "PAPERBOY_HF_URL": fake.url,
            "PAPERBOY_FETCH_INTERVAL_MINUTES": "0.02",
            "PAPERBOY_SOURCE_TIMEOUT_SECONDS": "0.5",
            "PAPERBOY_SOURCE_RETRY_INITIAL_SECONDS": "0.01",
        }
        proc = start_serve(database_url, output, tmp_path / "serve.log", env)
        try:
            deadline = time.monotonic() + 40
            # The outage is under way (a fetch failed) before the digests fall due.
            while (
                status.source_problem(datetime.now(UTC) - timedelta(hours=1), ["Hugging Face"])
                is None
            ):
                assert time.monotonic() < deadline, "serve never tried to fetch"
                time.sleep(0.1)
            make_due(engine, 2)
            while len(posted_keys(output)) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            posts = posts_by_channel(output)
            fake.mode = "ok"
            papers = SqlPaperRepository(engine)
            while not papers.get_papers(["2611.99999"]) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert proc.poll() is None, "serve died during the outage"
        finally:
            stop_all([proc])
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert len(posted_keys(output)) == 2
    today = datetime.now(UTC).date().isoformat()
    scaling = posts[f"console:team-0000#{today}"]
    zebra = posts[f"console:team-0001#{today}"]
    assert "why: [scaling]" in scaling  # stored papers still delivered
    assert "Hugging Face could not be reached" in zebra  # the empty digest says why
    assert papers.get_papers(["2611.99999"]), "the fetch after the outage did not catch up"
    assert "Traceback" not in log
    assert failure == "503" or fake.requests  # the fake really was asked
