"""Scheduled digests end to end on the real schema: right time, once, nothing repeated."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from bot.chat import Caller, ChannelRef, ChannelUnavailable, TransientPostError
from bot.commands.service import CommandService
from bot.digests.runner import DigestRunner
from bot.digests.scheduler import Scheduler
from bot.ranking.search import ScanRanker
from bot.sources.arxiv.calendar import AnnouncementRecord
from storage.arxiv_calendar_repository import SqlAnnouncementCalendar
from storage.channel_repository import SqlChannelRepository
from storage.paper_repository import SqlPaperRepository
from tests.chat_fakes import RecordingAdapter

GENERAL = ChannelRef("console", "general", name="general")
INFRA = ChannelRef("console", "ml-infra", name="ml-infra")


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


class World:
    """The library, one fake adapter, and a command service + scheduler on a fake clock."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        worker: str = "w1",
        lease: float = 600,
        adapter: RecordingAdapter | None = None,
    ):
        self.clock = clock
        self.papers = SqlPaperRepository(engine)
        self.channels = SqlChannelRepository(engine)
        self.adapter = adapter or RecordingAdapter()
        ranker = ScanRanker(self.papers)
        self.calendar = SqlAnnouncementCalendar(engine)
        self.runner = DigestRunner(
            self.channels,
            ranker,
            {"console": self.adapter},
            worker=worker,
            lease_seconds=lease,
            clock=clock,
            calendar=self.calendar,
        )
        self.commands = CommandService(self.channels, self.papers, ranker, self.runner, clock=clock)
        self.scheduler = Scheduler(self.channels, self.runner, clock=clock)

    def run(self, channel: ChannelRef, text: str, manager: bool = True) -> str:
        reply = asyncio.run(self.commands.handle(channel, text, Caller("u1", can_manage=manager)))
        return reply.text

    def tick(self) -> dict[str, int]:
        return dict(asyncio.run(self.scheduler.tick()))


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_digest_posts_at_local_time_once_and_never_repeats_papers(library: Engine) -> None:
    clock = Clock(at(2026, 11, 23, 7, 0))  # Monday 08:00 in Berlin
    world = World(library, clock)
    world.run(GENERAL, "subscribe scaling")
    world.run(GENERAL, "settings max 2 window all")
    assert "next one comes Mon 23 Nov at 09:00" in world.run(
        GENERAL, "schedule daily 09:00 Europe/Berlin"
    )

    clock.now = at(2026, 11, 23, 7, 59)
    assert world.tick() == {}
    assert world.adapter.posts == []
    clock.now = at(2026, 11, 23, 8, 0)
    assert world.tick() == {"posted": 1}
    clock.now = at(2026, 11, 23, 8, 5)
    world.tick()
    assert len(world.adapter.posts) == 1  # exactly once
    first = world.adapter.posts[0]
    assert first.delivery_key == "console:general#2026-11-23"
    assert len(first.paper_ids) == 2
    assert all(item.topic == "scaling" and item.ranked.why for item in first.digest.items)

    clock.now = at(2026, 11, 24, 8, 0)
    world.tick()
    second = world.adapter.posts[1]
    assert second.delivery_key == "console:general#2026-11-24"
    assert not set(first.paper_ids) & set(second.paper_ids)
    assert "Last digest: Tue 24 Nov 09:00 Europe/Berlin, 2 papers" in world.run(GENERAL, "list")


def test_catch_up_after_three_days_down_is_one_digest(library: Engine) -> None:
    clock = Clock(at(2026, 11, 20, 6, 0))
    world = World(library, clock)
    world.run(GENERAL, "subscribe scaling")
    world.run(GENERAL, "settings window all")
    world.run(GENERAL, "schedule daily 09:00 UTC")
    clock.now = at(2026, 11, 23, 12, 0)  # down for three days
    assert world.tick() == {"posted": 1}
    world.tick()
    assert world.adapter.keys() == ["console:general#2026-11-23"]


def test_a_schedule_set_after_todays_time_waits_for_tomorrow(library: Engine) -> None:
    clock = Clock(at(2026, 11, 23, 10, 0))
    world = World(library, clock)
    world.run(GENERAL, "subscribe scaling")
    world.run(GENERAL, "settings window all")
    world.run(GENERAL, "schedule daily 09:00 UTC")
    assert world.tick() == {}
    clock.now = at(2026, 11, 24, 9, 0)
    assert world.tick() == {"posted": 1}


def test_two_workers_racing_post_once(library: Engine) -> None:
    clock = Clock(at(2026, 11, 23, 8, 0))
    one = World(library, clock, worker="w1")
    two = World(library, clock, worker="w2", adapter=one.adapter)  # one shared platform
    for name in ("a", "b", "c", "d"):
        ref = ChannelRef("console", name, name=name)
        one.run(ref, "subscribe scaling")
        one.run(ref, "settings window all")
        clock.now = at(2026, 11, 22, 8, 0)
        one.run(ref, "schedule daily 09:00 UTC")
        clock.now = at(2026, 11, 23, 9, 0)

    async def race() -> None:
        await asyncio.gather(one.scheduler.tick(), two.scheduler.tick())

    asyncio.run(race())
    assert sorted(one.adapter.keys()) == [f"console:{n}#2026-11-23" for n in "abcd"]


def test_crash_after_posting_is_recorded_not_posted_again(library: Engine) -> None:
    clock = Clock(at(2026, 11, 23, 9, 0))
    world = World(library, clock, lease=60)
    world.run(GENERAL, "subscribe scaling")
    world.run(GENERAL, "settings window all")
    clock.now = at(2026, 11, 22, 9, 0)
    world.run(GENERAL, "schedule daily 09:00 UTC")
    clock.now = at(2026, 11, 23, 9, 0)
    crashing = _crash_after_post(world)
    with pytest.raises(SystemExit):
        world.tick()
    assert len(world.adapter.posts) == 1
    crashing()  # restore
    clock.now = at(2026, 11, 23, 9, 0, 30)
    assert world.tick() == {"busy": 1}  # the dead worker's lease has not run out
    clock.now = at(2026, 11, 23, 9, 2)
    assert world.tick() == {"posted": 1}
    assert len(world.adapter.posts) == 1  # recognised through find_posted, not re-sent
    delivered = world.channels.delivered_ids(world.channels.ensure_channel(GENERAL, clock.now).pk)
    assert delivered == set(world.adapter.posts[0].paper_ids)


def _crash_after_post(world: World) -> Callable[[], None]:
    """Make the runner die (like SIGKILL) right after the platform accepted the post."""
    original = world.channels.mark_posted

    def die(*args: object, **kwargs: object) -> None:
        raise SystemExit("killed")

    world.channels.mark_posted = die  # type: ignore[method-assign]  # simulate a crash

    def restore() -> None:
        world.channels.mark_posted = original  # type: ignore[method-assign]  # undo the crash

    return restore


def test_lost_access_pauses_the_channel_and_tells_the_next_user(library: Engine) -> None:
    clock = Clock(at(2026, 11, 23, 9, 0))
    world = World(library, clock)
    for ref in (GENERAL, INFRA):
        world.run(ref, "subscribe scaling")
        world.run(ref, "settings window all")
        clock.now = at(2026, 11, 22, 9, 0)
        world.run(ref, "schedule daily 09:00 UTC")
        clock.now = at(2026, 11, 23, 9, 0)
    world.adapter.fail["general"] = ChannelUnavailable("the bot was removed from #general")
    assert world.tick() == {"paused": 1, "posted": 1}
    assert world.adapter.keys() == ["console:ml-infra#2026-11-23"]
    clock.now = at(2026, 11, 24, 9, 0)
    world.tick()
    assert len(world.adapter.posts) == 2  # #general stays paused, #ml-infra goes on
    notice = world.run(GENERAL, "list")
    assert "paused: the bot was removed from #general" in notice
    assert "/papers resume" in notice
    assert "back on" in world.run(GENERAL, "resume")


def test_transient_failures_are_retried_on_a_later_tick(library: Engine) -> None:
    clock = Clock(at(2026, 11, 22, 9, 0))
    world = World(library, clock)
    world.run(GENERAL, "subscribe scaling")
    world.run(GENERAL, "settings window all")
    world.run(GENERAL, "schedule daily 09:00 UTC")
    clock.now = at(2026, 11, 23, 9, 0)
    world.adapter.fail["general"] = TransientPostError("HTTP 503")
    assert world.tick() == {"retry": 1}
    del world.adapter.fail["general"]
    assert world.tick() == {"busy": 1}  # not straight away: the platform may want a pause
    clock.now = at(2026, 11, 23, 9, 0, 5)
    assert world.tick() == {"posted": 1}


def test_empty_digest_explains_the_weekend_or_stays_quiet(library: Engine) -> None:
    clock = Clock(at(2026, 11, 20, 9, 0))
    world = World(library, clock)
    world.run(GENERAL, "subscribe scaling")  # window 14 days: the sample is months old
    world.run(GENERAL, "schedule daily 09:00 UTC")
    clock.now = at(2026, 11, 21, 9, 0)  # Saturday
    assert world.tick() == {"empty": 1}
    reason = world.adapter.posts[0].digest.empty_reason or ""
    assert reason.startswith("No paper matching these topics is from the last 14 days")
    assert reason.endswith("do not publish at weekends.")  # said after the real reason
    world.run(GENERAL, "settings empty quiet")
    clock.now = at(2026, 11, 23, 9, 0)  # Monday
    assert world.tick() == {"skipped": 1}
    assert len(world.adapter.posts) == 1


def test_also_in_marks_papers_posted_elsewhere_in_the_workspace(library: Engine) -> None:
    clock = Clock(at(2026, 11, 24, 9, 0))  # a Tuesday
    world = World(library, clock)
    for ref in (INFRA, GENERAL):
        world.run(ref, "subscribe scaling laws")
        world.run(ref, "settings window all max 1")
    world.run(INFRA, "digest")
    clock.now = at(2026, 11, 25, 9, 0)
    world.run(GENERAL, "digest")
    second = world.adapter.posts[1].digest.items[0]
    assert second.also_in == "#ml-infra on Tue"


def test_errors_change_nothing_and_non_managers_cannot_change_topics(library: Engine) -> None:
    world = World(library, Clock(at(2026, 11, 23, 9, 0)))
    world.run(GENERAL, "subscribe scaling")
    world.run(GENERAL, "schedule daily 09:00 Europe/Berlin")
    before = world.run(GENERAL, "list")
    for bad in (
        "subscribe scaling",
        "schedule daily 24:00",
        "schedule daily 09:00 Mars/Base",
        "unsubscribe 9",
        "unsubscribe vision",
        "settings max 0",
    ):
        assert world.run(GENERAL, bad)
        assert world.run(GENERAL, "list") == before
    assert "already follows “scaling”" in world.run(GENERAL, "subscribe scaling")
    assert "Only members who can manage" in world.run(GENERAL, "subscribe x", manager=False)
    assert world.run(GENERAL, "list") == before


def test_digest_preview_is_not_recorded(library: Engine) -> None:
    clock = Clock(at(2026, 11, 23, 9, 0))
    world = World(library, clock)
    world.run(GENERAL, "subscribe scaling laws")
    world.run(GENERAL, "settings window all")
    preview = world.run(GENERAL, "digest preview")
    assert "Prescriptive Scaling Laws" in preview
    assert world.adapter.posts == []
    assert "Posted" in world.run(GENERAL, "digest")
    assert "Prescriptive Scaling Laws" in world.adapter.posts[0].digest.items[0].ranked.paper.title
    clock.now += timedelta(minutes=1)
    assert "Prescriptive" not in world.run(GENERAL, "digest preview")


def test_empty_digest_on_an_arxiv_holiday_says_so(library: Engine) -> None:
    clock = Clock(at(2026, 11, 25, 9, 0))
    world = World(library, clock)
    world.run(GENERAL, "subscribe cat:cs.LG")
    world.run(GENERAL, "schedule daily 10:00 UTC")
    world.calendar.record_announcement(AnnouncementRecord("cs.LG", date(2026, 11, 26), 0))
    clock.now = at(2026, 11, 26, 10, 0)  # a Thursday with no announcement
    assert world.tick() == {"empty": 1}
    reason = world.adapter.posts[0].digest.empty_reason or ""
    assert "No arXiv announcement for cs.LG on Thu 26 Nov" in reason


def test_asking_for_a_digest_when_nothing_is_new_answers_without_posting(
    library: Engine,
) -> None:
    clock = Clock(at(2026, 11, 23, 9, 0))
    world = World(library, clock)
    world.run(GENERAL, "subscribe scaling laws")
    world.run(GENERAL, "settings window all")
    assert "Posted" in world.run(GENERAL, "digest")
    clock.now += timedelta(minutes=1)

    again = world.run(GENERAL, "digest")

    assert again.startswith("Nothing new to post.")
    assert len(world.adapter.posts) == 1  # the channel is not told "nothing new"
