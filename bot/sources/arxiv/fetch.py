"""The arXiv requests Paperboy makes, each a :class:`bot.sources.PaperSource`.

All of them share one pacer (3 s per host, one request at a time: arXiv's terms of use,
https://info.arxiv.org/help/api/tou.html) and one validator cache, so fetching several
categories in a row stays polite and conditional. Each fetch opens its own single-connection
client from :class:`HttpOptions` (timeout, first retry wait).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass

import httpx

from bot.errors import UserError
from bot.pacing import KeyedPacer
from bot.sources import ARXIV, PaperSource, SourceBatch
from bot.sources.arxiv.calendar import announcement_record
from bot.sources.arxiv.ids import base_id
from bot.sources.arxiv.parse import KIND_API, ArxivBatch
from bot.sources.arxiv.source import (
    ARXIV_MIN_INTERVAL_S,
    DEFAULT_API_URL,
    DEFAULT_LISTING_URL,
    DEFAULT_RSS_URL,
    ArxivSource,
    FeedFetch,
    ValidatorCache,
)
from bot.sources.http import HttpOptions

ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")


@dataclass(frozen=True, slots=True)
class ArxivEndpoints:
    """Where arXiv lives (``PAPERBOY_ARXIV_*``; tests point these at a local fake)."""

    api_url: str = DEFAULT_API_URL
    rss_url: str = DEFAULT_RSS_URL
    listing_url: str = DEFAULT_LISTING_URL


def arxiv_batch(label: str, batch: ArxivBatch) -> SourceBatch:
    """The :class:`SourceBatch` for one parsed arXiv body.

    An export-API answer with no entries means the query found nothing: that is the user's to
    fix (a wrong category or id), so it is raised rather than stored as an empty batch.
    """
    if batch.kind == KIND_API and not batch.papers and not batch.skipped:
        raise UserError(f"{label}: arXiv found no papers for that query; nothing was stored.")
    counts = Counter(batch.announcements.values())
    return SourceBatch(
        label=label,
        papers=tuple(batch.papers),
        skipped=batch.skipped,
        announcement=announcement_record(batch),
        announce_types=tuple((kind, counts[kind]) for kind in ANNOUNCE_TYPES if counts[kind]),
    )


def _feed_batch(category: str, fetched: FeedFetch) -> SourceBatch:
    label = f"arXiv {category} {'listing page' if fetched.via == 'listing' else 'feed'}"
    if fetched.unchanged or fetched.batch is None:
        return SourceBatch(label=label, unchanged=True)
    return arxiv_batch(label, fetched.batch)


Run = Callable[[ArxivSource], AsyncIterator[SourceBatch]]


class _ArxivFetch:
    """One arXiv fetch: a client for its duration, the shared pacer and cache."""

    name = ARXIV

    def __init__(self, fetches: ArxivFetches, run: Run) -> None:
        self._fetches = fetches
        self._run = run

    async def batches(self) -> AsyncIterator[SourceBatch]:
        """The batches ``run`` yields from a source bound to a fresh client."""
        async with self._fetches.http.client(max_connections=1) as client:
            async for batch in self._run(self._fetches.source(client)):
                yield batch


class ArxivFetches:
    """Builds the arXiv fetches; keep one per process (or per command) to share its pacer."""

    def __init__(
        self,
        endpoints: ArxivEndpoints | None = None,
        *,
        http: HttpOptions | None = None,
        pacer: KeyedPacer | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_page: Callable[[int, int], None] | None = None,
    ) -> None:
        self.endpoints = endpoints or ArxivEndpoints()
        self.http = http or HttpOptions()
        self._pacer = pacer or KeyedPacer(ARXIV_MIN_INTERVAL_S, sleep=sleep)
        self._validators = ValidatorCache()
        self._sleep = sleep
        self._on_page = on_page

    def source(self, client: httpx.AsyncClient) -> ArxivSource:
        """An :class:`ArxivSource` on ``client`` with the shared pacer and validator cache.

        The first retry waits at least arXiv's 3 s, whatever ``http`` says.
        """
        return ArxivSource(
            client,
            api_url=self.endpoints.api_url,
            rss_url=self.endpoints.rss_url,
            listing_url=self.endpoints.listing_url,
            pacer=self._pacer,
            validators=self._validators,
            initial_wait=max(self.http.retry_initial_seconds, ARXIV_MIN_INTERVAL_S),
            sleep=self._sleep,
            on_page=self._on_page,
        )

    def announcements(self, category: str) -> PaperSource:
        """Today's announcements of ``category``: the feed, and the listing page when the
        feed fails or is empty (both tell the calendar what they saw)."""

        async def run(source: ArxivSource) -> AsyncIterator[SourceBatch]:
            for fetched in await source.fetch_announcements(category):
                yield _feed_batch(category, fetched)

        return _ArxivFetch(self, run)

    def api_category(self, category: str, *, max_results: int) -> PaperSource:
        """The newest ``max_results`` submissions in ``category`` from the export API."""

        async def run(source: ArxivSource) -> AsyncIterator[SourceBatch]:
            batch = await source.fetch_category_api(category, max_results=max_results)
            yield arxiv_batch(f"arXiv API {category}", batch)

        return _ArxivFetch(self, run)

    def ids(self, arxiv_ids: Sequence[str]) -> PaperSource:
        """These papers from the export API; the ones arXiv does not know are a
        :class:`UserError` raised after the known ones are delivered."""

        async def run(source: ArxivSource) -> AsyncIterator[SourceBatch]:
            batch = await source.fetch_ids(arxiv_ids)
            if batch.papers:
                yield arxiv_batch(f"arXiv API ({len(arxiv_ids)} ids)", batch)
            found = {paper.arxiv_id for paper in batch.papers}
            missing = [raw for raw in arxiv_ids if base_id(raw) not in found]
            if missing:
                raise UserError(f"arXiv has no paper with id {', '.join(missing)}.")

        return _ArxivFetch(self, run)
