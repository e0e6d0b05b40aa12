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
from datetime import UTC, datetime, timedelta

from bot.channels import ChannelRepository, ChannelSettings
from bot.chat import ChannelRef
from bot.ports import PaperRepository, Ranker
from bot.taste.features import IDF_DAYS, Featurizer, LibraryIdf, WordFeatures
from bot.taste.model import Example, TasteModel
from bot.taste.ports import PaperVotes, TasteSettings, VoteStore
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
        if features is None:
            since = (clock() - timedelta(days=IDF_DAYS)).date()
            features = WordFeatures(idf=LibraryIdf(lambda: papers.iter_papers(since=since)))
        self._features = features
        self._clock = clock
        self._weight = weight
        self._trained: dict[int, _Trained] = {}
        self._lock = threading.Lock()
        self._retraining: dict[int, asyncio.Task[None]] = {}
        self._hints: dict[int, set[str]] = {}

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
        self.retrain_soon(settings.pk, paper_id)
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
        self.retrain_soon(channel_pk, paper_id)
        return True

    def retrain_soon(self, channel_pk: int, paper_id: str) -> None:
        """Fold the vote on ``paper_id`` into the channel's model in a worker thread now (or
        right after the run in progress). Outside an event loop (the CLI), right here."""
        self._hints.setdefault(channel_pk, set()).add(paper_id)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.model_for(channel_pk, only=self._hints.pop(channel_pk, set()))
            return
        if channel_pk not in self._retraining:
            self._retraining[channel_pk] = loop.create_task(self._retrain(channel_pk))

    async def _retrain(self, channel_pk: int) -> None:
        try:
            while self._hints.get(channel_pk):
                only = self._hints.pop(channel_pk)
                await asyncio.to_thread(self.model_for, channel_pk, only=only)
        except Exception:
            log.exception("taste retrain failed", extra={"channel_pk": channel_pk})
        finally:
            self._retraining.pop(channel_pk, None)

    async def settled(self) -> None:
        """Wait for retrains in progress (tests, shutdown)."""
        while self._retraining:
            await asyncio.gather(*list(self._retraining.values()), return_exceptions=True)

    def model_for(self, channel_pk: int, *, only: set[str] | None = None) -> TasteModel:
        """The channel's model, brought up to date with its votes (blocking; thread-safe).

        Incremental: only papers whose net vote changed are read and moved in the
        centroids. With ``only`` (the papers this replica just saw votes on), just those
        papers are re-tallied — the retrain after a vote; the watermark is left alone, so
        the next ranking still reconciles with votes other replicas took.
        """
        with self._lock:
            trained = self._trained.setdefault(channel_pk, _Trained(TasteModel()))
            if only is not None:
                tallies = self._votes.paper_votes(channel_pk, paper_ids=sorted(only))
                self._relabel(trained, {t.paper_id: t for t in tallies}, set(only))
                return trained.model
            version = self._votes.version(channel_pk)
            if version == trained.version:
                return trained.model
            tallies_by_id = {v.paper_id: v for v in self._votes.paper_votes(channel_pk)}
            self._relabel(trained, tallies_by_id, set(tallies_by_id) | set(trained.labels))
            trained.version = version
            return trained.model

    def _relabel(
        self, trained: _Trained, tallies: dict[str, PaperVotes], papers_to_check: set[str]
    ) -> None:
        """Move the papers among ``papers_to_check`` whose net vote changed."""
        changed = {
            pid
            for pid in papers_to_check
            if (tallies[pid].net if pid in tallies else 0) != trained.labels.get(pid, 0)
        }
        if not changed:
            return
        papers = {p.arxiv_id: p for p in self._papers.get_papers(sorted(changed))}
        for pid in changed:
            paper = papers.get(pid)
            label = tallies[pid].net if pid in tallies else 0
            if paper is None:  # deleted from the library: its vote stays stored, unused
                trained.model.set_label(Example(pid, pid, self._clock(), {}), 0)
            else:
                at = tallies[pid].last_at if pid in tallies else self._clock()
                example = Example(pid, paper.title, at, self._features.vector(paper))
                trained.model.set_label(example, label)
            if label and paper is not None:
                trained.labels[pid] = label
            else:
                trained.labels.pop(pid, None)

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
