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
    MAX_LIFT,
    RankedPaper,
    lift_of,
    matched_field,
    passes_filters,
    rank_papers,
    reason_line,
)

# How many candidates to ask for at first, per result wanted, and the most we ever ask for.
_FIRST_ROUND_PER_RESULT = 3
_FIRST_ROUND_MIN = 30
_MAX_CANDIDATES = 20_000


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
    :mod:`bot.ranking`, then the reason line — the same answer as a scan, found fast.

    The blend multiplies relevance by a lift in [1, ``MAX_LIFT``], so a paper the index did
    not return (relevance at most the last candidate's) can score at most
    ``last.relevance × MAX_LIFT``. When the ``limit``-th blended score is at least that, no
    unseen paper can enter the top: the answer is exact. Otherwise we ask for four times more
    candidates (rare: it takes a near-tie over many papers).
    """

    def __init__(self, index: SearchIndex, repository: PaperRepository) -> None:
        self._index = index
        self._repository = repository

    def search(self, query: Query, *, limit: int, now: datetime) -> list[RankedPaper]:
        """The best ``limit`` papers for ``query`` as of ``now``."""
        if query.is_empty or limit <= 0:
            return []
        wanted = max(limit * _FIRST_ROUND_PER_RESULT, _FIRST_ROUND_MIN)
        while True:
            if query.has_text:
                blended, exact = self._text_round(query, limit, wanted, now)
            else:
                blended, exact = self._filter_round(query, limit, wanted, now)
            if exact or wanted >= _MAX_CANDIDATES:
                break
            wanted *= 4
        return self._explain(query, blended, limit, now)

    def _text_round(
        self, query: Query, limit: int, wanted: int, now: datetime
    ) -> tuple[list[tuple[float, Candidate]], bool]:
        found = self._index.candidates(query, limit=wanted, now=now)
        blended = _blend(found, now)
        if len(found) < wanted:
            return blended, True
        bound = found[-1].relevance * MAX_LIFT
        return blended, len(blended) >= limit and blended[limit - 1][0] >= bound

    def _filter_round(
        self, query: Query, limit: int, wanted: int, now: datetime
    ) -> tuple[list[tuple[float, Candidate]], bool]:
        """Without text every match has relevance 1 and the lift alone orders them: take the
        top by each signal; a paper in none of those lists is bounded by the last of each."""
        orders: tuple[CandidateOrder, ...] = ("upvotes", "stars", "recency")
        lists = [self._index.candidates(query, limit=wanted, now=now, order=o) for o in orders]
        merged = {c.arxiv_id: c for found in lists for c in found}
        blended = _blend(list(merged.values()), now)
        if all(len(found) < wanted for found in lists):
            return blended, True
        by_votes, by_stars, by_date = (found[-1] if found else None for found in lists)
        bound = lift_of(
            by_votes.upvotes if by_votes else 0,
            by_stars.github_stars if by_stars else 0,
            by_date.dated if by_date else None,
            now,
        )
        return blended, len(blended) >= limit and blended[limit - 1][0] >= bound

    def _explain(
        self, query: Query, blended: Sequence[tuple[float, Candidate]], limit: int, now: datetime
    ) -> list[RankedPaper]:
        """Load the winners from the library (the source of truth), drop any the index
        matched too loosely (an author phrase across two names), and write the reasons."""
        ranked: list[RankedPaper] = []
        start = 0
        while len(ranked) < limit and start < len(blended):
            chunk = blended[start : start + limit]
            start += limit
            papers = {
                p.arxiv_id: p for p in self._repository.get_papers(c.arxiv_id for _, c in chunk)
            }
            for score, candidate in chunk:
                paper = papers.get(candidate.arxiv_id)
                if paper is None or not _still_matches(paper, query, now):
                    continue
                relevance = candidate.relevance if query.has_text else 1.0
                field = matched_field(paper, query)
                why = reason_line(paper, query, field, now)
                ranked.append(RankedPaper(paper, score, relevance, why, field))
        return ranked[:limit]


def _blend(found: Sequence[Candidate], now: datetime) -> list[tuple[float, Candidate]]:
    """Relevance × lift, best first; ties go to the more upvoted, then the lower id."""
    scored = [
        (max(c.relevance, 1e-9) * lift_of(c.upvotes, c.github_stars, c.dated, now), c)
        for c in found
    ]
    scored.sort(key=lambda pair: (-pair[0], -pair[1].upvotes, pair[1].arxiv_id))
    return scored


def _still_matches(paper: Paper, query: Query, now: datetime) -> bool:
    """The filters checked again on the stored paper: the index is a superset for author and
    org phrases (it can match across two names); words, phrases and exclusions were applied
    by the index with the same analysis, so they are not re-checked here."""
    return passes_filters(paper, replace(query, words=(), phrases=(), excluded=()), now)
