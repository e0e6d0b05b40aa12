"""Which Daily Papers period to fetch: a day, an ISO week or a month, validated up front."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.errors import UserError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class HfPeriod:
    """A period of Hugging Face Daily Papers; ``kind`` is ``date``, ``week``, ``month`` or
    ``latest`` (no filter: the most recent featured day)."""

    kind: str
    value: str = ""

    def api_params(self) -> dict[str, str]:
        """Query parameters for ``/api/daily_papers``."""
        return {self.kind: self.value} if self.kind != "latest" else {}

    def page_path(self) -> str:
        """Path of the matching HTML papers page (https://huggingface.co/papers/date/YYYY-MM-DD)."""
        if self.kind == "latest":
            return "/papers"
        return f"/papers/{self.kind}/{self.value}"

    def describe(self) -> str:
        """Human words for messages: ``2026-07-31``, ``week 2026-W31``, ``latest day``."""
        return {"date": self.value, "latest": "the latest day"}.get(
            self.kind, f"{self.kind} {self.value}"
        )


def _week(value: str, today: date) -> HfPeriod:
    """An ISO week: W01 to W52, or W53 in the years that have one (ISO 8601: a year has 53
    weeks when it starts on a Thursday, or is a leap year starting on a Wednesday)."""
    match = _WEEK.match(value)
    if not match or not 1 <= int(match.group(2)) <= 53:
        raise UserError(
            f"'{value}' is not an ISO week in YYYY-Www form (W01 to W52, or W53 in a long year).",
            example="paperboy fetch hf --week 2026-W31",
        )
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise UserError(
            f"{year} has only 52 ISO weeks, so there is no {value}.",
            example=f"paperboy fetch hf --week {year}-W52",
        ) from None
    if monday > today:
        raise UserError(f"Week {value} has not started yet.")
    return HfPeriod("week", value)


def parse_period(*, day: str | None, week: str | None, month: str | None, today: date) -> HfPeriod:
    """Validate the CLI's ``--date/--week/--month`` (at most one) against ``today``."""
    given = [(k, v) for k, v in (("date", day), ("week", week), ("month", month)) if v]
    if len(given) > 1:
        raise UserError(
            "Give only one of --date, --week and --month.",
            example="paperboy fetch hf --date 2026-07-31",
        )
    if not given:
        return HfPeriod("latest")
    kind, value = given[0]
    value = value.strip()
    if kind == "date":
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is None or len(value) != 10:
            raise UserError(
                f"'{value}' is not a date in YYYY-MM-DD form.",
                example="paperboy fetch hf --date 2026-07-31",
            )
        if parsed > today:
            raise UserError(
                f"{value} is in the future; Hugging Face has no papers for it yet.",
                example=f"paperboy fetch hf --date {today.isoformat()}",
            )
        return HfPeriod("date", value)
    if kind == "week":
        return _week(value, today)
    match = _MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise UserError(
            f"'{value}' is not a month in YYYY-MM form.",
            example="paperboy fetch hf --month 2026-07",
        )
    if date(int(match.group(1)), int(match.group(2)), 1) > today:
        raise UserError(f"Month {value} has not started yet.")
    return HfPeriod("month", value)
