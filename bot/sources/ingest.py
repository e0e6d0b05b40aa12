"""The one ingest path: fetch → store → index → record source health and the arXiv calendar.

``paperboy serve`` (its periodic fetch), ``paperboy fetch hf`` and ``paperboy fetch arxiv``
all run :func:`ingest`; they differ only in the :class:`bot.sources.PaperSource` they hand
in and in what they tell people. Each batch is stored as soon as it arrives, so a source
that fails half-way loses nothing already fetched. The library writer, the health recorder
and the calendar are Protocols; storage satisfies them, tests pass fakes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from bot.errors import SourceUnavailable, UserError
from bot.metrics import PAPERS_INGESTED, SOURCE_ERRORS
from bot.papers import Paper
from bot.ports import IngestReport
from bot.ranking.query import parse_query
from bot.ranking.semantic import PaperEmbedder
from bot.sources import PaperSource, SourceBatch, SourceName
from bot.sources.arxiv.calendar import AnnouncementCalendar

log = logging.getLogger(__name__)


class LibraryWriter(Protocol):
    """Where fetched papers go: the database, then the search index that follows it."""

    def ingest(self, papers: Sequence[Paper]) -> IngestReport:
        """Merge ``papers`` into the library."""
        ...


class SourceHealth(Protocol):
    """Where each fetch's outcome is kept, so an empty digest can say a source is down."""

    def record_source_result(self, source: str, error: str | None, now: datetime) -> None:
        """Note that ``source`` was fetched at ``now``: fine (``error`` None) or not."""
        ...


class SignalRecorder(Protocol):
    """Where each fetch notes the papers' upvotes and stars (trending compares them)."""

    def record_signals(self, papers: Sequence[Paper], now: datetime) -> int:
        """Note each paper's upvotes and stars when they changed; how many notes."""
        ...


@dataclass(frozen=True, slots=True)
class IngestTargets:
    """Where one fetch's results go. ``health`` and ``signals`` are None for saved files:
    not a fetch, and a file's upvotes are as old as the file."""

    library: LibraryWriter
    calendar: AnnouncementCalendar
    health: SourceHealth | None = None
    vectors: PaperEmbedder | None = None  # None: search by meaning is off
    signals: SignalRecorder | None = None


@dataclass(frozen=True, slots=True)
class StoredBatch:
    """One batch and what storing it did (``report`` None: nothing to store)."""

    batch: SourceBatch
    report: IngestReport | None


@dataclass(slots=True)
class IngestOutcome:
    """What one fetch did; ``error`` is set when the source stayed down."""

    source: SourceName
    stored: list[StoredBatch] = field(default_factory=list)
    error: SourceUnavailable | None = None

    @property
    def papers(self) -> int:
        """Papers delivered by the source, over all batches."""
        return sum(len(s.batch.papers) for s in self.stored)

    @property
    def added(self) -> int:
        """Papers that were new to the library."""
        return sum(s.report.added for s in self.stored if s.report is not None)


@dataclass(frozen=True, slots=True)
class SavedBatches:
    """A :class:`PaperSource` over batches already read (a saved file, the bundled sample):
    parsed before anything is stored, so a bad file changes nothing."""

    name: SourceName
    saved: Sequence[SourceBatch]

    async def batches(self) -> AsyncIterator[SourceBatch]:
        """The saved batches, in order."""
        for batch in self.saved:
            yield batch


async def _store(batch: SourceBatch, into: IngestTargets, now: datetime) -> StoredBatch:
    if batch.announcement is not None:
        await asyncio.to_thread(into.calendar.record_announcement, batch.announcement)
    if batch.unchanged or not batch.papers:
        return StoredBatch(batch, None)
    report = await asyncio.to_thread(into.library.ingest, batch.papers)
    if into.vectors is not None and report.stored:
        await _embed(into.vectors, report.stored)
    if into.signals is not None:
        # The merged papers as stored: an arXiv batch carries the HF upvotes it kept.
        await asyncio.to_thread(into.signals.record_signals, report.stored or batch.papers, now)
    return StoredBatch(batch, report)


async def _embed(vectors: PaperEmbedder, papers: Sequence[Paper]) -> None:
    """Embed a stored batch in a worker thread (the model is CPU-bound; the event loop keeps
    answering). A failure is a warning: the papers are stored and found by their words, and
    ``paperboy index embed`` fills the gap later."""
    try:
        await asyncio.to_thread(vectors.embed_papers, papers)
    except Exception:
        log.warning(
            "could not embed %d papers; they are found by words only", len(papers), exc_info=True
        )


async def ingest(
    source: PaperSource,
    into: IngestTargets,
    *,
    now: datetime | None = None,
    on_stored: Callable[[StoredBatch], None] | None = None,
) -> IngestOutcome:
    """Fetch ``source`` and store each batch as it arrives, then record the source's health.

    A source that stays down (:class:`SourceUnavailable`) is recorded and returned in
    ``IngestOutcome.error``: the caller decides whether that is an exit code or a log line.
    A :class:`UserError` (a request arXiv rejected, an unknown id) propagates, after the
    batches before it were stored. ``on_stored`` hears about each batch (CLI progress).
    """
    started = now or datetime.now(UTC)
    outcome = IngestOutcome(source.name)
    try:
        async for batch in source.batches():
            stored = await _store(batch, into, started)
            outcome.stored.append(stored)
            if stored.report is not None:
                added, updated = stored.report.added, stored.report.updated
                PAPERS_INGESTED.labels(source.name.metric).inc(added + updated)
            if on_stored is not None:
                on_stored(stored)
    except SourceUnavailable as exc:
        SOURCE_ERRORS.labels(source.name.metric).inc()
        log.warning("%s fetch failed: %s", source.name.display, exc.message)
        outcome.error = exc
    if into.health is not None:
        error = outcome.error.message if outcome.error else None
        await asyncio.to_thread(
            into.health.record_source_result, source.name.display, error, started
        )
    if outcome.error is None:
        log.info(
            "%s: fetched %d papers (%d new)", source.name.display, outcome.papers, outcome.added
        )
    return outcome


def followed_categories(topic_texts: Iterable[str]) -> list[str]:
    """The arXiv categories (``cat:`` filters) in channels' topics, sorted, each once."""
    categories: set[str] = set()
    for text in topic_texts:
        try:
            categories.update(parse_query(text).categories)
        except UserError:
            continue  # stored topics were validated when subscribed; skip anything odd
    return sorted(categories)
