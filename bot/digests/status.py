"""Every state a digest can be in, and every outcome a delivery attempt can have — listed once.

``DigestStatus`` is what the ``digests`` table stores (one row per channel and period);
``DeliveryOutcome`` is what one attempt reports to its caller (the scheduler's counts, the
``/papers digest`` reply, the ``paperboy_digests_total`` metric). They are ``StrEnum`` like
:class:`bot.chat.Visibility`, so a stored or logged value is the plain word.
"""

from __future__ import annotations

from enum import StrEnum


class DigestStatus(StrEnum):
    """The life of one (channel, period) digest row."""

    CLAIMED = "claimed"  # a worker owns it and is building it
    POSTING = "posting"  # the planned papers are reserved; the post is on its way
    POSTED = "posted"  # in the channel, deliveries recorded
    EMPTY = "empty"  # an empty digest was posted with its reason
    SKIPPED = "skipped"  # nothing to post and nothing said (quiet mode, or asked by hand)
    RETRY = "retry"  # a transient failure; tried again after a back-off
    FAILED = "failed"  # given up: a permanent error or too many attempts

    @property
    def finished(self) -> bool:
        """Whether no worker will touch this digest again."""
        return self in FINISHED


FINISHED = frozenset(
    {DigestStatus.POSTED, DigestStatus.EMPTY, DigestStatus.SKIPPED, DigestStatus.FAILED}
)


class DeliveryOutcome(StrEnum):
    """What one attempt to deliver a digest did."""

    POSTED = "posted"
    EMPTY = "empty"  # posted, explaining why there is nothing
    SKIPPED = "skipped"  # nothing new; nothing posted
    BUSY = "busy"  # another worker owns this digest, or the platform is not enabled here
    PAUSED = "paused"  # the channel or workspace is gone; the channel is now paused
    RETRY = "retry"  # transient failure, tried again later
    FAILED = "failed"  # permanent failure, or attempts used up
