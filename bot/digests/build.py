"""Build a digest: the best new papers for a set of topics, each with why it was picked."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.ports import Ranker
from bot.ranking.blend import RankedPaper
from bot.ranking.query import Query

DEFAULT_MAX_PAPERS = 10
CANDIDATES_PER_TOPIC = 50
FIRST_PAGE = 10  # candidates per topic asked first (explaining each one is the costly part)


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


class EmptyKind(StrEnum):
    """Why a digest came out empty, as the ranking saw it (most specific first)."""

    NO_TOPICS = "no_topics"
    ALREADY_POSTED = "already_posted"  # matches exist; every one was posted here
    BELOW_THRESHOLD = "below_threshold"  # matches exist; the new ones lack upvotes
    NO_MATCH = "no_match"  # nothing matches (within the window the queries carry)


EMPTY_REASONS = {
    EmptyKind.NO_TOPICS: "This channel follows no topics yet.",
    EmptyKind.ALREADY_POSTED: "Every matching paper has been posted here already.",
    EmptyKind.NO_MATCH: "No stored paper matches these topics yet.",
}


@dataclass(frozen=True, slots=True)
class Digest:
    """A finished digest; ``empty_reason`` explains an empty one (``empty_kind`` says which
    case it is, so the caller can look further)."""

    title: str
    items: tuple[DigestItem, ...]
    generated_at: datetime
    empty_reason: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    empty_kind: EmptyKind | None = None


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
    # Ranking explains every paper it returns, so ask first for a page a little larger than
    # the digest and go deeper only when papers already posted here used it up.
    first = min(CANDIDATES_PER_TOPIC, max(FIRST_PAGE, 2 * max_papers))
    rankings = [(topic, ranker.search(topic.query, limit=first, now=now)) for topic in topics]
    items = merge_rankings(
        rankings, max_papers=max_papers, exclude_ids=exclude_ids, min_upvotes=min_upvotes
    )
    if len(items) < max_papers and any(len(ranked) >= first for _, ranked in rankings):
        rankings = [
            (topic, ranker.search(topic.query, limit=CANDIDATES_PER_TOPIC, now=now))
            for topic in topics
        ]
        items = merge_rankings(
            rankings, max_papers=max_papers, exclude_ids=exclude_ids, min_upvotes=min_upvotes
        )
    kind = None if items else _empty_kind(topics, rankings, exclude_ids)
    reason = None
    if kind is EmptyKind.BELOW_THRESHOLD:
        reason = f"Nothing new above the threshold of {min_upvotes} upvotes."
    elif kind is not None:
        reason = EMPTY_REASONS[kind]
    return Digest(
        title=title, items=tuple(items), generated_at=now, empty_reason=reason, empty_kind=kind
    )


def _empty_kind(
    topics: Sequence[Topic],
    rankings: Sequence[tuple[Topic, Sequence[RankedPaper]]],
    exclude_ids: Collection[str],
) -> EmptyKind:
    """Which empty case this is: the papers that matched decide between "already posted"
    (every match was posted here) and "below the threshold" (some were not)."""
    if not topics:
        return EmptyKind.NO_TOPICS
    matched = {hit.paper.arxiv_id for _, ranked in rankings for hit in ranked}
    if not matched:
        return EmptyKind.NO_MATCH
    if matched <= set(exclude_ids):
        return EmptyKind.ALREADY_POSTED
    return EmptyKind.BELOW_THRESHOLD
