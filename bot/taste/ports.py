"""What the taste subsystem needs stored (storage implements it; the core never sees SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.chat import ChannelRef
from bot.taste.signals import Direction


@dataclass(frozen=True, slots=True)
class PaperVotes:
    """A channel's votes on one paper: each person counted once, by their latest signal."""

    paper_id: str
    up: int
    down: int
    last_at: datetime  # when the latest of these votes was given

    @property
    def net(self) -> int:
        """+1 liked, −1 disliked, 0 a tie (contradictory votes cancel)."""
        return (self.up > self.down) - (self.up < self.down)


@dataclass(frozen=True, slots=True)
class TasteSettings:
    """A channel's taste switch, follow-up threshold and weekly roll-up time (local)."""

    taste_enabled: bool = True
    followup_upvotes: int | None = None
    rollup_weekday: int | None = None  # 0 = Monday; None: no roll-up
    rollup_time: str = "16:00"
    rollup_updated_at: datetime | None = None  # no catch-up for roll-ups before this


class VoteStore(Protocol):
    """Votes per channel and the message → paper lookup reactions need."""

    def record_vote(
        self,
        channel_pk: int,
        paper_id: str,
        user_id: str,
        signal: str,
        direction: Direction,
        now: datetime,
    ) -> None:
        """Store one signal (replacing the same signal of the same person on the paper)."""
        ...

    def retract_vote(self, channel_pk: int, paper_id: str, user_id: str, signal: str) -> bool:
        """Take a signal back (a removed reaction); False when there was none."""
        ...

    def paper_votes(
        self,
        channel_pk: int,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        paper_ids: Sequence[str] | None = None,
    ) -> list[PaperVotes]:
        """Every paper the channel voted on (or only ``paper_ids``; only signals given in
        [start, end) when given), with its tally."""
        ...

    def version(self, channel_pk: int) -> tuple[object, ...]:
        """A cheap watermark of the channel's votes: changes whenever a vote does."""
        ...

    def forget(self, channel_pk: int) -> int:
        """Remove every vote of the channel; how many signals were removed."""
        ...

    def message_paper(self, channel: ChannelRef, message_ref: str) -> tuple[int, str] | None:
        """(channel pk, paper id) when ``message_ref`` is a message Paperboy posted in the
        channel naming exactly one paper (a one-paper digest, a follow-up); else None."""
        ...

    def taste_settings(self, channel_pk: int) -> TasteSettings:
        """The channel's taste settings (defaults when never set)."""
        ...

    def update_taste_settings(self, channel_pk: int, **changes: object) -> None:
        """Change taste_enabled, followup_upvotes or the roll-up (weekday, time, updated_at)."""
        ...


@dataclass(frozen=True, slots=True)
class DeliveredPaper:
    """A paper a channel got, the message that carried it (the thread to reply in), and the
    channel's follow-up threshold."""

    channel_pk: int
    channel: ChannelRef
    paper_id: str
    message_ref: str
    followup_upvotes: int | None = None


@dataclass(frozen=True, slots=True)
class PaperState:
    """What a follow-up compares: code, arXiv version and upvotes as last seen."""

    has_code: bool
    version: int
    upvotes: int


@dataclass(frozen=True, slots=True)
class RollupChannel:
    """A channel with a weekly roll-up."""

    channel_pk: int
    channel: ChannelRef
    timezone: str
    settings: TasteSettings


@dataclass(frozen=True, slots=True)
class LikedRow:
    """A paper the channel voted on in a period, net of downs, and the message that carried it."""

    paper_id: str
    up: int
    down: int
    message_ref: str | None


class ThreadPosts(Protocol):
    """Follow-ups and roll-ups: what was delivered, what was seen, and exactly-once claims."""

    def delivered_since(
        self, since: datetime, changed_since: datetime | None = None
    ) -> list[DeliveredPaper]:
        """Papers delivered since ``since`` to channels that are not paused; with
        ``changed_since``, only those delivered or changed in the library since then."""
        ...

    def snapshots(self, channel_pk: int, paper_ids: list[str]) -> dict[str, PaperState]:
        """What each paper looked like when the channel last checked it."""
        ...

    def save_snapshots(self, channel_pk: int, states: dict[str, PaperState]) -> None:
        """Remember what these papers look like now (one transaction)."""
        ...

    def claim(
        self, channel_pk: int, key: str, paper_id: str | None, worker: str, now: datetime
    ) -> bool:
        """Own the one post under ``key`` in the channel; False when someone already did."""
        ...

    def finish(self, channel_pk: int, key: str, status: str, message_ref: str | None) -> None:
        """Record how the claimed post went (``posted``, ``empty``, ``failed``)."""
        ...

    def rollup_channels(self) -> list[RollupChannel]:
        """Channels with a roll-up scheduled, not paused."""
        ...

    def liked_between(self, channel_pk: int, start: datetime, end: datetime) -> list[LikedRow]:
        """Papers the channel voted on in [start, end), with who liked and disliked them."""
        ...
