"""The composition root: builds Paperboy's parts from settings. Nothing else wires things.

Order matters and is fixed here: the library, then the chat platforms' posting adapters, then
the digest runner with its final adapter mapping, then the command service, and only for
``serve`` the platform runtimes that feed commands into it (:meth:`App.runtimes`).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from sqlalchemy.engine import Engine

from adapters import logging_setup
from adapters.console import ConsoleAdapter
from adapters.faults import open_database
from adapters.logging_setup import LogFormat
from adapters.platform import ChatPlatform, PlatformRuntime
from adapters.platforms import build_platform, check_platform_names
from adapters.settings import Settings
from bot.channel_status import RepositoryChannelStatus
from bot.chat import ChannelStatus, ChatAdapter
from bot.commands.service import CommandService
from bot.digests.runner import DigestRunner
from bot.metrics import SEARCH_LATENCY
from bot.operator.feeds import FeedLinks
from bot.papers import Paper
from bot.ports import IngestReport, MatchCounter, Ranker
from bot.ranking.blend import RankedPaper
from bot.ranking.query import Query
from bot.ranking.search import IndexRanker
from bot.taste.service import TasteService
from bot.taste.threads import ThreadRunner
from storage.arxiv_calendar_repository import SqlAnnouncementCalendar
from storage.channel_repository import SqlChannelRepository
from storage.database import upgrade
from storage.embedding import (
    DIMENSIONS,
    MODEL_ID,
    ModelUnavailable,
    check_model_file,
    default_model_path,
    load_embedder,
)
from storage.feed_tokens import SqlFeedStore
from storage.paper_repository import SqlPaperRepository
from storage.paper_signals import SqlSignalHistory
from storage.search_index import TantivyIndex, bring_up_to_date
from storage.slack_repository import SqlSlackRepository
from storage.thread_posts import SqlThreadPosts
from storage.vectors import SqlVectorStore
from storage.vectors_index import SemanticIndex
from storage.vote_store import SqlVoteStore
from storage.workspace_repository import SqlWorkspaceRules

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass
class Library:
    """The database-backed paper library with its search index, its vectors and ranker.

    Write through :meth:`ingest` and :meth:`delete` so the index follows the database (the
    source of truth); an index that falls behind anyway heals on the next open. ``semantic``
    is None when search by meaning is off (``PAPERBOY_SEMANTIC=off``) or the model cannot
    be used (``semantic_problem`` says why; search is then lexical).
    """

    engine: Engine
    papers: SqlPaperRepository
    index: TantivyIndex
    ranker: Ranker
    semantic: SemanticIndex | None = None
    semantic_problem: str | None = None

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
        if self.semantic is not None:
            self.semantic.delete(wanted)
        return removed

    def refresh_index(self) -> str:
        """Bring the index up to date with the database now; what it took. A long-running
        replica calls this periodically so papers another replica ingested show up."""
        try:
            said = bring_up_to_date(self.index, self.papers)
        except ValueError:
            said = "busy (another process is writing this index)"
        if self.semantic is not None:
            said += f"; vectors: {self.semantic.catch_up()}"
        return said

    def _follow(self, write: Callable[[], object]) -> None:
        try:
            write()
        except ValueError:
            # Another process holds the index's writer lock; the database write stands and
            # this index catches up the next time it is opened.
            log.warning("search index %s is busy; it will catch up later", self.index.directory)


class MeasuredRanker:
    """A ranker that records every search's latency (``paperboy_search_seconds``): the one
    path commands, digests and the CLI all search through."""

    def __init__(self, inner: Ranker) -> None:
        self._inner = inner

    def search(self, query: Query, *, limit: int, now: datetime) -> list[RankedPaper]:
        """The inner ranker's answer, timed."""
        with SEARCH_LATENCY.time():
            return self._inner.search(query, limit=limit, now=now)

    def count(self, query: Query, *, now: datetime) -> int:
        """How many papers match in all, when the inner ranker can say (else 0)."""
        if isinstance(self._inner, MatchCounter):
            return self._inner.count(query, now=now)
        return 0


@dataclass
class App:
    """Everything a running Paperboy needs, built once and in order by :func:`open_app`:
    library → channels → chat platforms (their posting adapters) → digest runner → commands."""

    library: Library
    channels: SqlChannelRepository
    platforms: Mapping[str, ChatPlatform]
    runner: DigestRunner
    commands: CommandService
    status: ChannelStatus
    taste: TasteService | None = None
    threads: ThreadRunner | None = None

    @asynccontextmanager
    async def posting_to(self, platform: str) -> AsyncIterator[None]:
        """Open what posting to ``platform`` needs (a REST login) for the block, if built."""
        found = self.platforms.get(platform)
        if found is None:
            yield
            return
        async with found.posting():
            yield

    def runtimes(self) -> list[PlatformRuntime]:
        """The runtimes ``serve`` enters, one per platform, answering through the commands."""
        return [p.runtime(self.commands, self.status) for p in self.platforms.values()]


@contextmanager
def open_library(settings: Settings, *, migrate: bool = True) -> Iterator[Library]:
    """Open the database (migrated to the newest schema) and the search index, bring the
    index up to date with the database, and close both after. A database that cannot be
    used (down, no driver) is a one-line ``UserError`` with the fix."""
    engine = open_database(settings.database_url)
    try:
        if migrate:
            upgrade(engine)
        papers = SqlPaperRepository(engine)
        index = TantivyIndex(settings.search_index_dir())
        try:
            semantic, problem = open_semantic(settings, engine)
            ranker = MeasuredRanker(IndexRanker(index, semantic))
            library = Library(engine, papers, index, ranker, semantic, problem)
            log.info("search index %s: %s", index.directory, library.refresh_index())
            yield library
        finally:
            index.close()
    finally:
        engine.dispose()


def open_semantic(settings: Settings, engine: Engine) -> tuple[SemanticIndex | None, str | None]:
    """The replica's semantic index, or why there is none. A missing or damaged model is one
    warning (with the fix) and lexical search, never a failure: the file is checked here,
    the model itself opens on first use."""
    if not settings.semantic:
        return None, "turned off (PAPERBOY_SEMANTIC=off)"
    try:
        check_model_file(default_model_path())
    except ModelUnavailable as exc:
        log.warning("semantic search is off: %s; fix: %s", exc.reason, exc.fix)
        return None, f"{exc.reason} (fix: {exc.fix})"
    store = SqlVectorStore(engine, MODEL_ID, DIMENSIONS)
    return SemanticIndex(partial(load_embedder, settings.embed_threads), store), None


def _wall_clock() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    """A name for this process in digest claims: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@contextmanager
def open_app(settings: Settings, platforms: Sequence[str] = ("console",)) -> Iterator[App]:
    """Open the library and :func:`build_app` on it for ``platforms``; close it after."""
    with open_library(settings) as library:
        yield build_app(settings, library, platforms)


def build_app(
    settings: Settings,
    library: Library,
    platforms: Sequence[str] = ("console",),
    *,
    clock: Clock | None = None,
    worker: str | None = None,
) -> App:
    """Build, in order, the chat ``platforms`` (``console``, ``slack``, ``discord``; each but
    the console needs its credentials), the digest runner posting through their adapters, and
    the command service. Nothing is added afterwards. ``clock`` replaces the wall clock
    (tests); ``worker`` names this process in digest claims."""
    names = check_platform_names(platforms)
    channels = SqlChannelRepository(library.engine)
    slack_store = SqlSlackRepository(library.engine)
    chat = {
        name: build_platform(name, settings, slack_store) for name in names if name != "console"
    }
    adapters: dict[str, ChatAdapter] = {name: p.adapter for name, p in chat.items()}
    if "console" in names:
        adapters["console"] = ConsoleAdapter(output=settings.console_output)
    now = clock or _wall_clock
    worker = worker or worker_name()
    taste = TasteService(SqlVoteStore(library.engine), channels, library.papers, clock=now)
    runner = DigestRunner(
        channels,
        library.ranker,
        adapters,
        worker=worker,
        lease_seconds=settings.claim_lease_seconds,
        calendar=SqlAnnouncementCalendar(library.engine),
        clock=now,
        shape=taste.ranker_for,
    )
    from adapters.paper_lookup import ArxivPaperLookup  # it imports this module

    feeds = FeedLinks(SqlFeedStore(library.engine), settings.public_url)
    commands = CommandService(
        channels,
        library.papers,
        library.ranker,
        runner,
        clock=now,
        taste=taste,
        fetcher=ArxivPaperLookup(settings, library),
        feeds=feeds,
        trends=SqlSignalHistory(library.engine),
        workspaces=SqlWorkspaceRules(library.engine),
    )
    status = RepositoryChannelStatus(channels, clock=now)
    threads = ThreadRunner(
        SqlThreadPosts(library.engine), library.papers, adapters, worker=worker, clock=now
    )
    return App(library, channels, chat, runner, commands, status, taste, threads)


def configure_logging(level: str, fmt: LogFormat = "text") -> None:
    """One scrubbed event per line on stderr (see :mod:`adapters.logging_setup`)."""
    logging_setup.configure_logging(level, fmt)
