"""Which Hugging Face period ``--date/--week/--month`` asks for, checked before any request."""

from __future__ import annotations

from datetime import date

import pytest

from bot.errors import UserError
from bot.sources.hf.period import HfPeriod, parse_period

TODAY = date(2027, 6, 1)


def week(value: str) -> HfPeriod:
    return parse_period(day=None, week=value, month=None, today=TODAY)


@pytest.mark.parametrize("value", ["2020-W53", "2026-W53", "2026-W01", "2027-W22"])
def test_weeks_that_exist_are_accepted_including_w53_in_long_years(value: str) -> None:
    assert week(value) == HfPeriod("week", value)


def test_w53_in_a_year_without_one_says_so() -> None:
    with pytest.raises(UserError) as info:
        week("2021-W53")
    assert info.value.message == "2021 has only 52 ISO weeks, so there is no 2021-W53."
    assert info.value.example == "paperboy fetch hf --week 2021-W52"


@pytest.mark.parametrize("value", ["2026-W54", "2026-W00", "2026-53", "W31"])
def test_malformed_weeks_are_refused(value: str) -> None:
    with pytest.raises(UserError, match="not an ISO week"):
        week(value)


def test_a_week_that_has_not_started_is_refused() -> None:
    with pytest.raises(UserError, match="has not started yet"):
        week("2027-W30")
