"""The small contracts the core needs from the outside world.

Storage and adapters satisfy these Protocols; the core never imports them. Keeping them
narrow (discord.py's ``Snowflake`` style) means a test double is a few lines, not a mock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from bot.papers import Paper
from bot.query import Query
from bot.ranking import RankedPaper


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one batch did to the library."""

    added: int
    updated: int
    skipped: int = 0


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


class Ranker(Protocol):
    """Answers a query with ranked papers; the engine behind it is replaceable."""

    def search(self, query: Query, *, limit: int, now: datetime) -> list[RankedPaper]:
        """The best ``limit`` papers for ``query`` as of ``now``."""
        ...
