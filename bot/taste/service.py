"""Votes in, a taste per channel out: the one path for buttons, reactions and the CLI.

Retraining happens off the event loop (``asyncio.to_thread``), right after a vote: one
retrain per channel at a time, and votes that arrive meanwhile are folded into one more run
(a storm of 1,000 reactions is a handful of retrains, not 1,000). Each replica keeps its
own models; before ranking it compares the channel's vote watermark with the one its model
was built at (:meth:`VoteStore.version`), so a vote taken by another replica is seen at the
next digest or search too.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.channels import ChannelRepository, ChannelSettings
from bot.chat import ChannelRef
from bot.ports import PaperRepository, Ranker
from bot.taste.features import Featurizer, WordFeatures
from bot.taste.model import Example, TasteModel
from bot.taste.ports import TasteSettings, VoteStore
from bot.taste.ranker import TASTE_WEIGHT, TastedRanker
from bot.taste.signals import Direction, reaction_direction, reaction_signal

log = logging.getLogger(__name__)


@dataclass
class _Trained:
    """A channel's model and the vote watermark and labels it was built from."""

    model: TasteModel
    version: tuple[object, ...] = ()
    labels: dict[str, int] = field(default_factory=dict)


class TasteService:
    """Records votes and keeps each channel's :class:`TasteModel` current."""

    def __init__(
        self,
        votes: VoteStore,
        channels: ChannelRepository,
        papers: PaperRepository,
        *,
        features: Featurizer | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        weight: float = TASTE_WEIGHT,
    ) -> None:
        self._votes = votes
        self._channels = channels
        self._papers = papers
        self._features = features or WordFeatures()
        self._clock = clock
        self._weight = weight
        self._trained: dict[int, _Trained] = {}
        self._lock = threading.Lock()
        self._retraining: dict[int, asyncio.Task[None]] = {}
        self._dirty: set[int] = set()

    async def vote(
        self, channel: ChannelRef, paper_id: str, user_id: str, signal: str, direction: Direction
    ) -> bool:
        """Store a vote from a button, *More like this*, a share or the CLI; False (nothing
        stored) for a paper the library does not know."""
        now = self._clock()
        if not await asyncio.to_thread(self._papers.get_papers, [paper_id]):
            return False
        settings = await asyncio.to_thread(self._channels.ensure_channel, channel, now)
        await asyncio.to_thread(
            self._votes.record_vote, settings.pk, paper_id, user_id, signal, direction, now
        )
        self.retrain_soon(settings.pk)
        return True

    async def react(
        self, channel: ChannelRef, message_ref: str, user_id: str, emoji: str, *, added: bool
    ) -> bool:
        """A reaction added or taken back on a message; True when it changed a vote.

        Ignored: emoji that are not votes, and messages that are not Paperboy's or name more
        than one paper (a reaction there cannot say which paper it is about).
        """
        direction = reaction_direction(emoji)
        if direction is None or not user_id or not message_ref:
            return False
        found = await asyncio.to_thread(self._votes.message_paper, channel, message_ref)
        if found is None:
            log.debug("reaction on a message that is not ours", extra=channel.log_fields())
            return False
        channel_pk, paper_id = found
        signal = reaction_signal(emoji)
        if added:
            await asyncio.to_thread(
                self._votes.record_vote,
                channel_pk,
                paper_id,
                user_id,
                signal,
                direction,
                self._clock(),
            )
        elif not await asyncio.to_thread(
            self._votes.retract_vote, channel_pk, paper_id, user_id, signal
        ):
            return False
        self.retrain_soon(channel_pk)
        return True

    def retrain_soon(self, channel_pk: int) -> None:
        """Retrain the channel's model in a worker thread now (or once more after the run
        in progress). Outside an event loop (the CLI), retrain right here."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.model_for(channel_pk)
            return
        if channel_pk in self._retraining:
            self._dirty.add(channel_pk)
            return
        self._retraining[channel_pk] = loop.create_task(self._retrain(channel_pk))

    async def _retrain(self, channel_pk: int) -> None:
        try:
            while True:
                self._dirty.discard(channel_pk)
                await asyncio.to_thread(self.model_for, channel_pk)
                if channel_pk not in self._dirty:
                    return
        except Exception:
            log.exception("taste retrain failed", extra={"channel_pk": channel_pk})
        finally:
            self._retraining.pop(channel_pk, None)

    async def settled(self) -> None:
        """Wait for retrains in progress (tests, shutdown)."""
        while self._retraining:
            await asyncio.gather(*list(self._retraining.values()), return_exceptions=True)

    def model_for(self, channel_pk: int) -> TasteModel:
        """The channel's model, brought up to date with its votes (blocking; thread-safe).

        Incremental: only papers whose net vote changed since the last build are read and
        added to or removed from the centroids.
        """
        with self._lock:
            trained = self._trained.setdefault(channel_pk, _Trained(TasteModel()))
            version = self._votes.version(channel_pk)
            if version == trained.version:
                return trained.model
            tallies = {v.paper_id: v for v in self._votes.paper_votes(channel_pk)}
            labels = {pid: v.net for pid, v in tallies.items()}
            changed = {
                pid
                for pid in set(labels) | set(trained.labels)
                if labels.get(pid, 0) != trained.labels.get(pid, 0)
            }
            papers = {p.arxiv_id: p for p in self._papers.get_papers(sorted(changed))}
            for pid in changed:
                paper = papers.get(pid)
                label = labels.get(pid, 0)
                if paper is None:  # deleted from the library: its vote stays stored, unused
                    label = 0
                    example = Example(pid, pid, self._clock(), {})
                else:
                    at = tallies[pid].last_at if pid in tallies else self._clock()
                    example = Example(pid, paper.title, at, self._features.vector(paper))
                trained.model.set_label(example, label)
            trained.labels = labels
            trained.version = version
            return trained.model

    def forget(self, channel_pk: int) -> int:
        """Clear the channel's votes and its model (blocking)."""
        removed = self._votes.forget(channel_pk)
        with self._lock:
            self._trained.pop(channel_pk, None)
        return removed

    def settings(self, channel_pk: int) -> TasteSettings:
        """The channel's taste settings (blocking)."""
        return self._votes.taste_settings(channel_pk)

    def update_settings(self, channel_pk: int, **changes: object) -> None:
        """Change the channel's taste settings (blocking)."""
        self._votes.update_taste_settings(channel_pk, **changes)

    def vote_counts(self, channel_pk: int) -> tuple[int, int]:
        """(votes up, votes down) the channel gave: one per person and paper (blocking)."""
        tallies = self._votes.paper_votes(channel_pk)
        return sum(t.up for t in tallies), sum(t.down for t in tallies)

    def ranker_for(self, channel: ChannelSettings, base: Ranker) -> Ranker:
        """``base`` shaped by the channel's taste, or ``base`` itself while taste is off or
        has too few votes to act (blocking: it may retrain)."""
        if not self._votes.taste_settings(channel.pk).taste_enabled:
            return base
        model = self.model_for(channel.pk)
        if not model.active:
            return base
        return TastedRanker(
            base,
            model,
            self._features,
            weight=self._weight,
            timezone=channel.schedule.timezone,
        )
