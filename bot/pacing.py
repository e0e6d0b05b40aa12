"""arXiv's etiquette as code: one request every 3 seconds per host, one connection at a time.

arXiv's terms of use ask for "no more than one request every three seconds, and limit requests to a
single connection at a time" for the API, RSS and listing pages
(https://info.arxiv.org/help/api/tou.html). The pacer serialises requests per host and waits out the
gap measured from the end of the previous request, which is stricter than start-to-start. Clock and
sleep are injected so tests check the waits with a fake clock instead of sleeping.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx

ARXIV_MIN_INTERVAL_S = 3.0


class HostPacer:
    """Per-host spacing and mutual exclusion for outgoing requests."""

    def __init__(
        self,
        interval: float = ARXIV_MIN_INTERVAL_S,
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
    async def slot(self, url: str) -> AsyncIterator[None]:
        """Hold the host's only slot for one request, after waiting out the gap."""
        host = httpx.URL(url).host
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            last = self._last_done.get(host)
            if last is not None:
                wait = last + self._interval - self._clock()
                if wait > 0:
                    await self._sleep(wait)
            try:
                yield
            finally:
                self._last_done[host] = self._clock()
