"""When a channel's digest is due: schedules in the channel's own timezone, DST-correct.

A schedule names a local wall-clock time (``daily 09:00 Europe/Berlin``). Each period (a local
day, or a local week for ``weekly``) has one *slot*; its key is the slot's local date, which
is what makes "one digest per channel and period" a unique database key.

DST: a local time that does not exist (02:30 on a spring-forward day) resolves with the
offset in force before the jump, i.e. one hour later on the new clock (03:30 CEST); an
ambiguous time (01:30 on a fall-back day) takes its first occurrence. Either way the day has
exactly one slot. After downtime only the most recent slot is due: one catch-up digest, never
a burst.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.errors import UserError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
KINDS = ("off", "daily", "weekdays", "weekly")
_TIME = re.compile(r"^(\d{1,2})[:.h](\d{2})$")
SCHEDULE_EXAMPLE = "schedule daily 09:00 Europe/Berlin"


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """A channel's schedule: kind, local time, weekday (weekly only) and IANA timezone."""

    kind: str = "off"
    at: time = time(9, 0)
    weekday: int | None = None
    timezone: str = "UTC"

    def describe(self) -> str:
        """``daily at 09:00 (Europe/Berlin)``, ``weekly on Mon at 09:00 (UTC)``, ``off``."""
        if self.kind == "off":
            return "off"
        when = f"{self.at:%H:%M} ({self.timezone})"
        if self.kind == "weekly" and self.weekday is not None:
            return f"weekly on {WEEKDAYS[self.weekday].title()} at {when}"
        return f"{self.kind} at {when}"


@dataclass(frozen=True, slots=True)
class Slot:
    """One scheduled posting: its period key (the local date) and the UTC instant."""

    period_key: str
    due_at: datetime


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def resolve_timezone(name: str) -> str:
    """The canonical IANA name for ``name`` (case-insensitive); a friendly error otherwise."""
    available = _available_zones()
    lowered = {z.lower(): z for z in available}
    found = lowered.get(name.strip().lower())
    if found is None:
        close = difflib.get_close_matches(name, list(available), n=1, cutoff=0.75)
        hint = f" Did you mean {close[0]}?" if close else ""
        raise UserError(
            f"I don't know the timezone '{name}'.{hint} Use an IANA name like Europe/Berlin "
            "or America/New_York.",
            example=SCHEDULE_EXAMPLE,
        )
    return found


@lru_cache(maxsize=1)
def _available_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones() | {"UTC"})


def parse_time(text: str) -> time:
    """``09:00``, ``9:00``, ``21.30`` → a time; impossible times get a clear error."""
    match = _TIME.match(text.strip())
    if not match:
        raise UserError(
            f"'{text}' is not a time; write it as HH:MM on a 24-hour clock.",
            example=SCHEDULE_EXAMPLE,
        )
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise UserError(
            f"{text} is not a time of day (hours 00–23, minutes 00–59).",
            example=SCHEDULE_EXAMPLE,
        )
    return time(hour, minute)


def parse_schedule(words: list[str], current_timezone: str = "UTC") -> ScheduleSpec:
    """Read ``daily 09:00 [TZ]``, ``weekdays 08:30 [TZ]``, ``weekly mon 09:00 [TZ]``, ``off``.

    Without a timezone the channel keeps the one it has.
    """
    if not words:
        raise UserError("Tell me when to post.", example=SCHEDULE_EXAMPLE)
    kind = words[0].lower()
    rest = words[1:]
    if kind == "off":
        if rest:
            raise UserError("'schedule off' takes nothing after it.", example="schedule off")
        return ScheduleSpec(kind="off", timezone=current_timezone)
    if kind not in KINDS:
        raise UserError(
            f"'{words[0]}' is not a schedule; use daily, weekdays, weekly or off.",
            example=SCHEDULE_EXAMPLE,
        )
    weekday = None
    if kind == "weekly":
        if not rest or rest[0].lower()[:3] not in WEEKDAYS:
            raise UserError(
                "A weekly schedule needs a day (mon, tue, wed, thu, fri, sat, sun).",
                example="schedule weekly mon 09:00",
            )
        weekday = WEEKDAYS.index(rest[0].lower()[:3])
        rest = rest[1:]
    if not rest:
        raise UserError(f"A {kind} schedule needs a time.", example=SCHEDULE_EXAMPLE)
    at = parse_time(rest[0])
    if len(rest) > 2:
        raise UserError(
            f"I did not understand '{' '.join(rest[2:])}' after the timezone.",
            example=SCHEDULE_EXAMPLE,
        )
    timezone = resolve_timezone(rest[1]) if len(rest) == 2 else current_timezone
    return ScheduleSpec(kind=kind, at=at, weekday=weekday, timezone=timezone)


def local_instant(day: date, at: time, timezone: str) -> datetime:
    """The UTC instant of local ``day`` ``at`` in ``timezone`` (DST rules in the module doc)."""
    local = datetime.combine(day, at, tzinfo=_zone(timezone))
    return local.astimezone(UTC)


def _runs_on(spec: ScheduleSpec, day: date) -> bool:
    if spec.kind == "daily":
        return True
    if spec.kind == "weekdays":
        return day.weekday() < 5
    if spec.kind == "weekly":
        return day.weekday() == spec.weekday
    return False


def _slots(spec: ScheduleSpec, now: datetime, days: range) -> Iterator[Slot]:
    """The schedule's slots on the local days ``today + n`` for ``n`` in ``days``, in order."""
    if spec.kind == "off":
        return
    today = now.astimezone(_zone(spec.timezone)).date()
    for offset in days:
        day = today + timedelta(days=offset)
        if _runs_on(spec, day):
            yield Slot(
                period_key=day.isoformat(), due_at=local_instant(day, spec.at, spec.timezone)
            )


def latest_slot(spec: ScheduleSpec, now: datetime) -> Slot | None:
    """The most recent slot at or before ``now`` (None when the schedule is off)."""
    return next((s for s in _slots(spec, now, range(0, -8, -1)) if s.due_at <= now), None)


def next_slot(spec: ScheduleSpec, now: datetime) -> Slot | None:
    """The first slot strictly after ``now`` (for ``list`` to say when the next digest comes)."""
    return next((s for s in _slots(spec, now, range(0, 9)) if s.due_at > now), None)
