"""The search engine behind :class:`bot.ports.Ranker` that scans the library in memory.

It reads candidates from the repository and ranks them with :func:`bot.ranking.rank_papers`.
Simple and exact, fine for tens of thousands of papers; the index engine replaces it for a
large library without changing any caller.
"""

from __future__ import annotations

from datetime import datetime

from bot.ports import PaperRepository
from bot.query import Query
from bot.ranking import RankedPaper, rank_papers


class ScanRanker:
    """Rank every stored paper that passes the query's date filter."""

    def __init__(self, repository: PaperRepository) -> None:
        self._repository = repository

    def search(self, query: Query, *, limit: int, now: datetime) -> list[RankedPaper]:
        """The best ``limit`` papers for ``query`` as of ``now``."""
        since = query.since.resolve(now) if query.since else None
        return rank_papers(query, self._repository.iter_papers(since=since), now=now, limit=limit)
