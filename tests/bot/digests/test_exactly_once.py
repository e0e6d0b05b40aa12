"""A paper is never posted twice in a channel: racing digests, in threads, on the real schema."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.chat import Caller, ChannelRef, TransientPostError
from bot.ranking.blend import RankedPaper
from bot.ranking.query import Query
from tests.bot.digests.test_scheduled_digests import GENERAL, Clock, World, at


class MeetingRanker:
    """Holds each racer inside its search until the other has searched too, so both plan the
    digest from the same 'already posted' list — the moment the race is lost."""

    def __init__(self, inner: Any, barrier: threading.Barrier) -> None:
        self._inner = inner
        self._barrier = barrier

    def search(self, query: Query, *, limit: int, now: datetime) -> list[RankedPaper]:
        found: list[RankedPaper] = self._inner.search(query, limit=limit, now=now)
        self._barrier.wait(timeout=30)
        return found


def _racing_worlds(library: Engine, clock: Clock) -> tuple[World, World]:
    one = World(library, clock, worker="replica-1")
    later = Clock(clock.now + timedelta(microseconds=1))  # two requests are never the same µs
    two = World(library, later, worker="replica-2", adapter=one.adapter)  # one channel
    barrier = threading.Barrier(2)
    for world in (one, two):
        meeting = MeetingRanker(world.runner._ranker, barrier)
        world.runner._ranker = meeting  # type: ignore[assignment]  # the race, made certain
    return one, two


def _in_threads(*jobs: Any) -> list[Any]:
    results: list[Any] = [None] * len(jobs)

    def run(index: int) -> None:
        results[index] = jobs[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _posted_ids(world: World) -> list[str]:
    return [paper for post in world.adapter.posts for paper in post.paper_ids]


@pytest.mark.parametrize("second", ["digest", "scheduled"])
def test_two_digests_at_the_same_moment_never_post_a_paper_twice(
    library: Engine, second: str
) -> None:
    clock = Clock(at(2026, 11, 22, 9, 0))
    setup = World(library, clock)
    setup.run(GENERAL, "subscribe scaling")
    setup.run(GENERAL, "settings window all max 3")
    setup.run(GENERAL, "schedule daily 09:00 UTC")
    clock.now = at(2026, 11, 23, 9, 0)
    one, two = _racing_worlds(library, clock)

    def manual(world: World) -> Any:
        return lambda: asyncio.run(world.commands.handle(GENERAL, "digest", Caller("u1", True)))

    other = manual(two) if second == "digest" else (lambda: asyncio.run(two.scheduler.tick()))
    first_reply, second_result = _in_threads(manual(one), other)

    ids = _posted_ids(one)
    assert ids and len(ids) == len(set(ids)), Counter(ids).most_common(3)
    assert len(one.adapter.posts) == 1
    answers = [first_reply.text] + ([second_result.text] if second == "digest" else [])
    losers = [text for text in answers if not text.startswith("Posted")]
    assert all("being posted here right now" in text for text in losers)


def test_a_refused_post_gives_its_papers_back(library: Engine) -> None:
    clock = Clock(at(2026, 11, 23, 9, 0))
    world = World(library, clock)
    world.run(GENERAL, "subscribe scaling")
    world.run(GENERAL, "settings window all max 2")
    world.adapter.fail["general"] = TransientPostError("HTTP 503")
    assert "could not post" in world.run(GENERAL, "digest")
    del world.adapter.fail["general"]
    clock.now = at(2026, 11, 23, 9, 1)
    assert world.run(GENERAL, "digest").startswith("Posted 2 papers")


def test_another_channel_may_get_the_same_papers(library: Engine) -> None:
    clock = Clock(at(2026, 11, 23, 9, 0))
    world = World(library, clock)
    other = ChannelRef("console", "other", name="other")
    for ref in (GENERAL, other):
        world.run(ref, "subscribe scaling")
        world.run(ref, "settings window all max 2")
    assert world.run(GENERAL, "digest").startswith("Posted 2")
    assert world.run(other, "digest").startswith("Posted 2")  # the same papers, elsewhere
    assert world.adapter.posts[0].paper_ids == world.adapter.posts[1].paper_ids
