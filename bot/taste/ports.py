"""What the taste subsystem needs stored (storage implements it; the core never sees SQL)."""

from __future__ import annotations

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

    def paper_votes(self, channel_pk: int) -> list[PaperVotes]:
        """Every paper the channel voted on, with its tally."""
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
