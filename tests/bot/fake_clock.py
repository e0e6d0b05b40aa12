"""A clock that only moves when the code under test sleeps: timing checks without waiting."""

from __future__ import annotations


class FakeClock:
    """``clock()`` reads the time; ``await clock.sleep(s)`` records the wait and moves time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        """Time passing while something works (a request in flight)."""
        self.now += seconds
