"""serve's fetch loop: Hugging Face's latest day, and the arXiv categories channels follow."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from adapters import serve as serve_module
from adapters.composition import open_app
from adapters.settings import Settings
from bot.chat import ChannelRef
from bot.errors import SourceUnavailable
from bot.sources import ARXIV, HUGGING_FACE, PaperSource, SourceBatch, SourceName
from bot.sources.arxiv.calendar import AnnouncementStatus
from bot.sources.arxiv.fetch import arxiv_batch
from bot.sources.arxiv.saved_body import parse_saved_arxiv_body
from bot.sources.hf.parse import parse_saved_body
from bot.sources.ingest import SavedBatches
from storage.arxiv_calendar_repository import SqlAnnouncementCalendar
from tests.conftest import FIXTURES

RSS = (FIXTURES / "arxiv-rss" / "distill__cs.LG__2026-04-27__3items.xml").read_bytes()
HF = (FIXTURES / "hf-daily-papers" / "newsassistant__2026-08-03__3items.json").read_text(
    encoding="utf-8"
)


def hf_day() -> SavedBatches:
    """A fake Hugging Face source: one recorded day."""
    result = parse_saved_body(HF)
    return SavedBatches(HUGGING_FACE, [SourceBatch("Hugging Face latest", tuple(result.papers))])


def arxiv_feed(asked: list[str]) -> Callable[[str], PaperSource]:
    """A fake arXiv: every category answers with the recorded cs.LG feed."""

    def source_for(category: str) -> PaperSource:
        asked.append(category)
        batch = arxiv_batch(f"arXiv {category} feed", parse_saved_arxiv_body(RSS))
        return SavedBatches(ARXIV, [batch])

    return source_for


@dataclass
class DownSource:
    """A source that stays down."""

    name: SourceName = HUGGING_FACE

    async def batches(self) -> AsyncIterator[SourceBatch]:
        raise SourceUnavailable("Hugging Face", "could not fetch the latest day (HTTP 503).")
        yield  # pragma: no cover  # an async generator that fails on first use


def test_fetch_loop_ingests_hf_and_the_subscribed_arxiv_categories(
    db_env: str, engine: Engine
) -> None:
    settings = Settings()
    asked: list[str] = []
    with open_app(settings) as app:
        for topic in ("cat:cs.LG", "scaling cat:cs.LG", "vision"):
            app.channels.add_topic(ChannelRef("console", "ml", name="ml"), topic, datetime.now(UTC))
        asyncio.run(serve_module.fetch_once(app, settings, source=hf_day()))
        asyncio.run(
            serve_module.fetch_arxiv_categories(app, settings, source_for=arxiv_feed(asked))
        )
        count = app.library.papers.count()
        problem = app.channels.source_problem(datetime.now(UTC) - timedelta(hours=1), ["arXiv"])
    assert asked == ["cs.LG"]  # each followed category once
    assert count == 3 + 3
    assert problem is None
    calendar = SqlAnnouncementCalendar(engine)
    assert calendar.announcement_status("cs.LG", date(2026, 4, 27)) is AnnouncementStatus.ANNOUNCED


def test_a_source_that_stays_down_is_recorded_for_empty_digests(db_env: str) -> None:
    settings = Settings()
    with open_app(settings) as app:
        asyncio.run(serve_module.fetch_once(app, settings, source=DownSource()))
        since = datetime.now(UTC) - timedelta(hours=1)
        problem = app.channels.source_problem(since, ["Hugging Face"])
        asyncio.run(serve_module.fetch_once(app, settings, source=hf_day()))
        recovered = app.channels.source_problem(since, ["Hugging Face"])
    assert problem is not None and problem.source == "Hugging Face"
    assert recovered is None


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, ["console"]),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, ["slack"]),
        ({"SLACK_CLIENT_ID": "1.2", "DISCORD_BOT_TOKEN": "t"}, ["slack", "discord"]),
        ({"DISCORD_BOT_TOKEN": ""}, ["console"]),
    ],
)
def test_bare_serve_runs_the_platforms_that_have_credentials(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], expected: list[str]
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert Settings().configured_platforms() == expected
