"""The search engines behind :class:`bot.ports.Ranker`.

:class:`ScanRanker` scans the library in memory — simple and exact, fine for tens of
thousands of papers. :class:`IndexRanker` asks a full-text index for candidates and keeps the
same blend and reason lines, so it answers in milliseconds at a million papers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.papers import Paper
from bot.ports import Candidate, CandidateOrder, PaperRepository, SearchIndex
from bot.query import Query
from bot.ranking import (
    RankedPaper,
    lift_of,
    matched_field,
    passes_filters,
    rank_papers,
    reason_line,
)

# The blend re-ranks this many of the best text matches per result wanted (at least
# _MIN_CANDIDATES): text relevance first, the lift only reorders the strongest matches.
CANDIDATES_PER_RESULT = 10
_MIN_CANDIDATES = 100
# Without text every match is equally relevant; the lift alone orders the top by each signal.
_FILTER_CANDIDATES_PER_RESULT = 3


class ScanRanker:
    """Rank every stored paper that passes the query's date filter."""

    def __init__(self, repository: PaperRepository) -> None:
        self._repository = repository

    def search(self, query: Query, *, limit: int, now: datetime) -> list[RankedPaper]:
        """The best ``limit`` papers for ``query`` as of ``now``."""
        since = query.since.resolve(now) if query.since else None
        return rank_papers(query, self._repository.iter_papers(since=since), now=now, limit=limit)


class IndexRanker:
    """Candidates from a :class:`bot.ports.SearchIndex`, then the blend of
    :mod:`bot.ranking`, then the reason line: milliseconds at a million papers.

    A text query takes the ``max(10 × limit, 100)`` best text matches (the engine's BM25) and
    orders them by relevance × lift. The lift is at most ×1.6, so it reorders near-ties among
    strong matches and can never bring in a weak one from further down: text relevance
    first. A filter-only query (``cat:cs.LG min-upvotes:10``) has no relevance; every match
    counts 1 and the lift orders them, so we take the top of each signal (upvotes, stars,
    recency) and blend their union.
    """

    def __init__(self, index: SearchIndex, repository: PaperRepository) -> None:
        self._index = index
        self._repository = repository

    def search(self, query: Query, *, limit: int, now: datetime) -> list[RankedPaper]:
        """The best ``limit`` papers for ``query`` as of ``now``."""
        if query.is_empty or limit <= 0:
            return []
        if query.has_text:
            wanted = max(limit * CANDIDATES_PER_RESULT, _MIN_CANDIDATES)
            found = self._index.candidates(query, limit=wanted, now=now)
            blended = _blend(found, now)
            ids = _LazyIds(self._index, blended)
        else:
            wanted = limit * _FILTER_CANDIDATES_PER_RESULT
            orders: tuple[CandidateOrder, ...] = ("upvotes", "stars", "recency")
            merged: dict[str, Candidate] = {}
            for order in orders:
                found = self._index.candidates(query, limit=wanted, now=now, order=order)
                merged.update(zip(self._index.arxiv_ids(found), found, strict=True))
            by_candidate = {id(c): arxiv_id for arxiv_id, c in merged.items()}
            blended = _blend(list(merged.values()), now)
            ids = _LazyIds(self._index, blended, known=by_candidate)
        return self._explain(query, blended, ids, limit, now)

    def _explain(
        self,
        query: Query,
        blended: Sequence[tuple[float, Candidate]],
        ids: _LazyIds,
        limit: int,
        now: datetime,
    ) -> list[RankedPaper]:
        """Load the winners from the library (the source of truth), drop any the index
        matched too loosely (an author phrase across two names), and write the reasons."""
        ranked: list[RankedPaper] = []
        start = 0
        while len(ranked) < limit and start < len(blended):
            chunk = blended[start : start + limit]
            chunk_ids = ids.resolve(start, start + len(chunk))
            start += limit
            papers = {p.arxiv_id: p for p in self._repository.get_papers(chunk_ids)}
            for (score, candidate), arxiv_id in zip(chunk, chunk_ids, strict=True):
                paper = papers.get(arxiv_id)
                if paper is None or not _still_matches(paper, query, now):
                    continue
                relevance = candidate.relevance if query.has_text else 1.0
                field = matched_field(paper, query)
                why = reason_line(paper, query, field, now)
                ranked.append(RankedPaper(paper, score, relevance, why, field))
        return ranked[:limit]


class _LazyIds:
    """Ids of blended candidates, asked of the index only for the slices that are shown."""

    def __init__(
        self,
        index: SearchIndex,
        blended: Sequence[tuple[float, Candidate]],
        known: dict[int, str] | None = None,
    ) -> None:
        self._index = index
        self._blended = blended
        self._known = known or {}

    def resolve(self, start: int, stop: int) -> list[str]:
        chunk = [candidate for _, candidate in self._blended[start:stop]]
        if all(id(c) in self._known for c in chunk):
            return [self._known[id(c)] for c in chunk]
        return self._index.arxiv_ids(chunk)


def _blend(found: Sequence[Candidate], now: datetime) -> list[tuple[float, Candidate]]:
    """Relevance × lift, best first; ties go to the more upvoted, then the engine's order."""
    scored = [(c.relevance * lift_of(c.upvotes, c.github_stars, c.dated, now), c) for c in found]
    scored.sort(key=lambda pair: (-pair[0], -pair[1].upvotes))
    return scored


def _still_matches(paper: Paper, query: Query, now: datetime) -> bool:
    """The filters checked again on the stored paper: the index is a superset for author and
    org phrases (it can match across two names); words, phrases and exclusions were applied
    by the index with the same analysis, so they are not re-checked here."""
    return passes_filters(paper, replace(query, words=(), phrases=(), excluded=()), now)
