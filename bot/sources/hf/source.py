"""Fetch Hugging Face Daily Papers over HTTP: the JSON API first, the HTML page as fallback.

The API pages with ``p`` and ``limit`` (≤ 100; https://huggingface.co/spaces/huggingface/openapi).
When the API stays down after retries, the same entries are read from the server-rendered papers
page (docs/sources.md). When both fail, the caller gets one :class:`SourceUnavailable` that says
what happened.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import httpx

from bot.errors import BadPayload, SourceUnavailable
from bot.sources import HUGGING_FACE, SourceBatch
from bot.sources.hf.parse import ParseResult, parse_daily_papers_json, parse_papers_page
from bot.sources.hf.period import HfPeriod
from bot.sources.http import HttpOptions, RetryableStatus, describe_failure, get_with_retries

log = logging.getLogger(__name__)

DEFAULT_HF_URL = "https://huggingface.co"
PAGE_LIMIT = 100
MAX_PAGES = 50  # a month holds ~1,000 featured papers; stop long before a runaway loop
USER_AGENT = "paperboy/0.1 (+https://github.com/paperboy-bot/paperboy)"


class HuggingFaceSource:
    """Daily Papers from one HF base URL through a caller-owned ``httpx.AsyncClient``."""

    name = "huggingface"

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str = DEFAULT_HF_URL,
        *,
        attempts: int = 4,
        initial_wait: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_page: Callable[[int, int], None] | None = None,
    ) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._attempts = attempts
        self._initial_wait = initial_wait
        self._sleep = sleep
        self._on_page = on_page  # (page number, papers so far): progress on long fetches

    async def _get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        url = f"{self._base}{path}"
        response = await get_with_retries(
            lambda: self._client.get(url, params=params, headers={"User-Agent": USER_AGENT}),
            attempts=self._attempts,
            initial_wait=self._initial_wait,
            what=f"GET {path}",
            sleep=self._sleep,
        )
        if response.status_code >= 400:
            raise BadPayload(f"Hugging Face answered HTTP {response.status_code} for {path}.")
        return response

    async def fetch_api(self, period: HfPeriod) -> ParseResult:
        """All entries of ``period`` from the JSON API, following pages until a short one."""
        seen_at = datetime.now(UTC)
        result = ParseResult()
        for page in range(MAX_PAGES):
            params = {**period.api_params(), "limit": str(PAGE_LIMIT), "p": str(page)}
            response = await self._get("/api/daily_papers", params)
            batch = parse_daily_papers_json(response.text, seen_at=seen_at)
            result.papers.extend(batch.papers)
            result.skipped += batch.skipped
            if self._on_page is not None:
                self._on_page(page + 1, len(result.papers))
            if batch.papers == [] and batch.skipped == 0:
                break
            if len(batch.papers) + batch.skipped < PAGE_LIMIT:
                break
        return result

    async def fetch_page(self, period: HfPeriod) -> ParseResult:
        """The entries of ``period`` from the HTML papers page (the fallback path)."""
        response = await self._get(period.page_path())
        return parse_papers_page(response.text, seen_at=datetime.now(UTC))

    async def fetch(self, period: HfPeriod) -> ParseResult:
        """Entries of ``period``: API first, HTML page if the API fails; one error if both do."""
        try:
            return await self.fetch_api(period)
        except (RetryableStatus, httpx.HTTPError, BadPayload) as api_exc:
            log.warning(
                "Hugging Face API failed for %s (%s); trying the papers page",
                period.describe(),
                describe_failure(api_exc),
            )
            try:
                return await self.fetch_page(period)
            except (RetryableStatus, httpx.HTTPError, BadPayload) as page_exc:
                raise SourceUnavailable(
                    "Hugging Face",
                    f"could not fetch {period.describe()}: the API failed "
                    f"({describe_failure(api_exc)}) and so did the papers page "
                    f"({describe_failure(page_exc)}).",
                ) from page_exc


class HfPeriodFetch:
    """:class:`bot.sources.PaperSource` for one period of Daily Papers: one batch, fetched
    through a client of its own made from ``http`` (timeout, first retry wait)."""

    name = HUGGING_FACE

    def __init__(
        self,
        period: HfPeriod,
        *,
        base_url: str = DEFAULT_HF_URL,
        http: HttpOptions | None = None,
        on_page: Callable[[int, int], None] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.period = period
        self._base_url = base_url
        self._http = http or HttpOptions()
        self._on_page = on_page
        self._sleep = sleep

    async def batches(self) -> AsyncIterator[SourceBatch]:
        """The period's entries (API first, the HTML page as fallback)."""
        async with self._http.client() as client:
            source = HuggingFaceSource(
                client,
                self._base_url,
                initial_wait=self._http.retry_initial_seconds,
                sleep=self._sleep,
                on_page=self._on_page,
            )
            result = await source.fetch(self.period)
        yield SourceBatch(
            label=f"Hugging Face {self.period.describe()}",
            papers=tuple(result.papers),
            skipped=result.skipped,
        )
