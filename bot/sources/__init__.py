"""Where papers come from, and the one path that brings them into the library.

- :class:`PaperSource` — the contract every fetch satisfies: a named source that delivers
  :class:`SourceBatch` es. Hugging Face (:mod:`bot.sources.hf`) and arXiv
  (:mod:`bot.sources.arxiv`) implement it over HTTP; tests hand in a fake.
- :mod:`bot.sources.ingest` — fetch → store → index → record source health and the arXiv
  calendar, used by ``paperboy serve`` and by ``paperboy fetch hf|arxiv`` alike.
- :mod:`bot.sources.http` — retries with backoff and :class:`bot.sources.http.HttpOptions`
  (timeout, first retry wait); :mod:`bot.pacing` — the keyed pacer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.papers import Paper

if TYPE_CHECKING:  # the calendar module pulls in the arXiv parser; only its type is needed
    from bot.sources.arxiv.calendar import AnnouncementRecord


@dataclass(frozen=True, slots=True)
class SourceName:
    """How one source is named: ``display`` in source health (and so in empty-digest reasons),
    ``metric`` as the low-cardinality metrics label."""

    display: str
    metric: str


HUGGING_FACE = SourceName("Hugging Face", "huggingface")
ARXIV = SourceName("arXiv", "arxiv")


@dataclass(frozen=True, slots=True)
class SourceBatch:
    """One delivery from a source, stored as soon as it arrives (a failure later loses nothing).

    ``label`` says what it was for people ("arXiv cs.LG feed"); ``unchanged`` means the feed
    repeated its last body, so there is nothing to store; ``announcement`` is what the batch
    tells the arXiv calendar; ``announce_types`` counts arXiv's announce types (new, cross…).
    """

    label: str
    papers: Sequence[Paper] = ()
    skipped: int = 0
    unchanged: bool = False
    announcement: AnnouncementRecord | None = None
    announce_types: tuple[tuple[str, int], ...] = ()


class PaperSource(Protocol):
    """One fetch from one source. ``batches`` raises :class:`bot.errors.SourceUnavailable`
    when the source stays down after retries, and a :class:`bot.errors.UserError` when the
    request itself is wrong (arXiv rejected it, an id it does not know)."""

    @property
    def name(self) -> SourceName:
        """Which source this is (source health and metrics are kept per source)."""
        ...

    def batches(self) -> AsyncIterator[SourceBatch]:
        """The batches of this fetch, in order."""
        ...
