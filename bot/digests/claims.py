"""When a worker may take a digest, and when everyone gives up on it — the one retry policy.

Storage runs the claim as atomic statements (see :mod:`bot.digests.runner`) but asks this
module what to do with the row it found, so the rules live in the core, in one place:

- a finished digest is never touched again;
- a live claim (``claimed``/``posting`` within the lease) belongs to its worker;
- a transient failure (``retry``) waits a back-off that doubles per attempt, capped by the
  lease, so the next tick does not hit a platform that just asked for a pause;
- any digest — a ``retry`` or a claim whose worker died — is given up as ``failed`` once it
  has used :attr:`ClaimPolicy.max_attempts`, so every delivery ends (a post that kills its
  worker every time is not re-sent forever).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.digests.status import DigestStatus

DEFAULT_LEASE_SECONDS = 600.0
DEFAULT_MAX_ATTEMPTS = 5
# A failed attempt (throttled, platform down) is tried again only after this wait, doubling
# per attempt and capped by the lease: the next tick must not hit a platform that just said
# "Retry-After" (the retry handler's own retries have been used up by then).
DEFAULT_BACKOFF_SECONDS = 5.0


class ClaimDecision(StrEnum):
    """What a worker does with a digest row it found."""

    TAKE = "take"  # claim it (first attempt or a takeover)
    WAIT = "wait"  # someone owns it, or it is backing off
    DONE = "done"  # finished: leave it
    GIVE_UP = "give_up"  # out of attempts: mark it failed


@dataclass(frozen=True, slots=True)
class DigestState:
    """The part of a stored digest the policy reads."""

    status: DigestStatus
    attempts: int
    claimed_at: datetime | None


@dataclass(frozen=True, slots=True)
class ClaimPolicy:
    """Lease, attempt cap and back-off for every digest claim."""

    lease_seconds: float = DEFAULT_LEASE_SECONDS
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    backoff_seconds: float = DEFAULT_BACKOFF_SECONDS

    def decide(self, state: DigestState | None, now: datetime) -> ClaimDecision:
        """What to do with ``state`` (None: nobody has claimed this digest yet)."""
        if state is None:
            return ClaimDecision.TAKE
        if state.status.finished:
            return ClaimDecision.DONE
        if state.status in (DigestStatus.CLAIMED, DigestStatus.POSTING) and not self._expired(
            state, now, self.lease_seconds
        ):
            return ClaimDecision.WAIT
        if state.attempts >= self.max_attempts:
            return ClaimDecision.GIVE_UP
        if state.status is DigestStatus.RETRY and not self._expired(
            state, now, self.backoff(state.attempts)
        ):
            return ClaimDecision.WAIT
        return ClaimDecision.TAKE

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt."""
        return float(min(self.lease_seconds, self.backoff_seconds * 2 ** max(0, attempts - 1)))

    def give_up_note(self) -> str:
        """The note stored on a digest given up for lack of attempts."""
        return f"gave up after {self.max_attempts} attempts"

    @staticmethod
    def _expired(state: DigestState, now: datetime, seconds: float) -> bool:
        return state.claimed_at is None or state.claimed_at <= now - timedelta(seconds=seconds)


DEFAULT_POLICY = ClaimPolicy()
