"""A seeded library served on 127.0.0.1 with the operator page on, for HTTP and browser tests.

The seed is what an operator would have after a few weeks: papers (one with a hostile title),
channels on three platforms (one paused, one with a hostile topic, one of another Slack
workspace that must never leak), digests, deliveries and votes spread over the weeks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from adapters.composition import App, Library, build_app
from adapters.http_server import build_http_app
from adapters.settings import Settings
from adapters.web import operator_routes
from bot.chat import ChannelRef
from bot.digests.schedule import ScheduleSpec
from bot.papers import SOURCE_HF, Paper
from bot.ranking.search import IndexRanker
from bot.taste.signals import Direction
from storage.models import DeliveryRow, DigestRow, PaperRow
from storage.paper_repository import SqlPaperRepository
from storage.search_index import TantivyIndex, bring_up_to_date
from storage.vote_store import SqlVoteStore
from tests.fakes.threaded_server import running_app

TOKEN = "test-admin-token-0123456789abcdef"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
HOSTILE = "<script>alert('pwned')</script><img src=x onerror=alert(1)>"
HOSTILE_TITLE = f"Diffusion {HOSTILE} for agents"
HOSTILE_TOPIC = f"agents {HOSTILE}"
ML = ChannelRef("slack", "C0ML", "T0MINE", "ml-infra")
PAUSED = ChannelRef("discord", "900", "800", f"papers{HOSTILE}")
OTHER = ChannelRef("slack", "C0SECRET", "T0OTHER", "secret-other-workspace")
CONSOLE = ChannelRef("console", "general", "", "general")


def paper(n: int, **changes: object) -> Paper:
    """An HF paper ``2611.0NNNN`` featured a few days before :data:`NOW`."""
    fields: dict[str, object] = {
        "arxiv_id": f"2611.{n:05d}",
        "title": f"Scaling agents paper {n}",
        "abstract": "We study agents and diffusion.",
        "authors": ("Ada Lovelace",),
        "upvotes": 10 + n,
        "published_at": NOW - timedelta(days=2),
        "sources": frozenset({SOURCE_HF}),
    }
    fields.update(changes)
    return Paper(**fields)  # type: ignore[arg-type]  # keys are Paper's own fields


@dataclass
class Served:
    """The running operator page: its base URL and the app behind it."""

    base: str
    app: App


def seed(app: App) -> None:
    """Papers, channels, digests, deliveries and votes (see the module docstring)."""
    app.library.ingest(
        [paper(1, title=HOSTILE_TITLE, upvotes=99), *(paper(n) for n in range(2, 9))]
    )
    repo = app.channels
    for ref in (ML, PAUSED, OTHER, CONSOLE):
        repo.ensure_channel(ref, NOW - timedelta(days=70))
    repo.add_topic(ML, HOSTILE_TOPIC, NOW)
    repo.add_topic(ML, "scaling laws", NOW)
    repo.add_topic(OTHER, "top secret topic", NOW)
    repo.set_schedule(ML, ScheduleSpec("daily"), NOW)
    repo.set_paused(PAUSED, f"channel_not_found: the bot was removed {HOSTILE}", NOW)
    repo.record_source_result("Hugging Face", f"HTTP 503 {HOSTILE}", NOW)
    repo.record_source_result("arXiv", None, NOW)
    ml = repo.get_channel(ML)
    other = repo.get_channel(OTHER)
    assert ml is not None and other is not None
    with app.library.engine.begin() as conn:
        for week in reversed(range(4)):  # oldest first: ids grow with time
            at = NOW - timedelta(weeks=week, days=1)
            digest = conn.execute(
                insert(DigestRow).values(
                    channel_pk=ml.pk,
                    period_key=f"{at:%Y-%m-%d}",
                    status="posted",
                    attempts=1,
                    planned_ids=[f"2611.{week + 1:05d}"],
                    posted_at=at,
                    created_at=at,
                )
            ).inserted_primary_key[0]
            conn.execute(
                insert(DeliveryRow).values(
                    channel_pk=ml.pk,
                    paper_id=f"2611.{week + 1:05d}",
                    digest_pk=digest,
                    delivered_at=at,
                )
            )
        conn.execute(
            insert(DeliveryRow).values(
                channel_pk=other.pk, paper_id="2611.00008", delivered_at=NOW - timedelta(days=1)
            )
        )

    votes = SqlVoteStore(app.library.engine)
    for week in range(4):
        for user in range(week + 1):  # 1 vote four weeks ago … 4 votes this week
            paper_id = f"2611.{4 - week:05d}"
            at = NOW - timedelta(weeks=3 - week, days=1) + timedelta(hours=1)
            votes.record_vote(ml.pk, paper_id, f"U{user}", "button", Direction.UP, at)


def bulk_history(engine: Engine, channel_pk: int, rows: int) -> None:
    """``rows`` papers, each delivered to the channel one minute apart, and ``rows`` digests
    (``bulk-00000`` the newest)."""
    papers = [
        {
            "arxiv_id": f"2501.{i:05d}",
            "title": f"Bulk paper {i}",
            "abstract": "",
            "authors": [],
            "ai_keywords": [],
            "categories": [],
            "sources": [],
            "upvotes": 0,
            "num_comments": 0,
            "withdrawn": False,
        }
        for i in range(rows)
    ]
    deliveries = [
        {
            "channel_pk": channel_pk,
            "paper_id": f"2501.{i:05d}",
            "delivered_at": NOW - timedelta(minutes=i),
        }
        for i in range(rows)
    ]
    digests = [
        {
            "channel_pk": channel_pk,
            "period_key": f"bulk-{i:05d}",
            "status": "posted",
            "attempts": 1,
            "planned_ids": [],
            "created_at": NOW - timedelta(minutes=i),
            "posted_at": NOW - timedelta(minutes=i),
        }
        for i in reversed(range(rows))  # the newest gets the highest id, as in life
    ]
    with engine.begin() as conn:
        conn.execute(insert(PaperRow), papers)
        conn.execute(insert(DeliveryRow), deliveries)
        conn.execute(insert(DigestRow), digests)


@pytest.fixture
def operator_app(engine: Engine, tmp_path: Path) -> Iterator[App]:
    """An :class:`App` on the test database with a fresh index, clock fixed at :data:`NOW`."""
    papers = SqlPaperRepository(engine)
    index = TantivyIndex(tmp_path / "index", writer_heap_mb=15, threads=1)
    bring_up_to_date(index, papers)
    library = Library(engine=engine, papers=papers, index=index, ranker=IndexRanker(index))
    try:
        yield build_app(Settings(), library, ["console"], clock=lambda: NOW, worker="test")
    finally:
        index.close()


@pytest.fixture
def served(operator_app: App) -> Iterator[Served]:
    """The seeded app's listener (``/healthz`` … and ``/ui/``) on a free loopback port."""
    seed(operator_app)
    routes = operator_routes(operator_app, TOKEN, clock=lambda: NOW)
    http_app = build_http_app(engine=operator_app.library.engine, routes=routes)
    with running_app(http_app) as base:
        yield Served(base, operator_app)


_CSRF = re.compile(r'name="csrf" value="([^"]*)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = _CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


@contextmanager
def logged_in(base: str) -> Iterator[httpx.Client]:
    """A client that logged in through the form, as a browser does (cookies kept)."""
    with httpx.Client(base_url=base, timeout=10) as client:
        form = client.get("/ui/login")
        fields = {"csrf": csrf_of(form.text), "token": TOKEN, "next": "/ui/"}
        answer = client.post("/ui/login", data=fields)
        assert answer.status_code == 303, answer.text
        yield client
