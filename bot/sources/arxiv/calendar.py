"""The arXiv announcement calendar: did ``cs.LG`` announce anything on a given day?

The feeds are empty at weekends and on holidays (https://info.arxiv.org/help/availability.html).
Recording "no announcement for cs.LG on D" lets a digest say why it is empty instead of going
silent, and tells a quiet day from a fetch that never happened (``unknown``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # only a type here; the parser (and feedparser) loads where bodies are read
    from bot.sources.arxiv.parse import ArxivBatch


class AnnouncementStatus(StrEnum):
    """What we know about one category on one announcement day."""

    ANNOUNCED = "announced"
    NO_ANNOUNCEMENT = "no_announcement"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class AnnouncementRecord:
    """One observation: ``category`` on ``day`` had ``papers`` announced (0 = none)."""

    category: str
    day: date
    papers: int

    @property
    def status(self) -> AnnouncementStatus:
        """Announced when anything (new, cross or replacement) appeared that day."""
        return AnnouncementStatus.ANNOUNCED if self.papers else AnnouncementStatus.NO_ANNOUNCEMENT


class AnnouncementCalendar(Protocol):
    """Where announcement observations are kept; storage satisfies it."""

    def record_announcement(self, record: AnnouncementRecord) -> None:
        """Store an observation; "announced" is never downgraded by a later empty feed."""
        ...

    def announcement_status(self, category: str, day: date) -> AnnouncementStatus:
        """What we know about ``category`` on ``day``."""
        ...


def announcement_record(batch: ArxivBatch) -> AnnouncementRecord | None:
    """The calendar entry an announcement feed or listing page implies, if it names its day.

    Export-API results say nothing about announcements, so they give none.
    """
    if batch.kind == "api" or batch.category is None or batch.announced_on is None:
        return None
    return AnnouncementRecord(
        category=batch.category,
        day=batch.announced_on,
        papers=len(batch.papers) + batch.skipped,
    )
