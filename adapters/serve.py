"""``paperboy serve``: the scheduler, the periodic fetch, and the enabled chat platforms.

Every replica runs the same process; the digest claim makes each (channel, period) post once.
SIGTERM/SIGINT stop it cleanly: the current tick finishes, connections close.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Sequence

from aiohttp import web

from adapters.composition import App
from adapters.http_server import build_http_app, start_http_server
from adapters.paper_sources import arxiv_fetches, hf_source, ingest_targets
from adapters.platform import PlatformRuntime
from adapters.settings import Settings
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
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


INDEX_REFRESH_SECONDS = 60.0


async def _refresh_index_loop(app: App, stop: asyncio.Event) -> None:
    """Pick up papers other replicas ingested: each replica keeps its own search index."""
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


async def serve(
    app: App,
    settings: Settings,
    *,
    runtimes: Sequence[PlatformRuntime] = (),
    http: tuple[str, int] | None = None,
) -> None:
    """Run until SIGTERM/SIGINT: scheduler, fetch loop, platforms, and (``http`` = host, port)
    the listener with /healthz, /readyz, /metrics and the platforms' routes."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    listener: web.AppRunner | None = None
    started: list[PlatformRuntime] = []
    tasks: list[asyncio.Task[None]] = []
    try:
        if http is not None:
            routes = [route for runtime in runtimes for route in runtime.http_routes()]
            http_app = build_http_app(engine=app.library.engine, routes=routes)
            listener = await start_http_server(http_app, *http)
        for runtime in runtimes:
            await runtime.start()
            started.append(runtime)
        scheduler = Scheduler(
            app.channels, app.runner, tick_seconds=settings.scheduler_tick_seconds
        )
        tasks.append(asyncio.create_task(scheduler.run(stop), name="scheduler"))
        if settings.fetch_interval_minutes > 0:
            tasks.append(asyncio.create_task(_fetch_loop(app, settings, stop), name="fetch"))
        tasks.append(asyncio.create_task(_refresh_index_loop(app, stop), name="index-refresh"))
        log.info("serving %s", ", ".join(sorted(app.adapters)))
        await stop.wait()
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        for runtime in reversed(started):
            try:
                await runtime.stop()
            except Exception:
                log.exception("stopping %s failed", runtime.name)
        if listener is not None:
            await listener.cleanup()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
