"""How ``paperboy serve`` stops: within :data:`STOP_SECONDS` of SIGTERM/SIGINT, whatever it
was doing, and saying in the log what it cut short.

Orchestrators give a process a fixed time between SIGTERM and SIGKILL (Kubernetes'
``terminationGracePeriodSeconds``, systemd's ``TimeoutStopSec``; deploy/ sets both a little
above :data:`STOP_SECONDS`). So every step of stopping has a bound taken from one deadline:

- a signal while starting (a Socket Mode connection to an unreachable Slack retries forever)
  cancels the start at once;
- running work (a scheduler tick, a fetch waiting on its retries) gets
  :data:`TASK_GRACE_SECONDS` to finish, then is cancelled;
- each platform gets at most :data:`PLATFORM_STOP_SECONDS` to disconnect, the HTTP listener
  what is left.

A second signal stops at once. Cancelled digests are safe: their claim's lease runs out and
the next tick (here or on another replica) recovers them without posting twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Iterator, Sequence

from adapters.platform import PlatformRuntime

log = logging.getLogger("paperboy.shutdown")

STOP_SECONDS = 10.0  # SIGTERM → exit; deploy/ gives the process 15 s before SIGKILL
TASK_GRACE_SECONDS = 4.0
PLATFORM_STOP_SECONDS = 2.0
_MARGIN_SECONDS = 1.5  # left for closing the database and the event loop after serve returns
SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Shutdown:
    """The stop signal of one ``serve`` run, and the deadline every stopping step obeys."""

    def __init__(self) -> None:
        self.requested = asyncio.Event()
        self._main: asyncio.Task[object] | None = None
        self._starting: str | None = None
        self._deadline: float | None = None
        self._interrupted = False

    @contextlib.contextmanager
    def handling_signals(self) -> Iterator[None]:
        """Route SIGTERM/SIGINT here while the block runs; a start or a stop this class
        interrupted ends the block quietly instead of as a cancelled task."""
        loop = asyncio.get_running_loop()
        self._main = asyncio.current_task()
        for sig in SIGNALS:
            loop.add_signal_handler(sig, self._on_signal, sig)
        try:
            yield
        except asyncio.CancelledError:
            if not self._interrupted or self._main is None:
                raise
            self._main.uncancel()
        finally:
            for sig in SIGNALS:
                loop.remove_signal_handler(sig)

    @contextlib.contextmanager
    def starting(self, what: str) -> Iterator[None]:
        """Mark the block as starting ``what``: a signal now cancels it."""
        self._starting = what
        try:
            yield
        finally:
            self._starting = None

    def remaining(self, most: float) -> float:
        """Seconds a stopping step may take: ``most``, or less near the deadline."""
        if self._deadline is None:
            return most
        left = self._deadline - asyncio.get_running_loop().time()
        return max(0.0, min(most, left))

    def _on_signal(self, sig: signal.Signals) -> None:
        if self.requested.is_set():
            log.warning("%s again: stopping now", sig.name)
            self._interrupt()
            return
        self._deadline = asyncio.get_running_loop().time() + STOP_SECONDS - _MARGIN_SECONDS
        self.requested.set()
        log.info("%s received: stopping within %.0f s", sig.name, STOP_SECONDS)
        if self._starting is not None:
            log.warning("interrupted while starting %s", self._starting)
            self._interrupt()

    def _interrupt(self) -> None:
        self._interrupted = True
        if self._main is not None:
            self._main.cancel()

    async def finish(self, tasks: Sequence[asyncio.Task[None]]) -> None:
        """Let ``tasks`` end on their own for a grace period, then cancel the rest, naming
        each; log anything that failed on the way."""
        self.requested.set()
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=self.remaining(TASK_GRACE_SECONDS))
        for task in pending:
            log.warning(
                "interrupted %s: still running when the grace period ended", task.get_name()
            )
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=self.remaining(1.0))
        for task in tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                log.error("%s failed", task.get_name(), exc_info=task.exception())

    @contextlib.asynccontextmanager
    async def bounded(self, runtime: PlatformRuntime) -> AsyncIterator[PlatformRuntime]:
        """Enter ``runtime``; on the way out give it :data:`PLATFORM_STOP_SECONDS` at most."""
        await runtime.__aenter__()
        try:
            yield runtime
        finally:
            await self._leave(runtime)

    async def _leave(self, runtime: PlatformRuntime) -> None:
        limit = self.remaining(PLATFORM_STOP_SECONDS)
        try:
            await asyncio.wait_for(runtime.__aexit__(None, None, None), limit)
        except TimeoutError:
            log.warning("interrupted stopping %s: it took over %.1f s", runtime.name, limit)
        except Exception:
            log.exception("stopping %s failed", runtime.name)
