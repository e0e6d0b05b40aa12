"""The read-only history the operator's views need from storage.

Kept apart from :class:`bot.channels.ChannelRepository` (the digest's read/write contract) so
the operator's questions never widen what a digest run depends on.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.channels import ChannelSettings


@dataclass(frozen=True, slots=True)
class PostedRecord:
    """One paper held by one channel: when, and by which digest (if that digest is kept).

    A digest reserves its papers right before posting, so ``status`` (the digest's) says
    whether the paper is really in the channel (``posted``), on its way (``claimed``,
    ``posting``, ``retry``) or held after a failure nobody could confirm (``failed``).
    """

    paper_id: str
    delivered_at: datetime
    period_key: str | None = None
    message_ref: str | None = None
    status: str | None = None
    note: str | None = None

    @property
    def in_channel(self) -> bool:
        """Whether the post is known to have reached the channel (or predates digest rows)."""
        return self.status in (None, "posted", "empty")


class DeliveryHistory(Protocol):
    """What was posted where; answers touch only the one channel asked about."""

    def delivery_of(self, channel_pk: int, paper_id: str) -> PostedRecord | None:
        """The paper's delivery to the channel, or None when it was never posted there."""
        ...

    def delivered_among(self, channel_pk: int, paper_ids: Collection[str]) -> set[str]:
        """Which of ``paper_ids`` were already posted to the channel (bounded by the ids asked
        about, so a 10,000-delivery history costs no more than a new channel)."""
        ...


@dataclass(frozen=True, slots=True)
class DigestRecord:
    """One digest of one channel as stored: its key, outcome, attempts, papers and note.

    ``note`` is the error of a failed or retried digest, or the reason an empty one was
    empty; ``papers`` the ids it posted (or planned to, when it did not get that far).
    """

    cursor: int
    period_key: str
    status: str
    attempts: int
    created_at: datetime
    scheduled_for: datetime | None = None
    posted_at: datetime | None = None
    papers: tuple[str, ...] = ()
    note: str | None = None
    message_ref: str | None = None

    @property
    def at(self) -> datetime:
        """When it happened: posted, else when it was first claimed."""
        return self.posted_at or self.created_at


@dataclass(frozen=True, slots=True)
class DigestPage:
    """A page of a channel's digests, newest first; ``before`` fetches the next (older) page
    and is None on the last one."""

    digests: tuple[DigestRecord, ...]
    before: int | None = None


@dataclass(frozen=True, slots=True)
class ChannelOverview:
    """A channel for the operator: its settings and its latest digest (any outcome)."""

    channel: ChannelSettings
    last: DigestRecord | None = None
    delivered: int = 0


@dataclass(frozen=True, slots=True)
class ChannelPage:
    """A page of channels in a stable order; ``after`` fetches the next page (None: last)."""

    channels: tuple[ChannelOverview, ...]
    after: int | None = None


class OperatorHistory(DeliveryHistory, Protocol):
    """The channels and digests, page by page, for ``paperboy channels|deliveries`` and the
    operator page."""

    def channel_page(
        self, *, paused_only: bool = False, limit: int = 100, after: int | None = None
    ) -> ChannelPage:
        """Up to ``limit`` channels (only paused ones when asked), after cursor ``after``."""
        ...

    def digest_page(
        self, channel_pk: int, *, limit: int = 20, before: int | None = None
    ) -> DigestPage:
        """Up to ``limit`` of the channel's digests, newest first, older than ``before``."""
        ...
