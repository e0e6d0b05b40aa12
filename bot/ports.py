"""The small contracts the core needs from the outside world.

Storage and adapters satisfy these Protocols; the core never imports them. Keeping them
narrow (discord.py's ``Snowflake`` style) means a test double is a few lines, not a mock.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol, runtime_checkable

from bot.papers import Paper
from bot.ranking.blend import RankedPaper
from bot.ranking.query import Query


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one batch did to the library."""

    added: int
    updated: int
    skipped: int = 0
    # The papers as now stored (merged with what was there), so a derived index can follow.
    stored: tuple[Paper, ...] = field(default=(), compare=False, repr=False)
    new_ids: frozenset[str] = field(default=frozenset(), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class LibraryWatermark:
    """How far the library has come: a derived index that has seen the same is in step."""

    count: int
    last_change: datetime | None


class PaperRepository(Protocol):
    """Where papers live; the database is the source of truth."""

    def upsert_papers(self, papers: Sequence[Paper]) -> IngestReport:
        """Merge ``papers`` into the library in one transaction."""
        ...

    def get_papers(self, arxiv_ids: Iterable[str]) -> list[Paper]:
        """The stored papers with these ids (missing ids are left out)."""
        ...

    def iter_papers(self, *, since: date | None = None) -> Iterable[Paper]:
        """Every stored paper, or those dated on/after ``since``."""
        ...


CandidateOrder = Literal["relevance", "upvotes", "stars", "recency"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One match from a search index, with the signals the blend needs (no database trip).

    ``handle`` is the engine's own reference; :meth:`SearchIndex.papers` reads the papers
    only for the few candidates that win, which keeps the search path cheap. ``key`` names
    the paper inside the engine, so two lists of candidates (lexical and dense) can be fused
    without reading either's papers.
    """

    handle: object
    relevance: float
    upvotes: int = 0
    github_stars: int = 0
    dated: datetime | None = None
    key: Hashable = None


class SearchIndex(Protocol):
    """A full-text index derived from the library: it matches, filters and scores text."""

    def candidates(
        self, query: Query, *, limit: int, now: datetime, order: CandidateOrder = "relevance"
    ) -> list[Candidate]:
        """The best ``limit`` matches of ``query`` in ``order`` (best first), filters applied."""
        ...

    def candidates_among(
        self, query: Query, arxiv_ids: Sequence[str], *, now: datetime
    ) -> list[tuple[Candidate, Paper]]:
        """Those of these papers that pass the query's filters, exclusions, phrases and
        required words (its plain words are not needed: meaning found them), with the papers."""
        ...

    def papers(self, candidates: Sequence[Candidate]) -> list[Paper]:
        """The papers behind these candidates, in the same order (the index keeps a copy of
        each, in step with the library, so results need no database trip)."""
        ...

    def find(self, arxiv_id: str) -> Paper | None:
        """The indexed paper with this (version-less) id, if any."""
        ...

    def count(self, query: Query, *, now: datetime) -> int:
        """How many papers match ``query`` (filters applied), for "10 of 143"."""
        ...


@runtime_checkable
class MatchCounter(Protocol):
    """A ranker that can also say how many papers match in all (search replies' "of 143")."""

    def count(self, query: Query, *, now: datetime) -> int:
        """How many papers match ``query`` as of ``now`` (not only the best few)."""
        ...


class Ranker(Protocol):
    """Answers a query with ranked papers; the engine behind it is replaceable."""

    def search(self, query: Query, *, limit: int, now: datetime) -> list[RankedPaper]:
        """The best ``limit`` papers for ``query`` as of ``now``."""
        ...
