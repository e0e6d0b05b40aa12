"""The keyed pacer on a fake clock: arXiv hosts 3 s apart, Discord channels held per digest."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime

import pytest

from bot.pacing import KeyedPacer, requested_wait
from tests.kit.clock import FakeClock

API = "export.arxiv.org"
RSS = "rss.arxiv.org"


@pytest.mark.anyio
async def test_requests_to_one_host_start_three_seconds_after_the_last_ended() -> None:
    clock = FakeClock()
    pacer = KeyedPacer(3.0, clock=clock.monotonic, sleep=clock.sleep)
    starts = []
    for _ in range(3):
        async with pacer.slot(API):
            starts.append(clock.monotonic())
            clock.advance(0.5)  # the request takes half a second
    assert starts == [0.0, 3.5, 7.0]
    assert clock.sleeps == [3.0, 3.0]


@pytest.mark.anyio
async def test_hosts_are_paced_independently_and_idle_time_counts() -> None:
    clock = FakeClock()
    pacer = KeyedPacer(3.0, clock=clock.monotonic, sleep=clock.sleep)
    async with pacer.slot(API):
        pass
    async with pacer.slot(RSS):  # another host: no wait
        pass
    assert clock.sleeps == []
    clock.advance(1.0)
    async with pacer.slot(API):  # same host, 1 s later: waits the other 2
        pass
    assert clock.sleeps == [2.0]
    clock.advance(10.0)
    async with pacer.slot(API):
        pass
    assert clock.sleeps == [2.0]


@pytest.mark.anyio
async def test_concurrent_requests_to_one_host_never_overlap() -> None:
    clock = FakeClock()
    pacer = KeyedPacer(3.0, clock=clock.monotonic, sleep=clock.sleep)
    in_flight = 0
    most = 0
    starts: list[float] = []

    async def request() -> None:
        nonlocal in_flight, most
        async with pacer.slot(API):
            in_flight += 1
            most = max(most, in_flight)
            starts.append(clock.monotonic())
            await asyncio.sleep(0)  # let the other tasks try to get in
            clock.advance(0.2)
            in_flight -= 1

    await asyncio.gather(*(request() for _ in range(4)))
    assert most == 1
    assert len(starts) == 4
    assert all(b - a >= 3.0 for a, b in itertools.pairwise(starts))


@pytest.mark.anyio
async def test_a_turn_holds_the_key_across_several_paced_requests() -> None:
    """Discord's use: one digest's messages are spaced, and no other digest gets in between."""
    clock = FakeClock()
    pacer = KeyedPacer(1.0, clock=clock.monotonic, sleep=clock.sleep)
    order: list[str] = []

    async def digest(name: str, messages: int) -> None:
        async with pacer.turn("channel-1") as turn:
            for n in range(messages):
                async with turn.request():
                    order.append(f"{name}{n}")
                    await asyncio.sleep(0)  # let the other digest try to get in
                    clock.advance(0.25)  # the post takes a quarter of a second

    await asyncio.gather(digest("a", 3), digest("b", 2))
    assert order == ["a0", "a1", "a2", "b0", "b1"]
    assert clock.sleeps == [1.0] * 4


@pytest.mark.anyio
async def test_a_failed_request_still_counts_for_the_gap() -> None:
    clock = FakeClock()
    pacer = KeyedPacer(3.0, clock=clock.monotonic, sleep=clock.sleep)
    with pytest.raises(RuntimeError):
        async with pacer.slot(API):
            raise RuntimeError("HTTP 503")
    async with pacer.slot(API):
        pass
    assert clock.sleeps == [3.0]


NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("retry_after", "seconds"),
    [
        ("7", 7.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("Thu, 01 Jan 2026 00:00:30 GMT", 30.0),  # an HTTP-date, counted from now
        ("Wed, 31 Dec 2025 23:59:00 GMT", 0.0),  # already past: now
        ("Thursday, 01-Jan-26 00:01:00 GMT", 60.0),  # obsolete forms must be read too
        ("Thu Jan  1 00:02:00 2026", 120.0),  # asctime (no zone: GMT)
        ("9" * 500, float("inf")),  # huge: the caller caps it
        ("-5", None),  # negative: not delay-seconds
        ("1.5", None),  # delay-seconds are whole
        ("soon", None),
        ("", None),
        (None, None),
        ("٣", None),  # a non-ASCII digit
    ],
)
def test_retry_after_is_read_as_rfc_9110_says(retry_after: str | None, seconds: float) -> None:
    assert requested_wait(retry_after, now=NOW) == seconds


def test_hugging_faces_ratelimit_reset_wins_over_retry_after() -> None:
    assert requested_wait("5", ratelimit='"api";r=0;t=42', now=NOW) == 42.0
    assert requested_wait("5", ratelimit='"api";r=10', now=NOW) == 5.0  # no t=: Retry-After
