"""HTTP behaviour of the Hugging Face source through httpx.MockTransport."""

from __future__ import annotations

import html
import json

import httpx
import pytest

from bot.errors import SourceUnavailable
from bot.sources.hf.period import HfPeriod
from bot.sources.hf.source import HuggingFaceSource
from tests.conftest import FIXTURES

BODY = (FIXTURES / "hf-daily-papers" / "llm-paper-radar__date_2026-05-08__37items.json").read_text(
    encoding="utf-8"
)
ENTRIES = json.loads(BODY)


class Recorder:
    """Collects the waits the source asked for instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


def _source(
    handler: httpx.MockTransport, recorder: Recorder
) -> tuple[HuggingFaceSource, httpx.AsyncClient]:
    client = httpx.AsyncClient(transport=handler)
    return HuggingFaceSource(client, "https://hf.test", sleep=recorder.sleep), client


@pytest.mark.anyio
async def test_api_sends_period_and_paging_parameters() -> None:
    seen: list[httpx.QueryParams] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params)
        return httpx.Response(200, text=BODY)

    source, client = _source(httpx.MockTransport(handler), Recorder())
    async with client:
        result = await source.fetch(HfPeriod("date", "2026-05-08"))
    assert len(result.papers) == 37
    assert seen[0]["date"] == "2026-05-08"
    assert seen[0]["limit"] == "100" and seen[0]["p"] == "0"
    assert len(seen) == 1  # 37 < 100: no second page


@pytest.mark.anyio
async def test_full_pages_are_followed_until_a_short_page() -> None:
    pages = {
        "0": [
            dict(e, paper=dict(e["paper"], id=f"2605.{i:05d}")) for i, e in enumerate(ENTRIES * 3)
        ][:100],
        "1": ENTRIES[:5],
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages[request.url.params["p"]])

    progress: list[tuple[int, int]] = []
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    source = HuggingFaceSource(
        client, "https://hf.test", sleep=Recorder().sleep, on_page=lambda *p: progress.append(p)
    )
    async with client:
        result = await source.fetch(HfPeriod("month", "2026-05"))
    assert len(result.papers) == 105
    assert progress == [(1, 100), (2, 105)]  # the CLI shows this while a month downloads


@pytest.mark.anyio
async def test_429_waits_what_the_ratelimit_header_says() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return httpx.Response(
                429,
                headers={
                    "RateLimit": '"api";r=0;t=42',
                    "RateLimit-Policy": '"fixed window";"api";q=500;w=300',
                },
            )
        return httpx.Response(200, text=BODY)

    recorder = Recorder()
    source, client = _source(httpx.MockTransport(handler), recorder)
    async with client:
        result = await source.fetch(HfPeriod("date", "2026-05-08"))
    assert len(result.papers) == 37
    assert recorder.waits == [42.0]


@pytest.mark.anyio
async def test_503_and_timeouts_are_retried_with_backoff() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return httpx.Response(503)
        if calls == 2:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(200, text=BODY)

    recorder = Recorder()
    source, client = _source(httpx.MockTransport(handler), recorder)
    async with client:
        result = await source.fetch(HfPeriod("latest"))
    assert len(result.papers) == 37
    assert len(recorder.waits) == 2 and all(w > 0 for w in recorder.waits)


@pytest.mark.anyio
async def test_html_page_is_the_fallback_when_the_api_stays_down() -> None:
    props = html.escape(json.dumps({"dailyPapers": ENTRIES}))
    page = f'<div data-target="DailyPapers" data-props="{props}"></div>'  # SYNTHETIC page
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        if request.url.path.startswith("/api/"):
            return httpx.Response(503)
        return httpx.Response(200, text=page)

    source, client = _source(httpx.MockTransport(handler), Recorder())
    async with client:
        result = await source.fetch(HfPeriod("date", "2026-05-08"))
    assert len(result.papers) == 37
    assert paths[-1] == "/papers/date/2026-05-08"
    assert paths.count("/api/daily_papers") == 4  # bounded retries, not forever


@pytest.mark.anyio
async def test_a_source_that_stays_down_gives_one_clear_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/api/"):
            return httpx.Response(200, text='[{"paper": ')  # truncated JSON
        raise httpx.ConnectTimeout("down", request=request)

    source, client = _source(httpx.MockTransport(handler), Recorder())
    async with client:
        with pytest.raises(SourceUnavailable) as info:
            await source.fetch(HfPeriod("date", "2026-05-08"))
    assert "2026-05-08" in info.value.message
    assert "not valid JSON" in info.value.message and "timed out" in info.value.message
