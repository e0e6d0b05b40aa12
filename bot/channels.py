"""A channel as the core sees it (settings, topics) and what the core needs to store about it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Protocol

from bot.chat import ChannelRef
from bot.digests.claims import DEFAULT_POLICY, ClaimPolicy
from bot.digests.schedule import ScheduleSpec
from bot.digests.status import DigestStatus
from bot.errors import UserError

EMPTY_MODES = ("explain", "quiet")


class NoChannel(UserError):
    """Something that needs a channel came from nowhere (a direct message, the app's home)."""

    def __init__(self) -> None:
        super().__init__(
            "This needs a channel: run it in the channel whose digest it is about, "
            "not in a direct message or the app's home."
        )


class AmbiguousChannel(UserError):
    """A reference without its workspace (``slack:C2``) that names channels in several."""

    def __init__(self, ref: ChannelRef, matches: Sequence[ChannelRef]) -> None:
        self.matches = tuple(matches)
        listed = ", ".join(
            f"{match} ({match.display})" if match.name else str(match) for match in self.matches
        )
        super().__init__(
            f"{ref} is in {len(self.matches)} workspaces: {listed}. Say which one.",
            example=f"--channel {self.matches[0]}",
        )


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


DEFAULTS = ChannelSettings(pk=0, ref=ChannelRef("console", "defaults"))  # the one definition


class Keep(Enum):
    """A setting a :class:`SettingsChange` leaves as it is (None means "no limit")."""

    KEEP = "keep"


KEEP = Keep.KEEP
SETTING_NAMES = ("max_papers", "min_upvotes", "window_days", "empty_mode")


@dataclass(frozen=True, slots=True)
class SettingsChange:
    """New values for some of a channel's settings; the others are :data:`KEEP`."""

    max_papers: int | Keep = KEEP
    min_upvotes: int | Keep | None = KEEP
    window_days: int | Keep | None = KEEP
    empty_mode: str | Keep = KEEP

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, object]]) -> SettingsChange:
        """The change the grammar read as ``(name, value)`` pairs (names from
        :data:`SETTING_NAMES`; the grammar has checked the values)."""
        values = dict(pairs)
        unknown = set(values) - set(SETTING_NAMES)
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}")
        return cls(**values)  # type: ignore[arg-type]  # names checked above, values by grammar

    def changed(self) -> dict[str, object]:
        """The settings this change sets, by name."""
        return {name: v for name in SETTING_NAMES if (v := getattr(self, name)) is not KEEP}


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """A paper source that failed and has not recovered since."""

    source: str
    last_error_at: datetime


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


class ChannelStore(Protocol):
    """Channels, their settings and the topics they follow."""

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

    def update_settings(self, ref: ChannelRef, now: datetime, change: SettingsChange) -> None:
        """Apply ``change`` (only the settings it names)."""
        ...

    def set_paused(self, ref: ChannelRef, reason: str | None, now: datetime) -> None:
        """Pause (reason given) or resume (None) a channel."""
        ...

    def pause_workspace(self, platform: str, workspace_id: str, reason: str, now: datetime) -> int:
        """Pause every channel of a workspace; return how many."""
        ...

    def scheduled_channels(self, due_by: datetime | None = None) -> list[ChannelSettings]:
        """Channels with a schedule, not paused, following at least one topic (only those
        whose next slot has come by ``due_by``, when given)."""
        ...

    def set_next_due(
        self, channel_pk: int, next_due_at: datetime | None, *, after_period: str | None = None
    ) -> None:
        """When the channel's next slot comes; with ``after_period``, only once that
        period's digest is finished."""
        ...


class DigestStore(Protocol):
    """Digests, their claims, and the deliveries that make "never twice" true."""

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
        scheduled_for: datetime | None,
        policy: ClaimPolicy = DEFAULT_POLICY,
    ) -> Claim | None:
        """Own the (channel, period) digest, or None when ``policy`` says to leave it (done,
        owned by a live worker, backing off); a digest out of attempts becomes ``failed``."""
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


class FeedbackStore(Protocol):
    """Button presses on posted papers."""

    def record_feedback(
        self, ref: ChannelRef, paper_id: str, user_id: str, kind: str, now: datetime
    ) -> bool:
        """Store a button press once per (user, paper, kind); False if already stored."""
        ...


class SourceHealth(Protocol):
    """The last fetch outcome of each paper source."""

    def source_problem(self, since: datetime, sources: Sequence[str]) -> SourceProblem | None:
        """One of ``sources`` that failed since ``since`` and is still down, if any."""
        ...


class ChannelRepository(ChannelStore, DigestStore, FeedbackStore, SourceHealth, Protocol):
    """All of a channel's storage, for the runner and the command service, which need each
    part; a narrower caller asks for the one store it uses."""
