"""Trending: signals kept per change, velocity over 24h and 7d, narrowed by a query."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.chat import Caller, ChannelRef
from bot.commands.service import CommandService
from bot.digests.runner import DigestRunner
from bot.operator.trending import parse_trending, trending
from bot.papers import SOURCE_HF, Paper
from bot.ports import IngestReport
from bot.ranking.query import parse_query
from bot.ranking.search import ScanRanker
from bot.sources import HUGGING_FACE, SourceBatch
from bot.sources.ingest import IngestTargets, SavedBatches, ingest
from storage.arxiv_calendar_repository import SqlAnnouncementCalendar
from storage.channel_repository import SqlChannelRepository
from storage.operator_models import PaperSignalRow
from storage.paper_repository import SqlPaperRepository
from storage.paper_signals import SqlSignalHistory

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


def paper(arxiv_id: str, title: str, upvotes: int, stars: int = 0, *, featured: date) -> Paper:
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        upvotes=upvotes,
        github_stars=stars,
        featured_on=featured,
        sources=frozenset({SOURCE_HF}),
    )


class Library:
    """What ingest writes through: the real paper repository."""

    def __init__(self, engine: Engine) -> None:
        self.papers = SqlPaperRepository(engine)

    def ingest(self, papers: Sequence[Paper]) -> IngestReport:
        return self.papers.upsert_papers(papers)


class World:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.library = Library(engine)
        self.history = SqlSignalHistory(engine)
        self.targets = IngestTargets(
            library=self.library,
            calendar=SqlAnnouncementCalendar(engine),
            signals=self.history,
        )

    def fetch(self, at: datetime, *papers: Paper) -> None:
        source = SavedBatches(HUGGING_FACE, [SourceBatch("HF", papers=papers)])
        asyncio.run(ingest(source, self.targets, now=at))

    def rows(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(PaperSignalRow)).scalar_one())

    def top(self, period: str, query: str = "") -> list[tuple[str, str]]:
        found = trending(
            self.history,
            self.library.papers,
            period=period,
            query=parse_query(query) if query else None,
            now=NOW,
            limit=5,
        )
        return [(t.paper.arxiv_id, t.why) for t in found]


@pytest.fixture
def world(engine: Engine) -> World:
    return World(engine)


OLD = date(2026, 11, 1)  # featured long before any window
TODAY = date(2026, 11, 27)


def test_a_snapshot_is_written_only_when_a_value_changes(world: World) -> None:
    world.fetch(NOW - 3 * H, paper("2611.00001", "Agents", 10, featured=OLD))
    world.fetch(NOW - 2 * H, paper("2611.00001", "Agents", 10, featured=OLD))
    assert world.rows() == 1
    world.fetch(NOW - 1 * H, paper("2611.00001", "Agents", 11, featured=OLD))
    world.fetch(NOW, paper("2611.00001", "Agents", 11, 3, featured=OLD))
    assert world.rows() == 3


def test_24h_velocity_ranks_by_upvotes_gained_with_stars_at_a_tenth(world: World) -> None:
    world.fetch(
        NOW - 30 * H,
        paper("2611.00001", "Agents that plan", 100, featured=OLD),
        paper("2611.00002", "Diffusion video", 10, 100, featured=OLD),
        paper("2611.00003", "Quiet paper", 500, featured=OLD),
    )
    world.fetch(
        NOW - 2 * H,
        paper("2611.00001", "Agents that plan", 130, featured=OLD),
        paper("2611.00002", "Diffusion video", 15, 400, featured=OLD),
        paper("2611.00003", "Quiet paper", 500, featured=OLD),
    )
    assert world.top("24h") == [
        ("2611.00002", "+5 upvotes, +300 GitHub stars in 24h (now 15 upvotes, 400 stars)"),
        ("2611.00001", "+30 upvotes in 24h (now 130 upvotes, 0 stars)"),
    ]
    assert world.top("24h", "agents") == [
        ("2611.00001", "+30 upvotes in 24h (now 130 upvotes, 0 stars)")
    ]


def test_new_papers_count_from_zero_backfilled_old_ones_do_not_surge(world: World) -> None:
    world.fetch(
        NOW - 5 * H,
        paper("2611.00010", "Fresh today", 20, featured=TODAY),
        paper("2601.00011", "Old but newly fetched", 900, featured=date(2026, 1, 5)),
    )
    assert world.top("24h") == [("2611.00010", "+20 upvotes in 24h (now 20 upvotes, 0 stars)")]


def test_7d_window_gives_a_daily_rate(world: World) -> None:
    world.fetch(NOW - 8 * 24 * H, paper("2611.00001", "Agents", 10, featured=OLD))
    world.fetch(NOW - 3 * 24 * H, paper("2611.00001", "Agents", 45, featured=OLD))
    world.fetch(NOW - 1 * H, paper("2611.00001", "Agents", 80, featured=OLD))
    assert world.top("7d") == [
        ("2611.00001", "+70 upvotes in 7d, 10.0/day (now 80 upvotes, 0 stars)")
    ]
    assert world.top("24h") == [("2611.00001", "+35 upvotes in 24h (now 80 upvotes, 0 stars)")]


def test_saved_files_leave_no_snapshots(world: World, engine: Engine) -> None:
    targets = IngestTargets(library=world.library, calendar=SqlAnnouncementCalendar(engine))
    source = SavedBatches(
        HUGGING_FACE, [SourceBatch("file", papers=[paper("2611.1", "X", 5, featured=OLD)])]
    )
    asyncio.run(ingest(source, targets, now=NOW))
    assert world.rows() == 0


@pytest.mark.parametrize(
    ("text", "period", "query"),
    [("", "24h", ""), ("7d", "7d", ""), ("7d agents", "7d", "agents"), ("agents", "24h", "agents")],
)
def test_parse_trending(text: str, period: str, query: str) -> None:
    request = parse_trending(text)
    assert (request.period, request.text) == (period, query)


def test_the_command_answers_with_velocity_why_lines_and_friendly_mistakes(
    world: World, engine: Engine
) -> None:
    world.fetch(NOW - 30 * H, paper("2611.00001", "Agents that plan", 100, featured=OLD))
    world.fetch(NOW - 2 * H, paper("2611.00001", "Agents that plan", 130, featured=OLD))
    channels = SqlChannelRepository(engine)
    ranker = ScanRanker(world.library.papers)
    runner = DigestRunner(channels, ranker, {}, worker="w", clock=lambda: NOW)
    service = CommandService(
        channels, world.library.papers, ranker, runner, clock=lambda: NOW, trends=world.history
    )
    ref = ChannelRef("console", "general", name="general")

    def run(text: str) -> str:
        return asyncio.run(service.handle(ref, text, Caller("u"))).text

    answer = run("trending 7d agents")
    assert answer.startswith("Trending in the last 7d for *agents* — top 1")
    assert "+30 upvotes in 7d, 4.3/day (now 130 upvotes, 0 stars)" in answer
    assert run("trending 24h robots").startswith(
        "Nothing gained upvotes or stars in the last 24h for *robots* yet."
    )
    assert "trending looks at 24h or 7d, not '3d'" in run("trending 3d agents")
