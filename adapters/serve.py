"""``paperboy serve``: the scheduler, the periodic fetch, and the enabled chat platforms.

Every replica runs the same process; the digest claim makes each (channel, period) post once.
SIGTERM/SIGINT stop it within 10 s: the current tick may finish, connections close, and
anything still running after a grace period is cancelled and named in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

import httpx

from adapters.arxiv_settings import ArxivSettings
from adapters.composition import App
from adapters.gauges import refresh_gauges
from adapters.http_server import build_http_app, start_http_server
from adapters.platform import PlatformRuntime
from adapters.platforms import PLATFORMS
from adapters.settings import Settings
from adapters.shutdown import Shutdown
from bot.digests.channel import SOURCE_NAME_ARXIV, SOURCE_NAME_HF
from bot.digests.scheduler import Scheduler
from bot.errors import SourceUnavailable, UserError
from bot.metrics import PAPERS_INGESTED, SOURCE_ERRORS
from bot.ranking.query import parse_query
from bot.sources.arxiv.calendar import announcement_record
from bot.sources.arxiv.source import ArxivSource
from bot.sources.hf.period import HfPeriod
from bot.sources.hf.source import HuggingFaceSource
from storage.arxiv_calendar_repository import SqlAnnouncementCalendar

log = logging.getLogger(__name__)


async def fetch_once(app: App, settings: Settings) -> None:
    """Fetch the latest HF day, store it, and record the outcome for empty-digest reasons."""
    now = datetime.now(UTC)
    try:
        async with httpx.AsyncClient(
            timeout=settings.source_timeout_seconds, follow_redirects=True
        ) as client:
            source = HuggingFaceSource(
                client, settings.hf_url, initial_wait=settings.source_retry_initial_seconds
            )
            result = await source.fetch(HfPeriod("latest"))
    except SourceUnavailable as exc:
        SOURCE_ERRORS.labels("huggingface").inc()
        log.warning("fetch failed: %s", exc.message)
        await asyncio.to_thread(app.channels.record_source_result, SOURCE_NAME_HF, exc.message, now)
        return
    report = await asyncio.to_thread(app.library.ingest, result.papers)
    PAPERS_INGESTED.labels("huggingface").inc(report.added + report.updated)
    await asyncio.to_thread(app.channels.record_source_result, SOURCE_NAME_HF, None, now)
    log.info("fetched %d papers (%d new)", len(result.papers), report.added)


async def fetch_arxiv_categories(app: App, settings: Settings) -> None:
    """Fetch today's announcements for every ``cat:`` category a channel follows, noting
    empty days in the calendar so digests can say "no announcement" instead of nothing."""
    texts = await asyncio.to_thread(app.channels.subscribed_texts)
    categories: set[str] = set()
    for text in texts:
        try:
            categories.update(parse_query(text).categories)
        except UserError:
            continue  # stored topics were validated when subscribed; skip anything odd
    if not categories:
        return
    arxiv = ArxivSettings()
    calendar = SqlAnnouncementCalendar(app.library.engine)
    now = datetime.now(UTC)
    limits = httpx.Limits(max_connections=1)  # arXiv: one connection at a time
    async with httpx.AsyncClient(
        timeout=settings.source_timeout_seconds, follow_redirects=True, limits=limits
    ) as client:
        source = ArxivSource(
            client, api_url=arxiv.api_url, rss_url=arxiv.rss_url, listing_url=arxiv.listing_url
        )
        for category in sorted(categories):
            try:
                fetches = await source.fetch_announcements(category)
            except SourceUnavailable as exc:
                SOURCE_ERRORS.labels("arxiv").inc()
                log.warning("arXiv fetch failed: %s", exc.message)
                await asyncio.to_thread(
                    app.channels.record_source_result, SOURCE_NAME_ARXIV, exc.message, now
                )
                continue
            for fetched in fetches:
                if fetched.batch is None:
                    continue
                record = announcement_record(fetched.batch)
                if record is not None:
                    await asyncio.to_thread(calendar.record_announcement, record)
                report = await asyncio.to_thread(app.library.ingest, fetched.batch.papers)
                PAPERS_INGESTED.labels("arxiv").inc(report.added + report.updated)
            await asyncio.to_thread(app.channels.record_source_result, SOURCE_NAME_ARXIV, None, now)


async def _fetch_loop(app: App, settings: Settings, stop: asyncio.Event) -> None:
    interval = settings.fetch_interval_minutes * 60
    while not stop.is_set():
        try:
            await fetch_once(app, settings)
            await fetch_arxiv_categories(app, settings)
        except Exception:
            log.exception("fetch failed unexpectedly; trying again later")
        await _refresh_gauges(app)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


INDEX_REFRESH_SECONDS = 60.0


async def _refresh_gauges(app: App) -> None:
    try:
        await asyncio.to_thread(refresh_gauges, app)
    except Exception as exc:
        log.warning("metrics gauges not refreshed (%s); trying later", type(exc).__name__)


async def _refresh_index_loop(app: App, stop: asyncio.Event) -> None:
    """Pick up papers other replicas ingested: each replica keeps its own search index.
    The operator's gauges are refreshed with it (and at start)."""
    await _refresh_gauges(app)
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=INDEX_REFRESH_SECONDS)
        if stop.is_set():
            return
        try:
            outcome = await asyncio.to_thread(app.library.refresh_index)
            log.debug("search index refresh: %s", outcome)
        except Exception:
            log.exception("search index refresh failed; trying again later")
        await _refresh_gauges(app)


async def serve(
    app: App,
    settings: Settings,
    *,
    runtimes: Sequence[PlatformRuntime] = (),
    http: tuple[str, int] | None = None,
) -> None:
    """Run until SIGTERM/SIGINT: scheduler, fetch loop, platforms, and (``http`` = host, port)
    the listener with /healthz, /readyz, /metrics and the platforms' routes.

    Everything started is entered on one :class:`contextlib.AsyncExitStack`, so it stops in
    the reverse order whatever fails: background tasks, then platforms, then the listener —
    within :data:`adapters.shutdown.STOP_SECONDS` of the signal (see :mod:`adapters.shutdown`).
    """
    shutdown = Shutdown()
    with shutdown.handling_signals():
        async with contextlib.AsyncExitStack() as stack:
            if http is not None:
                routes = [route for runtime in runtimes for route in runtime.http_routes()]
                http_app = build_http_app(engine=app.library.engine, routes=routes)
                with shutdown.starting("the HTTP listener"):
                    listener = await start_http_server(http_app, *http)
                stack.push_async_callback(listener.cleanup)
            for runtime in runtimes:
                with shutdown.starting(runtime.name):
                    await stack.enter_async_context(shutdown.bounded(runtime))
            tasks = _start_background(app, settings, shutdown.requested)
            stack.push_async_callback(shutdown.finish, tasks)
            serving = [name for name in PLATFORMS if app.runner.adapter_for(name) is not None]
            log.info("serving %s", ", ".join(serving))
            await shutdown.requested.wait()
    log.info("stopped")


def _start_background(
    app: App, settings: Settings, stop: asyncio.Event
) -> list[asyncio.Task[None]]:
    scheduler = Scheduler(app.channels, app.runner, tick_seconds=settings.scheduler_tick_seconds)
    tasks = [asyncio.create_task(scheduler.run(stop), name="scheduler")]
    if settings.fetch_interval_minutes > 0:
        tasks.append(asyncio.create_task(_fetch_loop(app, settings, stop), name="fetch"))
    tasks.append(asyncio.create_task(_refresh_index_loop(app, stop), name="index-refresh"))
    return tasks
