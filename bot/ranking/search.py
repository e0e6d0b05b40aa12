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
from bot.ranking.blend import (
    RankedPaper,
    lift_of,
    passes_filters,
    rank_papers,
    reason_line,
)
from bot.ranking.fusion import FusionMethod
from bot.ranking.hybrid import MEANING_REASON, hybrid_candidates
from bot.ranking.query import Query
from bot.ranking.reasons import matched_field
from bot.ranking.semantic import VectorIndex
from bot.ranking.similar import neighbours_query, search_papers

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
        """The best ``limit`` papers for ``query`` as of ``now`` (a pasted paper: its
        neighbours, :func:`bot.ranking.similar.search_papers`)."""
        return search_papers(query, limit, now, self._scan, self._find)

    def count(self, query: Query, *, now: datetime) -> int:
        """How many papers match ``query`` (a pasted paper: how many are like it)."""
        if query.like is not None:
            paper = self._find(query.like)
            return (
                0
                if paper is None
                else len(self._scan(neighbours_query(paper, query), None, now)) - 1
            )
        return len(self._scan(query, None, now))

    def _scan(
        self, query: Query, limit: int | None, now: datetime, like: Paper | None = None
    ) -> list[RankedPaper]:
        """The scan ranks by words only (``like`` is for rankers with vectors)."""
        since = query.since.resolve(now) if query.since else None
        return rank_papers(query, self._repository.iter_papers(since=since), now=now, limit=limit)

    def _find(self, arxiv_id: str) -> Paper | None:
        return next(iter(self._repository.get_papers([arxiv_id])), None)


class IndexRanker:
    """Candidates from a :class:`bot.ports.SearchIndex`, then the blend of
    :mod:`bot.ranking.blend`, then the reason line: milliseconds at a million papers.

    A text query takes the ``max(10 × limit, 100)`` best text matches (the engine's BM25) and
    orders them by relevance × lift. The lift is at most ×1.6, so it reorders near-ties among
    strong matches and can never bring in a weak one from further down: text relevance
    first. A filter-only query (``cat:cs.LG min-upvotes:10``) has no relevance; every match
    counts 1 and the lift orders them, so we take the top of each signal (upvotes, stars,
    recency) and blend their union.

    With a :class:`bot.ranking.semantic.VectorIndex`, a text query's candidates are the
    text matches ∪ the nearest neighbours in meaning, fused (:mod:`bot.ranking.hybrid`)
    before the blend; without one (no model), search is lexical only.
    """

    def __init__(
        self,
        index: SearchIndex,
        vectors: VectorIndex | None = None,
        *,
        fusion: FusionMethod = "zscore",
    ) -> None:
        self._index = index
        self._vectors = vectors
        self._fusion: FusionMethod = fusion

    def search(self, query: Query, *, limit: int, now: datetime) -> list[RankedPaper]:
        """The best ``limit`` papers for ``query`` as of ``now`` (a pasted paper: its
        neighbours, :func:`bot.ranking.similar.search_papers`)."""
        if query.is_empty or limit <= 0:
            return []
        return search_papers(query, limit, now, self._search, self._index.find)

    def count(self, query: Query, *, now: datetime) -> int:
        """How many papers match ``query`` (a pasted paper: how many are like it)."""
        if query.like is None:
            return self._index.count(query, now=now)
        paper = self._index.find(query.like)
        return (
            0 if paper is None else self._index.count(neighbours_query(paper, query), now=now) - 1
        )

    def _search(
        self, query: Query, limit: int, now: datetime, like: Paper | None = None
    ) -> list[RankedPaper]:
        known: dict[int, Paper] = {}
        meaning: frozenset[int] = frozenset()
        if query.has_text:
            wanted = max(limit * CANDIDATES_PER_RESULT, _MIN_CANDIDATES)
            found = self._index.candidates(query, limit=wanted, now=now)
            if self._vectors is not None:
                hybrid = hybrid_candidates(
                    self._index, self._vectors, query, found, limit=limit, now=now,
                    method=self._fusion, like=like.arxiv_id if like else None,
                )  # fmt: skip
                found, known, meaning = hybrid.candidates, hybrid.papers, hybrid.by_meaning
            blended = _blend(found, now)
        else:
            wanted = limit * _FILTER_CANDIDATES_PER_RESULT
            orders: tuple[CandidateOrder, ...] = ("upvotes", "stars", "recency")
            by_id: dict[str, Candidate] = {}
            for order in orders:
                found = self._index.candidates(query, limit=wanted, now=now, order=order)
                for candidate, paper in zip(found, self._index.papers(found), strict=True):
                    if paper.arxiv_id not in by_id:
                        by_id[paper.arxiv_id] = candidate
                        known[id(candidate)] = paper
            blended = _blend(list(by_id.values()), now)
        return self._explain(query, blended, known, limit, now, meaning)

    def _explain(
        self,
        query: Query,
        blended: Sequence[tuple[float, Candidate]],
        known: dict[int, Paper],
        limit: int,
        now: datetime,
        meaning: frozenset[int] = frozenset(),
    ) -> list[RankedPaper]:
        """Read the winners, drop any the index matched too loosely (an author phrase across
        two names), and write the reasons."""
        ranked: list[RankedPaper] = []
        start = 0
        while len(ranked) < limit and start < len(blended):
            chunk = blended[start : start + limit]
            start += limit
            missing = [c for _, c in chunk if id(c) not in known]
            known.update(
                (id(c), p) for c, p in zip(missing, self._index.papers(missing), strict=True)
            )
            for score, candidate in chunk:
                paper = known[id(candidate)]
                if not _still_matches(paper, query, now):
                    continue
                relevance = candidate.relevance if query.has_text else 1.0
                field = None if id(candidate) in meaning else matched_field(paper, query)
                why = reason_line(paper, query, field, now)
                if id(candidate) in meaning:
                    why = " · ".join(filter(None, (MEANING_REASON, why)))
                ranked.append(RankedPaper(paper, score, relevance, why, field))
        return ranked[:limit]


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
