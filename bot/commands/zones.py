"""Timezone abbreviations in ``schedule``: accepted, and explained.

``EST`` is a valid IANA name, but a fixed offset: UTC−05:00 all year, so a New York channel
scheduled at "09:00 EST" gets its digest at 10:00 local time all summer. Others people type
(``PST``, ``CEST``, ``UTC+2``) are not IANA names at all. Both are read as the fixed offset
they name, and the reply says so and suggests the city zone that follows daylight saving
time (https://data.iana.org/time-zones/theory.html#abbreviations: abbreviations are
ambiguous and not for input).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Abbreviation → (hours east of UTC, the city zone people usually mean). Ambiguous ones (IST,
# CST in China) and zones without daylight saving time where the abbreviation is right all
# year (HST, JST) are left out.
ABBREVIATIONS: dict[str, tuple[int, str]] = {
    "EST": (-5, "America/New_York"),
    "EDT": (-4, "America/New_York"),
    "CST": (-6, "America/Chicago"),
    "CDT": (-5, "America/Chicago"),
    "MST": (-7, "America/Denver"),
    "MDT": (-6, "America/Denver"),
    "PST": (-8, "America/Los_Angeles"),
    "PDT": (-7, "America/Los_Angeles"),
    "AKST": (-9, "America/Anchorage"),
    "AKDT": (-8, "America/Anchorage"),
    "GMT": (0, "Europe/London"),
    "BST": (1, "Europe/London"),
    "CEST": (2, "Europe/Berlin"),
    "EEST": (3, "Europe/Helsinki"),
    "WEST": (1, "Europe/Lisbon"),
    "AEST": (10, "Australia/Sydney"),
    "AEDT": (11, "Australia/Sydney"),
}
_UTC_OFFSET = re.compile(r"^(?:UTC|GMT)([+-])(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FixedZone:
    """What a typed abbreviation was read as: a fixed-offset zone, and a better suggestion."""

    typed: str
    zone: str
    hours: int
    suggestion: str | None

    def note(self, words: Sequence[str]) -> str:
        """The explanation for the reply; ``words`` are the schedule as typed (the last one
        this abbreviation), all checked by the schedule parser, so safe to echo."""
        sign = "+" if self.hours >= 0 else "−"
        said = (
            f"Note: I read {self.typed} as UTC{sign}{abs(self.hours):02d}:00 all year "
            "(no daylight saving time)."
        )
        if self.suggestion:
            city = self.suggestion.rsplit("/", 1)[-1].replace("_", " ")
            command = " ".join([*words[:-1], self.suggestion])
            said += f" For {city}'s local time, use `/papers schedule {command}`."
        return said


def _etc_zone(hours: int) -> str:
    """IANA's fixed-offset zone for ``hours`` east of UTC (its sign is inverted, POSIX-style:
    Etc/GMT+5 is UTC−5)."""
    return "Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}"


def read_fixed_zone(word: str) -> FixedZone | None:
    """The fixed offset a typed timezone abbreviation names, or None for any other word."""
    upper = word.upper()
    if upper in ABBREVIATIONS:
        hours, suggestion = ABBREVIATIONS[upper]
        zone = upper if _is_fixed_iana(upper, hours) else _etc_zone(hours)
        return FixedZone(upper, zone, hours, suggestion)
    match = _UTC_OFFSET.match(word)
    if match and int(match.group(2)) <= 14:
        hours = int(match.group(2)) * (1 if match.group(1) == "+" else -1)
        return FixedZone(upper, _etc_zone(hours), hours, None)
    return None


def _is_fixed_iana(name: str, hours: int) -> bool:
    """True when IANA has ``name`` as a zone fixed at ``hours`` (EST, MST and GMT are)."""
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    offsets = {zone.utcoffset(datetime(2026, month, 15)) for month in (1, 7)}
    return offsets == {timedelta(hours=hours)}
