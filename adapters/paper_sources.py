"""The paper sources as configured, and where their papers go.

One place turns settings into sources (``PAPERBOY_HF_URL``, ``PAPERBOY_ARXIV_*``,
``PAPERBOY_SOURCE_TIMEOUT_SECONDS``, ``PAPERBOY_SOURCE_RETRY_INITIAL_SECONDS``) and a library
into ingest targets, so ``paperboy serve`` and ``paperboy fetch`` cannot drift apart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from adapters.composition import Library
from adapters.settings import Settings
from bot.pacing import KeyedPacer
from bot.sources.arxiv.fetch import ArxivEndpoints, ArxivFetches
from bot.sources.hf.period import HfPeriod
from bot.sources.hf.source import HfPeriodFetch
from bot.sources.http import HttpOptions
from bot.sources.ingest import IngestTargets
from storage.arxiv_calendar_repository import SqlAnnouncementCalendar
from storage.channel_repository import SqlChannelRepository
from storage.paper_signals import SqlSignalHistory

Progress = Callable[[int, int], None]  # (pages so far, papers so far)


def http_options(settings: Settings) -> HttpOptions:
    """Timeout and first retry wait, as configured."""
    return HttpOptions(
        timeout_seconds=settings.source_timeout_seconds,
        retry_initial_seconds=settings.source_retry_initial_seconds,
    )


def hf_source(
    settings: Settings, period: HfPeriod, *, on_page: Progress | None = None
) -> HfPeriodFetch:
    """Hugging Face Daily Papers for ``period`` from ``PAPERBOY_HF_URL``."""
    return HfPeriodFetch(
        period, base_url=settings.hf_url, http=http_options(settings), on_page=on_page
    )


def arxiv_fetches(
    settings: Settings,
    *,
    on_page: Progress | None = None,
    pacer: KeyedPacer | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> ArxivFetches:
    """The arXiv fetches, sharing one pacer, at the ``PAPERBOY_ARXIV_*`` endpoints (tests
    pass a pacer and ``sleep`` on a fake clock)."""
    arxiv = settings.arxiv
    endpoints = ArxivEndpoints(
        api_url=arxiv.api_url, rss_url=arxiv.rss_url, listing_url=arxiv.listing_url
    )
    return ArxivFetches(
        endpoints, http=http_options(settings), pacer=pacer, sleep=sleep, on_page=on_page
    )


def ingest_targets(library: Library, *, record_health: bool = True) -> IngestTargets:
    """The library, its arXiv calendar and (for real fetches) the source-health record and
    the upvote/star history that trending reads."""
    health = SqlChannelRepository(library.engine) if record_health else None
    signals = SqlSignalHistory(library.engine) if record_health else None
    return IngestTargets(
        library=library,
        calendar=SqlAnnouncementCalendar(library.engine),
        health=health,
        vectors=library.semantic,
        signals=signals,
    )
