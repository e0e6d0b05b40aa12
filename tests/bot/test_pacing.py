"""The keyed pacer on a fake clock: arXiv hosts 3 s apart, Discord channels held per digest."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.pacing import KeyedPacer
from tests.bot.fake_clock import FakeClock

API = "export.arxiv.org"
RSS = "rss.arxiv.org"


@pytest.mark.anyio
async def test_requests_to_one_host_start_three_seconds_after_the_last_ended() -> None:
    clock = FakeClock()
    pacer = KeyedPacer(3.0, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(3):
        async with pacer.slot(API):
            starts.append(clock.now)
            clock.advance(0.5)  # the request takes half a second
    assert starts == [0.0, 3.5, 7.0]
    assert clock.sleeps == [3.0, 3.0]


@pytest.mark.anyio
async def test_hosts_are_paced_independently_and_idle_time_counts() -> None:
    clock = FakeClock()
    pacer = KeyedPacer(3.0, clock=clock, sleep=clock.sleep)
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
    pacer = KeyedPacer(3.0, clock=clock, sleep=clock.sleep)
    in_flight = 0
    most = 0
    starts: list[float] = []

    async def request() -> None:
        nonlocal in_flight, most
        async with pacer.slot(API):
            in_flight += 1
            most = max(most, in_flight)
            starts.append(clock.now)
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
    pacer = KeyedPacer(1.0, clock=clock, sleep=clock.sleep)
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
    pacer = KeyedPacer(3.0, clock=clock, sleep=clock.sleep)
    with pytest.raises(RuntimeError):
        async with pacer.slot(API):
            raise RuntimeError("HTTP 503")
    async with pacer.slot(API):
        pass
    assert clock.sleeps == [3.0]
