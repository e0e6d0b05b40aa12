"""``paperboy serve``: the scheduler, the periodic fetch, and the enabled chat platforms.

Every replica runs the same process; the digest claim makes each (channel, period) post once.
SIGTERM/SIGINT stop it within 10 s: the current tick may finish, connections close, and
anything still running after a grace period is cancelled and named in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

from aiohttp import web

from adapters.composition import App
from adapters.feed_http import feed_routes
from adapters.gauges import refresh_gauges
from adapters.http_server import build_http_app, start_http_server
from adapters.paper_sources import arxiv_fetches, hf_source, ingest_targets
from adapters.platform import PlatformRuntime
from adapters.platforms import PLATFORMS
from adapters.settings import Settings
from adapters.shutdown import Shutdown
from adapters.web import operator_routes
from bot.digests.scheduler import Scheduler
from bot.sources import PaperSource
from bot.sources.hf.period import HfPeriod
from bot.sources.ingest import followed_categories, ingest

log = logging.getLogger(__name__)


async def fetch_once(app: App, settings: Settings, *, source: PaperSource | None = None) -> None:
    """Fetch the latest HF day, store it, and record the outcome for empty-digest reasons."""
    chosen = source or hf_source(settings, HfPeriod("latest"))
    await ingest(chosen, ingest_targets(app.library))


async def fetch_arxiv_categories(
    app: App, settings: Settings, *, source_for: Callable[[str], PaperSource] | None = None
) -> None:
    """Fetch today's announcements for every ``cat:`` category a channel follows, noting
    empty days in the calendar so digests can say "no announcement" instead of nothing."""
    categories = followed_categories(await asyncio.to_thread(app.channels.subscribed_texts))
    if not categories:
        return
    fetch = source_for or arxiv_fetches(settings).announcements
    targets = ingest_targets(app.library)
    for category in categories:
        await ingest(fetch(category), targets)


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
                routes += feed_routes(app.library.engine, public_url=settings.public_url)
                routes += operator_page(app, settings)
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


def operator_page(app: App, settings: Settings) -> list[web.RouteDef]:
    """The operator page's routes (``/ui/``) when ``PAPERBOY_ADMIN_TOKEN`` is set, else none:
    without a token the page does not exist at all."""
    if settings.admin_token is None:
        return []
    log.info("operator page on /ui/ (log in with PAPERBOY_ADMIN_TOKEN)")
    return operator_routes(app, settings.admin_token.get_secret_value())


def _start_background(
    app: App, settings: Settings, stop: asyncio.Event
) -> list[asyncio.Task[None]]:
    scheduler = Scheduler(app.channels, app.runner, tick_seconds=settings.scheduler_tick_seconds)
    tasks = [asyncio.create_task(scheduler.run(stop), name="scheduler")]
    if settings.fetch_interval_minutes > 0:
        tasks.append(asyncio.create_task(_fetch_loop(app, settings, stop), name="fetch"))
    tasks.append(asyncio.create_task(_refresh_index_loop(app, stop), name="index-refresh"))
    every = max(settings.scheduler_tick_seconds, THREAD_POSTS_SECONDS)
    tasks.append(asyncio.create_task(_threads_loop(app, every, stop), name="thread-posts"))
    return tasks


# Follow-ups and roll-ups are not urgent (a roll-up has hours of grace): checking every few
# minutes keeps their reads and snapshot writes away from the scheduler's busy ticks.
THREAD_POSTS_SECONDS = 300.0


async def _threads_loop(app: App, tick: float, stop: asyncio.Event) -> None:
    """Follow-ups in papers' threads and weekly roll-ups, checked every ``tick`` seconds,
    the first time one tick after start (the scheduler goes first)."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), tick)
    while not stop.is_set() and app.threads is not None:
        try:
            await app.threads.run_once()
        except Exception:
            log.exception("follow-ups and roll-ups failed; trying again next tick")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), tick)
