"""The scheduler loop: every tick, post each channel's latest due slot (exactly once).

Every replica runs the same loop; the claim in :mod:`bot.digests.runner` decides who posts.
Channels are handled concurrently (bounded), so a slow or throttled channel never delays the
others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from bot.channels import ChannelRepository, ChannelSettings
from bot.digests.pass_cache import PassRanker
from bot.digests.runner import DigestRunner, Outcome
from bot.digests.schedule import Slot, latest_slot, next_slot
from bot.digests.status import DeliveryOutcome

log = logging.getLogger(__name__)

DEFAULT_TICK_SECONDS = 30.0
DEFAULT_CONCURRENCY = 8


class Scheduler:
    """Runs :meth:`tick` every ``tick_seconds`` until stopped."""

    def __init__(
        self,
        repository: ChannelRepository,
        runner: DigestRunner,
        *,
        tick_seconds: float = DEFAULT_TICK_SECONDS,
        concurrency: int = DEFAULT_CONCURRENCY,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._repo = repository
        self._runner = runner
        self._tick_seconds = tick_seconds
        self._limit = asyncio.Semaphore(concurrency)
        self._clock = clock

    @staticmethod
    def due(channels: list[ChannelSettings], now: datetime) -> list[tuple[ChannelSettings, Slot]]:
        """Channels whose latest slot has come, and came after the schedule was set (a new
        schedule never posts for a time that passed before it existed)."""
        found: list[tuple[ChannelSettings, Slot]] = []
        for channel in channels:
            slot = latest_slot(channel.schedule, now)
            if slot is None:
                continue
            changed = channel.schedule_updated_at
            if changed is not None and slot.due_at < changed:
                continue
            found.append((channel, slot))
        return found

    async def tick(self) -> Counter[DeliveryOutcome]:
        """One pass over the channels whose next slot has come; returns how many of each
        outcome. Each distinct topic is ranked once for the whole pass (:class:`PassRanker`)."""
        now = self._clock()
        channels = await asyncio.to_thread(self._repo.scheduled_channels, now)
        due = self.due(channels, now)
        waiting = [c for c in channels if c.pk not in {d.pk for d, _ in due}]
        shared = PassRanker(self._runner.ranker)

        async def one(channel: ChannelSettings, slot: Slot) -> Outcome:
            async with self._limit:
                try:
                    outcome = await self._runner.run_scheduled(channel, slot, shared)
                except Exception:
                    log.exception("digest for %s failed", channel.ref)
                    outcome = Outcome(DeliveryOutcome.FAILED)
                upcoming = next_slot(channel.schedule, slot.due_at)
                await asyncio.to_thread(
                    self._repo.set_next_due,
                    channel.pk,
                    upcoming.due_at if upcoming else None,
                    after_period=slot.period_key,
                )
                return outcome

        outcomes = await asyncio.gather(*(one(c, s) for c, s in due))
        for channel in waiting:  # a slot from before its schedule existed: wait for the next
            upcoming = next_slot(channel.schedule, now)
            await asyncio.to_thread(
                self._repo.set_next_due, channel.pk, upcoming.due_at if upcoming else None
            )
        counts = Counter(o.status for o in outcomes)
        if counts.total() - counts[DeliveryOutcome.BUSY]:
            log.info("scheduler tick: %s", dict(counts))
        return counts

    async def run(self, stop: asyncio.Event) -> None:
        """Tick until ``stop`` is set; an error in one tick never ends the loop."""
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("scheduler tick failed; trying again next tick")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._tick_seconds)
