"""Build a digest: the best new papers for a set of topics, each with why it was picked."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.ports import Ranker
from bot.ranking.blend import RankedPaper
from bot.ranking.query import Query

DEFAULT_MAX_PAPERS = 10
CANDIDATES_PER_TOPIC = 50


@dataclass(frozen=True, slots=True)
class Topic:
    """A subscribed topic: its text as the user wrote it and the parsed query."""

    text: str
    query: Query


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One paper in a digest, the topic that brought it, and a note like "also in #ml-infra"."""

    ranked: RankedPaper
    topic: str
    also_in: str | None = None


@dataclass(frozen=True, slots=True)
class Digest:
    """A finished digest; ``empty_reason`` explains an empty one."""

    title: str
    items: tuple[DigestItem, ...]
    generated_at: datetime
    empty_reason: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def merge_rankings(
    rankings: Sequence[tuple[Topic, Sequence[RankedPaper]]],
    *,
    max_papers: int,
    exclude_ids: Collection[str] = (),
    min_upvotes: int | None = None,
) -> list[DigestItem]:
    """Interleave the topics' rankings round-robin, each paper once, best topics first.

    Round-robin because scores of different queries are not comparable: every topic gets its
    best paper in before any topic gets its second.
    """
    taken: set[str] = set(exclude_ids)
    items: list[DigestItem] = []
    depth = max((len(r) for _, r in rankings), default=0)
    for position in range(depth):
        for topic, ranked in rankings:
            if len(items) >= max_papers:
                return items
            if position >= len(ranked):
                continue
            hit = ranked[position]
            if hit.paper.arxiv_id in taken:
                continue
            if min_upvotes is not None and hit.paper.upvotes < min_upvotes:
                continue
            taken.add(hit.paper.arxiv_id)
            items.append(DigestItem(hit, topic.text))
    return items


def build_digest(
    topics: Sequence[Topic],
    ranker: Ranker,
    *,
    now: datetime,
    max_papers: int = DEFAULT_MAX_PAPERS,
    exclude_ids: Collection[str] = (),
    min_upvotes: int | None = None,
    title: str = "Paperboy digest",
) -> Digest:
    """Rank each topic, merge, cap; explain an empty result instead of going silent."""
    rankings = [
        (topic, ranker.search(topic.query, limit=CANDIDATES_PER_TOPIC, now=now)) for topic in topics
    ]
    items = merge_rankings(
        rankings, max_papers=max_papers, exclude_ids=exclude_ids, min_upvotes=min_upvotes
    )
    reason = None
    if not topics:
        reason = "This channel follows no topics yet."
    elif not items:
        if not any(ranked for _, ranked in rankings):
            reason = "No stored paper matches these topics yet."
        elif min_upvotes is not None:
            reason = f"Nothing new above the threshold of {min_upvotes} upvotes."
        else:
            reason = "Every matching paper has been posted here already."
    return Digest(title=title, items=tuple(items), generated_at=now, empty_reason=reason)
