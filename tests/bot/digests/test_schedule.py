"""Schedules in the channel's own timezone, across DST changes, with one catch-up slot."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.digests.schedule import ScheduleSpec, latest_slot, next_slot, parse_schedule
from bot.errors import UserError


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_daily_in_berlin_winter_and_summer() -> None:
    spec = ScheduleSpec("daily", time(9, 0), timezone="Europe/Berlin")
    winter = latest_slot(spec, utc(2026, 1, 15, 8, 0))
    assert winter is not None and winter.due_at == utc(2026, 1, 15, 8, 0)
    assert winter.period_key == "2026-01-15"
    summer = latest_slot(spec, utc(2026, 7, 15, 7, 30))
    assert summer is not None and summer.due_at == utc(2026, 7, 15, 7, 0)


def test_berlin_spring_forward_0230_fires_once_that_day() -> None:
    # 2026-03-29: clocks jump 02:00 CET -> 03:00 CEST; 02:30 does not exist.
    spec = ScheduleSpec("daily", time(2, 30), timezone="Europe/Berlin")
    before = latest_slot(spec, utc(2026, 3, 29, 1, 29))
    assert before is not None and before.period_key == "2026-03-28"
    slot = latest_slot(spec, utc(2026, 3, 29, 1, 30))
    assert slot is not None and slot.period_key == "2026-03-29"
    assert slot.due_at == utc(2026, 3, 29, 1, 30)  # 03:30 CEST on the new clock
    later = latest_slot(spec, utc(2026, 3, 29, 23, 0))
    assert later == slot


def test_new_york_fall_back_0130_fires_once_at_the_first_occurrence() -> None:
    # 2026-11-01: 01:00-02:00 EDT happens, then 01:00-02:00 EST again.
    spec = ScheduleSpec("daily", time(1, 30), timezone="America/New_York")
    slot = latest_slot(spec, utc(2026, 11, 1, 7, 0))  # after both 01:30s
    assert slot is not None and slot.due_at == utc(2026, 11, 1, 5, 30)  # 01:30 EDT
    assert slot.period_key == "2026-11-01"
    nxt = next_slot(spec, utc(2026, 11, 1, 5, 30))
    assert nxt is not None and nxt.period_key == "2026-11-02"  # not the second 01:30


def test_weekdays_skip_the_weekend_and_weekly_picks_its_day() -> None:
    weekdays = ScheduleSpec("weekdays", time(8, 30), timezone="UTC")
    sunday = latest_slot(weekdays, utc(2026, 11, 29, 12))
    assert sunday is not None and sunday.period_key == "2026-11-27"  # Friday
    weekly = ScheduleSpec("weekly", time(9, 0), weekday=0, timezone="UTC")
    slot = latest_slot(weekly, utc(2026, 11, 26, 12))
    assert slot is not None and slot.period_key == "2026-11-23"  # Monday


def test_after_a_three_day_outage_only_the_latest_slot_is_due() -> None:
    spec = ScheduleSpec("daily", time(9, 0), timezone="UTC")
    slot = latest_slot(spec, utc(2026, 11, 26, 12))
    assert slot is not None and slot.period_key == "2026-11-26"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (
            ["daily", "09:00", "europe/berlin"],
            ScheduleSpec("daily", time(9), None, "Europe/Berlin"),
        ),
        (["weekdays", "8:30"], ScheduleSpec("weekdays", time(8, 30), None, "Asia/Tokyo")),
        (["weekly", "Monday", "09:00"], ScheduleSpec("weekly", time(9), 0, "Asia/Tokyo")),
        (["off"], ScheduleSpec("off", timezone="Asia/Tokyo")),
    ],
)
def test_parse_schedule(words: list[str], expected: ScheduleSpec) -> None:
    assert parse_schedule(words, "Asia/Tokyo") == expected


@pytest.mark.parametrize(
    ("words", "names"),
    [
        (["daily", "25:00"], "not a time of day"),
        (["daily", "09:61"], "not a time of day"),
        (["daily", "nine"], "HH:MM"),
        (["daily", "09:00", "Mars/Olympus"], "don't know the timezone"),
        (["daily", "09:00", "Europe/Berln"], "Did you mean Europe/Berlin?"),
        (["hourly", "09:00"], "not a schedule"),
        (["weekly", "09:00"], "needs a day"),
        (["daily"], "needs a time"),
        ([], "when to post"),
    ],
)
def test_schedule_errors(words: list[str], names: str) -> None:
    with pytest.raises(UserError) as info:
        parse_schedule(words)
    assert names in info.value.message
