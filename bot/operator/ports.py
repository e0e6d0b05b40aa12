"""The read-only history the operator's views need from storage.

Kept apart from :class:`bot.channels.ChannelRepository` (the digest's read/write contract) so
the operator's questions never widen what a digest run depends on.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class PostedRecord:
    """One paper posted to one channel: when, and by which digest (if that digest is kept)."""

    paper_id: str
    delivered_at: datetime
    period_key: str | None = None
    message_ref: str | None = None


class DeliveryHistory(Protocol):
    """What was posted where; answers touch only the one channel asked about."""

    def delivery_of(self, channel_pk: int, paper_id: str) -> PostedRecord | None:
        """The paper's delivery to the channel, or None when it was never posted there."""
        ...

    def delivered_among(self, channel_pk: int, paper_ids: Collection[str]) -> set[str]:
        """Which of ``paper_ids`` were already posted to the channel (bounded by the ids asked
        about, so a 10,000-delivery history costs no more than a new channel)."""
        ...
