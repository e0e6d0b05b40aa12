"""Every delivery ends: permanent and unknown errors fail the digest, takeovers are capped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from bot.chat import ChannelRef, PostError
from bot.digests.claims import ClaimDecision, ClaimPolicy, DigestState
from bot.digests.status import DigestStatus
from tests.bot.digests.test_scheduled_digests import GENERAL, Clock, World, at
from tests.chat_fakes import RecordingAdapter


class ExplodingAdapter(RecordingAdapter):
    """Posts, then raises what it is told to (an unknown error, or a worker's death)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(remembers_posts=False)  # like a platform we cannot ask
        self.error = error

    async def post_digest(self, channel: ChannelRef, digest: object, *, delivery_key: str) -> str:
        raise self.error


def _scheduled(library: Engine, adapter: RecordingAdapter, lease: float = 60) -> World:
    clock = Clock(at(2026, 11, 22, 9, 0))
    world = World(library, clock, lease=lease, adapter=adapter)
    world.run(GENERAL, "subscribe scaling")
    world.run(GENERAL, "settings window all")
    world.run(GENERAL, "schedule daily 09:00 UTC")
    clock.now = at(2026, 11, 23, 9, 0)
    return world


def test_a_permanent_post_error_fails_the_digest_once(library: Engine) -> None:
    adapter = RecordingAdapter()
    world = _scheduled(library, adapter)
    adapter.fail["general"] = PostError("HTTP 400: Invalid Form Body")
    assert world.tick() == {"failed": 1}
    for minutes in (11, 30, 90):  # long after any lease: nobody takes it over
        world.clock.now = at(2026, 11, 23, 9, 0) + timedelta(minutes=minutes)
        assert world.tick() == {}  # finished: its channel waits for tomorrow's slot
    assert world.adapter.posts == []


def test_an_unknown_error_is_a_failure_not_a_stuck_digest(library: Engine) -> None:
    world = _scheduled(library, ExplodingAdapter(RuntimeError("boom")))
    assert world.tick() == {"failed": 1}
    world.clock.now += timedelta(hours=1)
    assert world.tick() == {}  # finished: not taken over after the lease


def test_a_digest_that_kills_its_worker_is_given_up_after_the_attempt_cap(
    library: Engine,
) -> None:
    adapter = ExplodingAdapter(SystemExit("killed mid-post"))
    world = _scheduled(library, adapter, lease=60)
    deaths = 0
    for _ in range(10):
        try:
            world.tick()
        except SystemExit:
            deaths += 1
        world.clock.now += timedelta(minutes=2)  # past the lease: a takeover is due
    assert deaths == ClaimPolicy().max_attempts
    assert world.tick() == {}


NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "attempts", "age", "decision"),
    [
        (DigestStatus.POSTED, 1, 3600, ClaimDecision.DONE),
        (DigestStatus.POSTING, 1, 30, ClaimDecision.WAIT),
        (DigestStatus.POSTING, 2, 61, ClaimDecision.TAKE),
        (DigestStatus.POSTING, 5, 61, ClaimDecision.GIVE_UP),
        (DigestStatus.CLAIMED, 5, 61, ClaimDecision.GIVE_UP),
        (DigestStatus.RETRY, 1, 4, ClaimDecision.WAIT),
        (DigestStatus.RETRY, 1, 5, ClaimDecision.TAKE),
        (DigestStatus.RETRY, 3, 19, ClaimDecision.WAIT),  # 5 s doubling: 20 s after the 3rd
        (DigestStatus.RETRY, 5, 600, ClaimDecision.GIVE_UP),
    ],
)
def test_the_claim_policy(
    status: DigestStatus, attempts: int, age: float, decision: ClaimDecision
) -> None:
    policy = ClaimPolicy(lease_seconds=60)
    state = DigestState(status, attempts, NOW - timedelta(seconds=age))
    assert policy.decide(state, NOW) is decision
    assert policy.decide(None, NOW) is ClaimDecision.TAKE
