"""Polite spacing of outgoing requests: one keyed pacer, and one reading of "wait N seconds".

:func:`requested_wait` is the only parser of a server's ``Retry-After`` (and of Hugging
Face's ``RateLimit`` header); each caller decides how long it is willing to wait.

The same idea serves two callers. arXiv asks for "no more than one request every three
seconds, and ... a single connection at a time" (https://info.arxiv.org/help/api/tou.html):
the arXiv source keys the pacer by host. Discord counts 429s towards its invalid-request ban
(https://discord.com/developers/docs/topics/rate-limits#invalid-request-limit-aka-cloudflare-bans),
so the Discord adapter keys it by channel and holds the channel for a whole digest, so two
digests never interleave their messages.

Per key: one holder at a time (:meth:`KeyedPacer.turn`), and ``interval`` seconds from the
*end* of one request to the start of the next, which is stricter than start-to-start. Clock
and sleep are injected so tests check the waits on a fake clock instead of sleeping.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_RATELIMIT_RESET = re.compile(r"(?:^|[;,\s])t=(\d+)")


def requested_wait(
    retry_after: str | None, *, ratelimit: str | None = None, now: datetime | None = None
) -> float | None:
    """Seconds a server asked us to wait, or None when it did not say (or said nonsense).

    ``ratelimit`` is the IETF-draft ``RateLimit: "api";r=0;t=42`` header Hugging Face sends
    (https://huggingface.co/docs/hub/rate-limits): ``t`` is the seconds until the window
    resets, and wins when present. ``retry_after`` is RFC 9110 §10.2.3
    (https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3): ``delay-seconds`` (digits only,
    so ``-5`` and ``1.5`` are nonsense) or an ``HTTP-date``, which counts from ``now``; a
    date already past means "now" (0). The answer is not capped: the caller knows how long it
    can afford to wait.
    """
    if ratelimit:
        match = _RATELIMIT_RESET.search(ratelimit)
        if match:
            return float(match.group(1))
    text = (retry_after or "").strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return float(text)  # float, not int: 400 digits give inf, never an error
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": the RFC's dates are GMT anyway
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Turn:
    """A key held by one caller: each :meth:`request` waits out the gap, then runs."""

    def __init__(self, pacer: KeyedPacer, key: str) -> None:
        self._pacer = pacer
        self._key = key

    @asynccontextmanager
    async def request(self) -> AsyncIterator[None]:
        """Run one request after the key's gap; its end (even a failed one) starts the next."""
        await self._pacer._wait(self._key)
        try:
            yield
        finally:
            self._pacer._mark_done(self._key)


class KeyedPacer:
    """Per-key mutual exclusion and spacing (keys: a host, a channel id…)."""

    def __init__(
        self,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = interval
        self._clock = clock
        self._sleep = sleep
        self._locks: dict[str, asyncio.Lock] = {}
        self._last_done: dict[str, float] = {}

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[Turn]:
        """Hold ``key`` for one or more paced requests; other holders of ``key`` wait."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            yield Turn(self, key)

    @asynccontextmanager
    async def slot(self, key: str) -> AsyncIterator[None]:
        """Hold ``key`` for exactly one request, after waiting out the gap."""
        async with self.turn(key) as turn, turn.request():
            yield

    def _mark_done(self, key: str) -> None:
        self._last_done[key] = self._clock()

    async def _wait(self, key: str) -> None:
        last = self._last_done.get(key)
        if last is not None:
            wait = last + self._interval - self._clock()
            if wait > 0:
                await self._sleep(wait)
