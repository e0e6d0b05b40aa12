"""A channel as the core sees it (settings, topics) and what the core needs to store about it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.chat import ChannelRef
from bot.digests.schedule import ScheduleSpec
from bot.digests.status import DigestStatus

EMPTY_MODES = ("explain", "quiet")


@dataclass(frozen=True, slots=True)
class Subscription:
    """One topic a channel follows; ``position`` is its number in ``/papers list`` (1-based)."""

    position: int
    text: str


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    """Everything about a channel that shapes its digest."""

    pk: int
    ref: ChannelRef
    schedule: ScheduleSpec = field(default_factory=ScheduleSpec)
    schedule_updated_at: datetime | None = None
    max_papers: int = 5
    min_upvotes: int | None = None
    window_days: int | None = 14
    empty_mode: str = "explain"
    paused_reason: str | None = None
    topics: tuple[Subscription, ...] = ()


@dataclass(frozen=True, slots=True)
class LastDigest:
    """When a channel last got a digest, and how it went."""

    period_key: str
    status: DigestStatus
    at: datetime | None
    papers: int


@dataclass(frozen=True, slots=True)
class Claim:
    """A digest this worker now owns; ``recovering`` means a previous owner died mid-way."""

    digest_pk: int
    period_key: str
    recovering: bool = False
    planned_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SeenElsewhere:
    """A paper already posted in another channel of the same workspace."""

    channel: str
    at: datetime


class ChannelRepository(Protocol):
    """Channel settings, subscriptions, digests and deliveries (storage implements it)."""

    def get_channel(self, ref: ChannelRef) -> ChannelSettings | None:
        """The channel, or None when nothing was ever stored for it."""
        ...

    def ensure_channel(self, ref: ChannelRef, now: datetime) -> ChannelSettings:
        """The channel, created with default settings if new."""
        ...

    def add_topic(self, ref: ChannelRef, text: str, now: datetime) -> bool:
        """Subscribe; False when the channel already follows exactly this topic."""
        ...

    def remove_topic(self, ref: ChannelRef, text: str) -> bool:
        """Unsubscribe; False when the channel does not follow it."""
        ...

    def set_schedule(self, ref: ChannelRef, spec: ScheduleSpec, now: datetime) -> None:
        """Store a new schedule (and when it changed, so old slots are not caught up)."""
        ...

    def update_settings(self, ref: ChannelRef, now: datetime, **changes: object) -> None:
        """Change max_papers, min_upvotes, window_days or empty_mode."""
        ...

    def set_paused(self, ref: ChannelRef, reason: str | None, now: datetime) -> None:
        """Pause (reason given) or resume (None) a channel."""
        ...

    def pause_workspace(self, platform: str, workspace_id: str, reason: str, now: datetime) -> int:
        """Pause every channel of a workspace; return how many."""
        ...

    def scheduled_channels(self) -> list[ChannelSettings]:
        """Channels with a schedule, not paused, following at least one topic."""
        ...

    def delivered_ids(self, channel_pk: int) -> set[str]:
        """Papers already posted to the channel."""
        ...

    def seen_elsewhere(
        self, channel: ChannelSettings, paper_ids: Sequence[str]
    ) -> dict[str, SeenElsewhere]:
        """Where else in the workspace each paper was already posted (latest)."""
        ...

    def last_digest(self, channel_pk: int) -> LastDigest | None:
        """The channel's most recent digest, if any."""
        ...

    def claim_digest(
        self,
        channel_pk: int,
        period_key: str,
        *,
        worker: str,
        now: datetime,
        lease_seconds: float,
        scheduled_for: datetime | None,
    ) -> Claim | None:
        """Own the (channel, period) digest, or None when it is done or owned by a live worker."""
        ...

    def reserve_papers(
        self,
        digest_pk: int,
        channel_pk: int,
        worker: str,
        paper_ids: Sequence[str],
        now: datetime,
    ) -> list[str] | None:
        """Hold ``paper_ids`` in the channel for this digest (no other digest can post them)
        and mark it posting; the papers held, or None if the claim was lost."""
        ...

    def mark_posted(
        self,
        digest_pk: int,
        channel_pk: int,
        paper_ids: Sequence[str],
        message_ref: str,
        now: datetime,
    ) -> None:
        """Record the post and its deliveries in one transaction."""
        ...

    def mark_finished(
        self,
        digest_pk: int,
        status: DigestStatus,
        note: str | None,
        now: datetime,
        *,
        release: bool = True,
    ) -> None:
        """Record an outcome without a post; ``release`` frees the papers it held."""
        ...

    def record_feedback(
        self, ref: ChannelRef, paper_id: str, user_id: str, kind: str, now: datetime
    ) -> bool:
        """Store a button press once per (user, paper, kind); False if already stored."""
        ...

    def source_problem(self, since: datetime, sources: Sequence[str]) -> str | None:
        """A sentence naming one of ``sources`` that failed since ``since`` and is still down."""
        ...
