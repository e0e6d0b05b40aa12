"""A scheduler pass ranks each distinct topic once, and an idle tick reads no channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from bot.chat import ChannelRef
from bot.ranking.blend import RankedPaper
from bot.ranking.query import Query
from tests.bot.digests.test_scheduled_digests import Clock, World, at


class CountingRanker:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.queries: list[Query] = []
        self.limits: list[int] = []

    def search(self, query: Query, *, limit: int, now: datetime) -> list[RankedPaper]:
        self.queries.append(query)
        self.limits.append(limit)
        found: list[RankedPaper] = self.inner.search(query, limit=limit, now=now)
        return found


def _teams(world: World, clock: Clock, count: int) -> list[ChannelRef]:
    refs = [ChannelRef("console", f"team-{n}", name=f"team-{n}") for n in range(count)]
    clock.now = at(2026, 11, 22, 9, 0)
    for n, ref in enumerate(refs):
        world.run(ref, "subscribe scaling laws" if n % 2 else "subscribe diffusion")
        world.run(ref, "settings window all max 2")
        world.run(ref, "schedule daily 09:00 UTC")
    return refs


def test_a_pass_ranks_each_distinct_topic_once(library: Engine) -> None:
    clock = Clock(at(2026, 11, 22, 9, 0))
    world = World(library, clock)
    _teams(world, clock, 6)
    counting = CountingRanker(world.runner._ranker)
    world.runner._ranker = counting  # type: ignore[assignment]  # count what really runs
    clock.now = at(2026, 11, 23, 9, 0)

    assert world.tick() == {"posted": 6}
    assert len(counting.queries) == 2  # six channels, two distinct topics
    assert counting.limits == [10, 10]  # a page near the digest's size: explained, kept
    assert len(world.adapter.posts) == 6


def test_an_idle_tick_reads_no_channel_until_the_next_slot(library: Engine) -> None:
    clock = Clock(at(2026, 11, 22, 9, 0))
    world = World(library, clock)
    _teams(world, clock, 3)
    assert world.channels.scheduled_channels(at(2026, 11, 22, 12, 0)) == []  # first slot: 23rd
    clock.now = at(2026, 11, 23, 9, 0)
    assert world.tick() == {"posted": 3}

    for hour in (9, 12, 23):
        assert world.channels.scheduled_channels(at(2026, 11, 23, hour, 30)) == []
    assert len(world.channels.scheduled_channels(at(2026, 11, 24, 9, 0))) == 3
    clock.now = at(2026, 11, 24, 9, 0)
    assert sum(world.tick().values()) == 3  # every channel handled again (some empty)
