"""The composition root: builds Paperboy's parts from settings. Nothing else wires things."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from sqlalchemy.engine import Engine

from adapters.settings import Settings
from bot.papers import Paper
from bot.ports import IngestReport, Ranker
from bot.search import IndexRanker
from storage.database import make_engine, upgrade
from storage.paper_repository import SqlPaperRepository
from storage.search_index import TantivyIndex, bring_up_to_date

log = logging.getLogger(__name__)


@dataclass
class Library:
    """The database-backed paper library with its search index and ranker.

    Write through :meth:`ingest` and :meth:`delete` so the index follows the database (the
    source of truth); an index that falls behind anyway heals on the next open.
    """

    engine: Engine
    papers: SqlPaperRepository
    index: TantivyIndex
    ranker: Ranker

    def ingest(self, papers: Sequence[Paper]) -> IngestReport:
        """Merge ``papers`` into the database, then into the search index."""
        report = self.papers.upsert_papers(papers)
        self._follow(lambda: self.index.upsert(report.stored, new_ids=report.new_ids))
        return report

    def ingest_many(self, batches: Iterable[Sequence[Paper]]) -> IngestReport:
        """:meth:`ingest` for a stream of batches (a backfill): the index commits one batch
        in a worker thread (tantivy lets go of the GIL) while the next goes into the
        database, so the two writes overlap. Returns with both in step."""
        added = updated = 0
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="index") as worker:
            pending: Future[None] | None = None
            for batch in batches:
                report = self.papers.upsert_papers(batch)
                added, updated = added + report.added, updated + report.updated
                if pending is not None:
                    pending.result()
                write = partial(self.index.upsert, report.stored, new_ids=report.new_ids)
                pending = worker.submit(self._follow, write)
            if pending is not None:
                pending.result()
        return IngestReport(added=added, updated=updated)

    def delete(self, arxiv_ids: Iterable[str]) -> int:
        """Remove papers from the database and the index; how many the database held."""
        wanted = list(arxiv_ids)
        removed = self.papers.delete_papers(wanted)
        self._follow(lambda: self.index.delete(wanted))
        return removed

    def refresh_index(self) -> str:
        """Bring the index up to date with the database now; what it took. A long-running
        replica calls this periodically so papers another replica ingested show up."""
        try:
            return bring_up_to_date(self.index, self.papers)
        except ValueError:
            return "busy (another process is writing this index)"

    def _follow(self, write: Callable[[], object]) -> None:
        try:
            write()
        except ValueError:
            # Another process holds the index's writer lock; the database write stands and
            # this index catches up the next time it is opened.
            log.warning("search index %s is busy; it will catch up later", self.index.directory)


@contextmanager
def open_library(settings: Settings, *, migrate: bool = True) -> Iterator[Library]:
    """Open the database (migrated to the newest schema) and the search index, bring the
    index up to date with the database, and close both after."""
    engine = make_engine(settings.database_url)
    try:
        if migrate:
            upgrade(engine)
        papers = SqlPaperRepository(engine)
        index = TantivyIndex(settings.search_index_dir())
        try:
            library = Library(engine=engine, papers=papers, index=index, ranker=IndexRanker(index))
            log.info("search index %s: %s", index.directory, library.refresh_index())
            yield library
        finally:
            index.close()
    finally:
        engine.dispose()


def configure_logging(level: str) -> None:
    """Plain one-line log events on stderr."""
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
