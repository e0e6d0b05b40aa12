"""The one fake clock: time moves only when a test says so, or when the code under test sleeps.

``clock()`` is the wall clock the core takes (``clock=``: an aware ``datetime``);
``clock.monotonic()`` the seconds a pacer counts; ``await clock.sleep(s)`` records the wait
and moves both. Timing checks without waiting, and a scheduler whose "morning" is whenever
the test says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

# The Monday after the 37-paper day in tests/fixtures (2026-05-08), before a 09:00 digest.
MONDAY_MORNING = datetime(2026, 5, 11, 8, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    """A wall clock and a monotonic clock that move together, only when told."""

    now: datetime = MONDAY_MORNING
    sleeps: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._origin = self.now

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        """Seconds since the clock was made (what ``time.monotonic`` would count)."""
        return (self.now - self._origin).total_seconds()

    async def sleep(self, seconds: float) -> None:
        """Record the wait and let that much time pass, at once."""
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=max(0.0, seconds))

    def advance(self, seconds: float = 0.0, **delta: float) -> None:
        """Time passing while something works: ``advance(0.5)``, ``advance(hours=1)``."""
        self.now += timedelta(seconds=seconds, **delta)
