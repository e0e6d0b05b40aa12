"""Fetch arXiv over HTTP: the export API (category or id list, paged), RSS, listing pages.

Every request goes through one :class:`KeyedPacer` keyed by host (3 s, one at a time) and
:func:`get_with_retries` (429/503 with exponential backoff; arXiv sends no Retry-After).
Announcement feeds are fetched conditionally: ``ETag``/``Last-Modified`` are remembered per
URL and sent back, and a 304 — or a 200 whose ETag or body hash did not change, since the
feed server itself does not answer 304 (docs/sources.md) — comes back as "unchanged".
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from bot.errors import BadPayload, SourceUnavailable, UserError
from bot.pacing import KeyedPacer
from bot.sources.arxiv.ids import parse_arxiv_id
from bot.sources.arxiv.listing import parse_listing_page
from bot.sources.arxiv.parse import ArxivBatch, ArxivQueryRejected, parse_arxiv_feed
from bot.sources.hf.source import USER_AGENT
from bot.sources.http import RetryableStatus, describe_failure, get_with_retries

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://export.arxiv.org/api/query"
DEFAULT_RSS_URL = "https://rss.arxiv.org/rss"
DEFAULT_LISTING_URL = "https://arxiv.org/list"
PAGE_SIZE = (
    100  # arXiv API user manual: id_list batches of ≤ ~100; pages of 100 keep responses small
)
ARXIV_MIN_INTERVAL_S = 3.0  # "no more than one request every three seconds" (terms of use)
MAX_RESULTS_CAP = 2000  # one call may return ≤ 2000; more is never needed for a daily digest


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said about a URL's last body, to ask "changed since?" next time."""

    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None


@dataclass(slots=True)
class ValidatorCache:
    """Validators per URL for the life of a process (a long-running bot keeps one)."""

    by_url: dict[str, Validators] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FeedFetch:
    """One announcement fetch: the batch, or ``unchanged`` when the feed did not change."""

    batch: ArxivBatch | None
    unchanged: bool = False
    via: str = "rss"


class ArxivSource:
    """arXiv through a caller-owned ``httpx.AsyncClient``, paced and retried politely."""

    name = "arxiv"

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        api_url: str = DEFAULT_API_URL,
        rss_url: str = DEFAULT_RSS_URL,
        listing_url: str = DEFAULT_LISTING_URL,
        pacer: KeyedPacer | None = None,
        validators: ValidatorCache | None = None,
        attempts: int = 4,
        initial_wait: float = ARXIV_MIN_INTERVAL_S,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_page: Callable[[int, int], None] | None = None,
    ) -> None:
        self._client = client
        self._api_url = api_url
        self._rss_url = rss_url.rstrip("/")
        self._listing_url = listing_url.rstrip("/")
        self._pacer = pacer or KeyedPacer(ARXIV_MIN_INTERVAL_S, sleep=sleep)
        self._validators = validators or ValidatorCache()
        self._attempts = attempts
        self._initial_wait = initial_wait
        self._sleep = sleep
        self._on_page = on_page  # (pages so far, papers so far): progress on long API fetches

    async def _get(
        self, url: str, params: dict[str, str] | None = None, *, conditional: bool = False
    ) -> httpx.Response:
        headers = {"User-Agent": USER_AGENT}
        known = self._validators.by_url.get(url) if conditional else None
        if known and known.etag:
            headers["If-None-Match"] = known.etag
        if known and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified

        async def send() -> httpx.Response:
            async with self._pacer.slot(httpx.URL(url).host):
                return await self._client.get(url, params=params, headers=headers)

        return await get_with_retries(
            send,
            attempts=self._attempts,
            initial_wait=self._initial_wait,
            max_wait=60.0,
            what=f"GET {url}",
            sleep=self._sleep,
        )

    def _unchanged(self, url: str, response: httpx.Response) -> bool:
        """Remember this response's validators; True when it repeats the last body."""
        if response.status_code == 304:
            return True
        digest = hashlib.sha256(response.content).hexdigest()
        etag = response.headers.get("ETag")
        before = self._validators.by_url.get(url)
        self._validators.by_url[url] = Validators(
            etag=etag, last_modified=response.headers.get("Last-Modified"), body_sha256=digest
        )
        if before is None:
            return False
        return (etag is not None and etag == before.etag) or digest == before.body_sha256

    async def _api_page(self, params: dict[str, str]) -> ArxivBatch:
        response = await self._get(self._api_url, params)
        if response.status_code == 400:
            # The error feed names the problem ("incorrect id format for abc") and raises it.
            with contextlib.suppress(BadPayload):
                parse_arxiv_feed(response.content, what="arXiv API error response")
            raise ArxivQueryRejected("arXiv rejected the query (HTTP 400).")
        if response.status_code >= 400:
            raise BadPayload(f"The arXiv API answered HTTP {response.status_code}.")
        return parse_arxiv_feed(response.content, seen_at=datetime.now(UTC))

    async def _search(self, params: dict[str, str], *, max_results: int) -> ArxivBatch:
        wanted = max(1, min(max_results, MAX_RESULTS_CAP))
        result = ArxivBatch(kind="api")
        start = pages = 0
        try:
            while start < wanted:
                size = min(PAGE_SIZE, wanted - start)
                page = await self._api_page(
                    {**params, "start": str(start), "max_results": str(size)}
                )
                for paper in page.papers:
                    result.add(paper)
                result.skipped += page.skipped
                result.total_results = page.total_results
                pages += 1
                if self._on_page is not None:
                    self._on_page(pages, len(result.papers))
                received = len(page.papers) + page.skipped
                if received == 0:
                    # legacy quirk: an empty page mid-way (arxiv.py raises UnexpectedEmptyPageError)
                    if start > 0:
                        log.warning("arXiv returned an empty page at start=%d; stopping", start)
                    break
                start += received
                if page.total_results is not None and start >= page.total_results:
                    break
        except (RetryableStatus, httpx.HTTPError) as exc:
            raise SourceUnavailable(
                "arXiv", f"the export API failed ({describe_failure(exc)})."
            ) from exc
        return result

    async def fetch_category_api(self, category: str, *, max_results: int = 100) -> ArxivBatch:
        """The newest submissions in ``category`` from the export API, paged."""
        params = {
            "search_query": f"cat:{category}",
            "sortBy": "submittedDate",
            "sortOrder": "descending",
        }
        return await self._search(params, max_results=max_results)

    async def fetch_ids(self, arxiv_ids: Sequence[str]) -> ArxivBatch:
        """These papers from the export API (``id_list``, 100 per request).

        Ids are checked locally first, so a typo costs no request; ids arXiv does not know
        are simply absent from the batch (arXiv answers 200 with zero entries).
        """
        bad = [raw for raw in arxiv_ids if parse_arxiv_id(raw) is None]
        if bad:
            raise UserError(
                f"Not an arXiv id: {', '.join(bad)}.",
                example="paperboy fetch arxiv --id 2401.12345 --id cond-mat/0607501v2",
            )
        unique = list(dict.fromkeys(raw.strip() for raw in arxiv_ids))
        result = ArxivBatch(kind="api")
        for begin in range(0, len(unique), PAGE_SIZE):
            chunk = unique[begin : begin + PAGE_SIZE]
            page = await self._search({"id_list": ",".join(chunk)}, max_results=len(chunk))
            for paper in page.papers:
                result.add(paper)
            result.skipped += page.skipped
        result.total_results = len(result.papers)
        return result

    async def _fetch_page(self, url: str, kind: str, category: str) -> httpx.Response | None:
        """GET one announcement page (``kind``: feed, listing page) conditionally; None when
        it repeats the last body."""
        try:
            response = await self._get(url, conditional=True)
        except (RetryableStatus, httpx.HTTPError) as exc:
            raise SourceUnavailable(
                "arXiv", f"the {category} {kind} failed ({describe_failure(exc)})."
            ) from exc
        if response.status_code >= 400 and response.status_code != 304:
            raise BadPayload(
                f"The arXiv {kind} for {category} answered HTTP {response.status_code}."
            )
        return None if self._unchanged(url, response) else response

    async def fetch_rss(self, category: str) -> FeedFetch:
        """Today's announcement feed of ``category`` (``<rss_url>/<cat>``), conditionally."""
        response = await self._fetch_page(f"{self._rss_url}/{category}", "feed", category)
        if response is None:
            return FeedFetch(batch=None, unchanged=True)
        batch = parse_arxiv_feed(response.content, seen_at=datetime.now(UTC), what="arXiv feed")
        batch.category = batch.category or category
        return FeedFetch(batch=batch)

    async def fetch_listing(self, category: str) -> FeedFetch:
        """The ``/list/<cat>/new`` page (supports If-Modified-Since → 304)."""
        url = f"{self._listing_url}/{category}/new"
        response = await self._fetch_page(url, "listing page", category)
        if response is None:
            return FeedFetch(batch=None, unchanged=True, via="listing")
        batch = parse_listing_page(response.text, seen_at=datetime.now(UTC))
        batch.category = batch.category or category
        return FeedFetch(batch=batch, via="listing")

    async def fetch_announcements(self, category: str) -> list[FeedFetch]:
        """The feed, and the listing page when the feed fails or is empty.

        The feed is rebuilt at midnight US-Eastern, the listing at 20:00 US-Eastern
        (https://info.arxiv.org/help/availability.html),
        so an empty or failing feed on an announcement evening is when the listing helps; its
        own date also tells a real "no announcement" from a lagging feed. Both are returned,
        so the calendar learns from each.
        """
        try:
            feed = await self.fetch_rss(category)
        except (SourceUnavailable, BadPayload) as rss_exc:
            log.warning("arXiv feed for %s failed (%s); trying the listing", category, rss_exc)
            try:
                return [await self.fetch_listing(category)]
            except (SourceUnavailable, BadPayload) as page_exc:
                raise SourceUnavailable(
                    "arXiv",
                    f"could not fetch {category}: the feed failed ({describe_failure(rss_exc)}) "
                    f"and so did the listing page ({describe_failure(page_exc)}).",
                ) from page_exc
        if feed.batch is None or feed.batch.papers or feed.batch.skipped:
            return [feed]
        try:
            return [feed, await self.fetch_listing(category)]
        except (SourceUnavailable, BadPayload) as exc:
            log.warning("arXiv listing for %s failed after an empty feed: %s", category, exc)
            return [feed]
