"""The real core on the suite's database, wired the way ``paperboy serve`` wires it.

``core`` wires the app with :func:`adapters.composition.build_app` — the composition root
itself — on the test's ``engine`` with a fake clock, so the scheduler's "morning" is whenever
the test says. A test module chooses the chat platforms by overriding the ``platforms``
fixture (with the platform's environment set first). The library holds every recorded
Hugging Face Daily Papers payload in tests/fixtures.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord.http
import pytest
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.engine import Engine

from adapters.composition import App, Library, build_app
from adapters.settings import load_settings
from bot.chat import ChannelRef
from bot.digests.scheduler import Scheduler
from bot.ranking.search import IndexRanker
from bot.sources.hf.parse import parse_daily_papers_json
from storage.paper_repository import SqlPaperRepository
from storage.search_index import TantivyIndex
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.slack.fake_slack import FakeSlack
from tests.conftest import hf_fixture_files

# The Monday after the 37-paper day in tests/fixtures (2026-05-08), before the 09:00 digest.
MONDAY_MORNING = datetime(2026, 5, 11, 8, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    """The time every part of the core reads; tests move it forward."""

    now: datetime = MONDAY_MORNING

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move time forward by ``timedelta(**delta)``."""
        self.now += timedelta(**delta)


@dataclass
class Core:
    """The wired app plus the scheduler ``serve`` would run next to it."""

    app: App
    scheduler: Scheduler
    clock: FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """Monday 08:00 UTC, 2026-05-11."""
    return FakeClock()


@pytest.fixture
def platforms() -> Sequence[str]:
    """The chat platforms the app is built with; modules override it."""
    return ("console",)


@pytest.fixture
def core(
    engine: Engine, clock: FakeClock, tmp_path: Path, platforms: Sequence[str]
) -> Iterator[Core]:
    """The app as ``serve`` builds it for ``platforms`` (CommandService, SqlChannelRepository,
    DigestRunner, the platforms' adapters) on ``engine``, with the Scheduler next to it and
    the library (database and search index) ingested from the recorded payloads."""
    papers = SqlPaperRepository(engine)
    index = TantivyIndex(tmp_path / "index")
    library = Library(engine=engine, papers=papers, index=index, ranker=IndexRanker(index))
    for path in hf_fixture_files():
        library.ingest(parse_daily_papers_json(path.read_text(encoding="utf-8")).papers)
    app = build_app(load_settings(), library, platforms, clock=clock, worker="integration")
    yield Core(app, Scheduler(app.channels, app.runner, clock=clock), clock)
    index.close()


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """The fake Slack Web API (and response_url) on 127.0.0.1, port 0."""
    fake = FakeSlack()
    runner = web.AppRunner(fake.app())
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield fake
    await runner.cleanup()


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """The fake Discord REST API on 127.0.0.1, port 0."""
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


@pytest.fixture(autouse=True)
def _restore_discord_route_base() -> Iterator[None]:
    """The Discord runtime points discord.py's class-wide API URL at the fake; put it back."""
    original = discord.http.Route.BASE
    yield
    discord.http.Route.BASE = original


def feedback_counts(engine: Engine, ref: ChannelRef) -> dict[tuple[str, str], int]:
    """(paper id, kind) → presses stored for the channel (what the buttons recorded)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT f.paper_id, f.kind, count(*) FROM feedback f "
                "JOIN channels c ON c.id = f.channel_pk "
                "WHERE c.platform = :platform AND c.channel_id = :channel "
                "GROUP BY f.paper_id, f.kind"
            ),
            {"platform": ref.platform, "channel": ref.channel_id},
        ).all()
    return {(paper, kind): int(count) for paper, kind, count in rows}
