"""The arXiv source over HTTP (httpx.MockTransport): paging, ids, retries, caching, fallback."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from bot.errors import SourceUnavailable, UserError
from bot.pacing import KeyedPacer
from bot.sources.arxiv.parse import ArxivQueryRejected
from bot.sources.arxiv.source import ArxivSource
from tests.kit.arxiv import ATOM, RSS, SYNTHETIC, recorded
from tests.kit.clock import FakeClock

BREVIO = (ATOM / "brevio__cat_cs.LG_OR_cs.AI__2026-04-30.xml").read_bytes()  # 20 entries
RADAR = (ATOM / "llm-paper-radar__cat_cs.CL_max2__2026-05-11.xml").read_bytes()  # 2 entries
FEED = (RSS / "distill__cs.LG__2026-04-27__3items.xml").read_bytes()
EMPTY_FEED = (SYNTHETIC / "arxiv-rss-cs.LG-weekend-empty__SYNTHETIC.xml").read_bytes()
LISTING = (SYNTHETIC / "arxiv-list-cs.LG-new__SYNTHETIC.html").read_bytes()

Handler = Callable[[httpx.Request], httpx.Response]


class Harness:
    """A source on a mock transport and a fake clock; records every request."""

    def __init__(self, handler: Handler) -> None:
        self.clock = FakeClock()
        self.requests: list[httpx.Request] = []
        self.request_times: list[float] = []

        def record(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            self.request_times.append(self.clock.monotonic())
            return handler(request)

        self.client = httpx.AsyncClient(transport=httpx.MockTransport(record))
        self.source = ArxivSource(
            self.client,
            pacer=KeyedPacer(3.0, clock=self.clock.monotonic, sleep=self.clock.sleep),
            sleep=self.clock.sleep,
        )


Factory = Callable[[Handler], Harness]


@pytest.fixture
async def harness_factory() -> AsyncIterator[Factory]:
    made: list[Harness] = []

    def make(handler: Handler) -> Harness:
        made.append(Harness(handler))
        return made[-1]

    yield make
    for harness in made:
        await harness.client.aclose()


@pytest.mark.anyio
async def test_category_search_pages_until_it_has_enough(harness_factory: Factory) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        start = request.url.params["start"]
        return httpx.Response(200, content=BREVIO if start == "0" else RADAR)

    h = harness_factory(handler)
    batch = await h.source.fetch_category_api("cs.LG", max_results=22)
    assert len(batch.papers) == 22
    params = [dict(r.url.params) for r in h.requests]
    assert [(p["start"], p["max_results"]) for p in params] == [("0", "22"), ("20", "2")]
    assert params[0]["search_query"] == "cat:cs.LG"
    assert params[0]["sortBy"] == "submittedDate"
    assert h.request_times[1] - h.request_times[0] >= 3.0  # paced, on the fake clock
    assert all("paperboy" in r.headers["User-Agent"] for r in h.requests)


@pytest.mark.anyio
async def test_ids_go_out_as_one_id_list_and_unknown_ids_are_just_absent(
    harness_factory: Factory,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        ids = request.url.params["id_list"]
        if ids == "0000.0000":
            return httpx.Response(200, content=recorded("id_0000.0000")[1])
        return httpx.Response(200, content=recorded("id_astro-ph_0601001")[1])

    h = harness_factory(handler)
    batch = await h.source.fetch_ids(["astro-ph/0601001", "cond-mat/0607501v2"])
    assert h.requests[0].url.params["id_list"] == "astro-ph/0601001,cond-mat/0607501v2"
    assert [p.arxiv_id for p in batch.papers] == ["astro-ph/0601001"]
    assert (await h.source.fetch_ids(["0000.0000"])).papers == []


@pytest.mark.anyio
async def test_long_id_lists_are_split_into_requests_of_100(harness_factory: Factory) -> None:
    h = harness_factory(lambda r: httpx.Response(200, content=recorded("id_0000.0000")[1]))
    await h.source.fetch_ids([f"2401.{n:05d}" for n in range(150)])
    sizes = [len(r.url.params["id_list"].split(",")) for r in h.requests]
    assert sizes == [100, 50]


@pytest.mark.anyio
async def test_malformed_ids_cost_no_request_and_a_400_is_explained(
    harness_factory: Factory,
) -> None:
    status, body = recorded("id_abc")
    h = harness_factory(lambda request: httpx.Response(status, content=body))
    with pytest.raises(UserError, match="Not an arXiv id: abc"):
        await h.source.fetch_ids(["abc"])
    assert h.requests == []
    with pytest.raises(ArxivQueryRejected, match="incorrect id format for abc"):
        await h.source.fetch_category_api("cs.LG")


@pytest.mark.anyio
async def test_429_and_503_are_retried_with_backoff_without_retry_after(
    harness_factory: Factory,
) -> None:
    answers = [429, 503]

    def handler(request: httpx.Request) -> httpx.Response:
        if answers:
            return httpx.Response(answers.pop(0), text="Rate exceeded.")
        return httpx.Response(200, content=RADAR)

    h = harness_factory(handler)
    batch = await h.source.fetch_category_api("cs.CL", max_results=2)
    assert len(batch.papers) == 2 and len(h.requests) == 3
    gaps = [b - a for a, b in itertools.pairwise(h.request_times)]
    assert all(gap >= 3.0 for gap in gaps)  # backoff and pacing, never a burst


@pytest.mark.anyio
async def test_a_source_that_stays_down_is_one_clear_error(harness_factory: Factory) -> None:
    h = harness_factory(lambda request: httpx.Response(503))
    with pytest.raises(SourceUnavailable, match=r"export API failed \(HTTP 503\)"):
        await h.source.fetch_category_api("cs.LG")
    with pytest.raises(SourceUnavailable, match=r"the feed failed .* and so did the listing page"):
        await h.source.fetch_announcements("cs.LG")


@pytest.mark.anyio
async def test_the_feed_is_fetched_conditionally_and_unchanged_is_reported(
    harness_factory: Factory,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("If-None-Match") == '"v1"' and len(h.requests) == 2:
            return httpx.Response(304)
        return httpx.Response(200, content=FEED, headers={"ETag": '"v1"'})

    h = harness_factory(handler)
    first = await h.source.fetch_rss("cs.LG")
    assert first.batch is not None and len(first.batch.papers) == 3
    second = await h.source.fetch_rss("cs.LG")  # server answers 304
    assert second.unchanged and second.batch is None
    third = await h.source.fetch_rss("cs.LG")  # server ignores it: same ETag, same body
    assert third.unchanged
    assert "If-None-Match" not in h.requests[0].headers
    assert h.requests[1].headers["If-None-Match"] == '"v1"'
    assert str(h.requests[0].url) == "https://rss.arxiv.org/rss/cs.LG"


@pytest.mark.anyio
async def test_the_listing_page_fills_in_when_the_feed_fails_or_is_empty(
    harness_factory: Factory,
) -> None:
    feed_answers = [httpx.Response(404), httpx.Response(200, content=EMPTY_FEED)]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "rss.arxiv.org":
            return feed_answers.pop(0)
        assert str(request.url) == "https://arxiv.org/list/cs.LG/new"
        return httpx.Response(200, content=LISTING)

    h = harness_factory(handler)
    (failed_over,) = await h.source.fetch_announcements("cs.LG")
    assert failed_over.via == "listing" and failed_over.batch is not None
    assert len(failed_over.batch.papers) == 5
    empty, listing = await h.source.fetch_announcements("cs.LG")
    assert empty.batch is not None and empty.batch.papers == []
    assert listing.via == "listing"
