"""Trending papers: the ones gaining Hugging Face upvotes and GitHub stars fastest.

Every fetch records each paper's upvotes and stars, but only when they changed (storage keeps
a row per change, so a paper that sits still costs nothing more). Trending over a window
(24 h or 7 days) compares each paper's latest values with its values at the window's start:

    score = Δupvotes + Δstars / 10

A star counts a tenth of an upvote because a paper's GitHub repository collects stars about
ten times as fast as its Hugging Face page collects upvotes; both are "people who cared".
A paper first seen inside the window counts from zero when it is itself new (dated inside
the window: an HF daily paper's upvotes all arrived since it was featured), and from its
first snapshot otherwise, so back-filling an old paper never looks like a surge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.errors import UserError
from bot.papers import Paper
from bot.ports import PaperRepository
from bot.ranking.blend import paper_date, rank_papers
from bot.ranking.query import Query, parse_query

STAR_SHARE = 0.1
PERIODS = {"24h": timedelta(hours=24), "7d": timedelta(days=7)}
DEFAULT_PERIOD = "24h"
EXAMPLE = "/papers trending 7d agents"


@dataclass(frozen=True, slots=True)
class Signals:
    """A paper's upvotes and GitHub stars at one moment."""

    upvotes: int
    stars: int


@dataclass(frozen=True, slots=True)
class SignalChange:
    """A paper whose signals changed in a window: its values at the window's start (None when
    it was first seen inside the window), its first values seen, and its latest."""

    paper_id: str
    before: Signals | None
    first: Signals
    after: Signals


class SignalHistory(Protocol):
    """Upvotes and stars over time (storage implements it)."""

    def record_signals(self, papers: Sequence[Paper], now: datetime) -> int:
        """Note each paper's upvotes and stars when they differ from the last note; how many
        notes were written."""
        ...

    def signal_changes(self, since: datetime, until: datetime) -> list[SignalChange]:
        """Every paper with a note in ``(since, until]``, with its values around it."""
        ...


@dataclass(frozen=True, slots=True)
class Trend:
    """A trending paper: how much it gained in the window, its score, and the why-line."""

    paper: Paper
    upvotes: int
    stars: int
    score: float
    why: str


@dataclass(frozen=True, slots=True)
class TrendingRequest:
    """``/papers trending [24h|7d] [query]`` parsed: the window and the optional query."""

    period: str
    text: str
    query: Query | None


def parse_trending(rest: str) -> TrendingRequest:
    """Read ``[24h|7d] [query]``; the query uses the search language."""
    first, _, remainder = rest.strip().partition(" ")
    period = DEFAULT_PERIOD
    if first.lower() in PERIODS:
        period, rest = first.lower(), remainder
    elif first.lower() in ("1d", "day", "today"):
        period, rest = "24h", remainder
    elif first.lower() in ("week", "1w"):
        period, rest = "7d", remainder
    elif first[:-1].isdigit() and first[-1:].lower() in ("h", "d", "w"):
        raise UserError(f"trending looks at 24h or 7d, not '{first[:20]}'.", example=EXAMPLE)
    text = rest.strip()
    query = parse_query(text) if text else None
    if query is not None and query.is_empty:
        query, text = None, ""
    return TrendingRequest(period, text, query)


def _baseline(change: SignalChange, paper: Paper, since: datetime) -> Signals:
    if change.before is not None:
        return change.before
    dated = paper_date(paper)
    if dated is not None and dated >= since - timedelta(days=1):
        return Signals(0, 0)  # new in the window: everything it has, it gained here
    return change.first


def _count(value: int, unit: str) -> str:
    return f"+{value} {unit}{'' if value == 1 else 's'}"


def velocity_line(gained: Signals, now_at: Signals, period: str) -> str:
    """``+34 upvotes, +120 GitHub stars in 24h (now 86 upvotes, 1,204 stars)``."""
    parts = []
    if gained.upvotes:
        parts.append(_count(gained.upvotes, "upvote"))
    if gained.stars:
        parts.append(_count(gained.stars, "GitHub star"))
    rate = ""
    if period == "7d":
        per_day = (gained.upvotes + gained.stars * STAR_SHARE) / 7
        rate = f", {per_day:.1f}/day"
    return (
        f"{', '.join(parts)} in {period}{rate} "
        f"(now {now_at.upvotes:,} upvotes, {now_at.stars:,} stars)"
    )


def trending(
    history: SignalHistory,
    papers: PaperRepository,
    *,
    period: str,
    query: Query | None,
    now: datetime,
    limit: int,
) -> list[Trend]:
    """The ``limit`` papers that gained most in ``period`` (optionally matching ``query``,
    by the search's own matching rules), best first."""
    since = now - PERIODS[period]
    changes = {c.paper_id: c for c in history.signal_changes(since, now)}
    found = papers.get_papers(list(changes))
    if query is not None:
        matching = {r.paper.arxiv_id for r in rank_papers(query, found, now=now, limit=None)}
        found = [p for p in found if p.arxiv_id in matching]
    trends = []
    for paper in found:
        if paper.withdrawn:
            continue
        change = changes[paper.arxiv_id]
        start = _baseline(change, paper, since)
        gained = Signals(
            max(0, change.after.upvotes - start.upvotes), max(0, change.after.stars - start.stars)
        )
        score = gained.upvotes + gained.stars * STAR_SHARE
        if score <= 0:
            continue
        why = velocity_line(gained, change.after, period)
        trends.append(Trend(paper, gained.upvotes, gained.stars, score, why))
    trends.sort(key=lambda t: (-t.score, -t.paper.upvotes, t.paper.arxiv_id))
    return trends[:limit]
