"""One scheduler pass ranks each distinct topic once, however many channels follow it.

10,000 channels × 3 topics all due the same minute ask for ~30,000 searches, but teams follow
the same few dozen topics: ranking each distinct (query, limit) once per pass turns the
build from minutes into seconds (issue 14.24). A pass is one moment — the window ``since:``
of a topic moves by seconds within it — so the first answer serves the whole pass; the next
pass starts empty and sees new papers. Digests are built in worker threads, so the first
thread to ask ranks and the others wait for its answer instead of ranking it again.
"""

from __future__ import annotations

import threading
from datetime import datetime

from bot.ports import Ranker
from bot.ranking.blend import RankedPaper
from bot.ranking.query import Query


class PassRanker:
    """A :class:`bot.ports.Ranker` that remembers every answer for one scheduler pass."""

    def __init__(self, ranker: Ranker) -> None:
        self._ranker = ranker
        self._answers: dict[tuple[Query, int], list[RankedPaper]] = {}
        self._pending: dict[tuple[Query, int], threading.Lock] = {}
        self._guard = threading.Lock()
        self.searches = 0  # how many searches really ran (the bench reports it)

    def search(self, query: Query, *, limit: int, now: datetime) -> list[RankedPaper]:
        """The pass's answer for ``query`` (ranked on first use)."""
        key = (query, limit)
        with self._guard:
            answer = self._answers.get(key)
            if answer is not None:
                return list(answer)
            lock = self._pending.setdefault(key, threading.Lock())
        with lock:  # one thread ranks; the others wait here and read its answer
            with self._guard:
                answer = self._answers.get(key)
            if answer is None:
                answer = self._ranker.search(query, limit=limit, now=now)
                with self._guard:
                    self._answers[key] = answer
                    self.searches += 1
        return list(answer)

    @property
    def distinct(self) -> int:
        """How many distinct (query, limit) pairs this pass has answered."""
        return len(self._answers)
