"""Post a channel's digest exactly once per (channel, period), across restarts and replicas.

The choice, and why: a unique key on ``digests(channel, period_key)`` plus a lease-based claim
in the same database the app already needs — no extra service. A worker *claims* a period by
inserting its row (``INSERT … ON CONFLICT DO NOTHING``); only the inserter proceeds. A claim
whose worker died is taken over after the lease by a compare-and-set ``UPDATE`` on its attempt
counter, so exactly one survivor wins even when several race. Works the same on SQLite (one
process) and PostgreSQL (many replicas). We did not take procrastinate: it needs PostgreSQL,
so the single-process SQLite mode would run a different code path.

The one window a database cannot close is "posted, then crashed before recording". Before
posting we store the planned paper ids (status ``posting``); a worker that recovers such a
claim first asks the platform whether the post exists (:meth:`ChatAdapter.find_posted`: Slack
message metadata, the console output file) and, if so, records it instead of posting again.
Discord additionally dedupes by message ``nonce`` with ``enforce_nonce``.

A paper is never posted twice in a channel, whatever the path: right before posting, the
digest reserves its papers (one ``deliveries`` row per unique (channel, paper)). Two
``/papers digest`` at the same moment, a manual one next to a scheduled one, or two replicas
each hold only what nobody else holds; a digest left with nothing answers
:data:`BEING_POSTED`. A refused post gives its papers back.
"""

# Kept whole (over 300 lines): claim, recover, hold, post and record are one exactly-once
# protocol; split across modules, each step would need the others to be read.

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.channels import ChannelRepository, ChannelSettings, Claim
from bot.chat import (
    ChannelUnavailable,
    ChatAdapter,
    PostError,
    TransientPostError,
    WorkspaceUnavailable,
)
from bot.digests.build import Digest
from bot.digests.channel import build_channel_digest
from bot.digests.claims import DEFAULT_LEASE_SECONDS, ClaimPolicy
from bot.digests.schedule import Slot
from bot.digests.status import DeliveryOutcome, DigestStatus
from bot.metrics import DELIVERY_LATENCY, DIGESTS
from bot.ports import Ranker
from bot.sources.arxiv.calendar import AnnouncementCalendar

log = logging.getLogger(__name__)

# A channel's own ranking (its taste, :mod:`bot.taste`) around the shared ranker; blocking.
RankerShaper = Callable[[ChannelSettings, Ranker], Ranker]

BEING_POSTED = "A digest is being posted here right now; its papers are not repeated."


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one digest (see :class:`DeliveryOutcome`)."""

    status: DeliveryOutcome
    papers: int = 0
    note: str | None = None
    digest: Digest | None = None


def delivery_key(channel: ChannelSettings, period_key: str) -> str:
    """The platform-visible id of one (channel, period) digest."""
    return f"{channel.ref}#{period_key}"


class DigestRunner:
    """Builds and posts digests through the platform adapters, recording every outcome."""

    def __init__(
        self,
        repository: ChannelRepository,
        ranker: Ranker,
        adapters: Mapping[str, ChatAdapter],
        *,
        worker: str,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        policy: ClaimPolicy | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        calendar: AnnouncementCalendar | None = None,
        shape: RankerShaper | None = None,
    ) -> None:
        self._repo = repository
        self._shape = shape
        self.calendar = calendar
        self._ranker = ranker
        self._adapters = adapters
        self._worker = worker
        self._policy = policy or ClaimPolicy(lease_seconds=lease_seconds)
        self._clock = clock

    @property
    def ranker(self) -> Ranker:
        """The shared ranker every channel's digest starts from."""
        return self._ranker

    def ranker_for(self, channel: ChannelSettings, base: Ranker | None = None) -> Ranker:
        """The ranker for ``channel``'s digests: ``base`` (the scheduler pass's shared one,
        else ours) shaped by the channel's taste when one is set up (blocking: call it in a
        worker thread)."""
        ranker = base or self._ranker
        return self._shape(channel, ranker) if self._shape else ranker

    def adapter_for(self, platform: str) -> ChatAdapter | None:
        """The adapter that posts to ``platform``, if that platform is enabled here."""
        return self._adapters.get(platform)

    async def run_scheduled(
        self, channel: ChannelSettings, slot: Slot, ranker: Ranker | None = None
    ) -> Outcome:
        """Post the digest of ``slot`` unless it is done or another worker owns it;
        ``ranker`` is the pass's shared one (:class:`bot.digests.pass_cache.PassRanker`)."""
        return await self._claim_and_deliver(channel, slot.period_key, slot.due_at, ranker)

    async def post_now(self, channel: ChannelSettings) -> Outcome:
        """Post the channel's digest now (``/papers digest``), recorded like a scheduled one."""
        now = self._clock()
        return await self._claim_and_deliver(channel, f"manual:{now:%Y-%m-%dT%H:%M:%S.%f}", None)

    async def _claim_and_deliver(
        self,
        channel: ChannelSettings,
        period_key: str,
        scheduled_for: datetime | None,
        ranker: Ranker | None = None,
    ) -> Outcome:
        if self.adapter_for(channel.ref.platform) is None:
            return Outcome(
                DeliveryOutcome.BUSY, note=f"{channel.ref.platform} is not enabled in this process"
            )
        claim = await asyncio.to_thread(
            self._repo.claim_digest,
            channel.pk,
            period_key,
            worker=self._worker,
            now=self._clock(),
            scheduled_for=scheduled_for,
            policy=self._policy,
        )
        if claim is None:
            return Outcome(DeliveryOutcome.BUSY)
        return await self._deliver(channel, claim, scheduled_for, ranker)

    async def _deliver(
        self,
        channel: ChannelSettings,
        claim: Claim,
        scheduled_for: datetime | None,
        base: Ranker | None,
    ) -> Outcome:
        adapter = self._adapters[channel.ref.platform]
        key = delivery_key(channel, claim.period_key)
        platform = channel.ref.platform
        recovered = await self._recover(channel, claim, adapter, key)
        if recovered is not None:
            return recovered
        now = self._clock()
        ranker = await asyncio.to_thread(self.ranker_for, channel, base)
        digest = await asyncio.to_thread(
            build_channel_digest,
            channel,
            ranker,
            self._repo,
            now=now,
            calendar=self.calendar,
            held=claim.planned_ids,
        )
        ids = [item.ranked.paper.arxiv_id for item in digest.items]
        # An empty digest is explained in the channel only on schedule: someone who asked
        # with /papers digest gets the reason in their reply, not a "nothing new" post.
        if not ids and (channel.empty_mode == "quiet" or scheduled_for is None):
            await asyncio.to_thread(
                self._repo.mark_finished,
                claim.digest_pk,
                DigestStatus.SKIPPED,
                digest.empty_reason,
                now,
            )
            DIGESTS.labels(platform, DeliveryOutcome.SKIPPED).inc()
            return Outcome(DeliveryOutcome.SKIPPED, note=digest.empty_reason, digest=digest)
        held = await self._hold(channel, claim, digest, now)
        if isinstance(held, Outcome):
            return held
        digest, ids = held
        return await self._post(channel, claim, digest, ids, key, scheduled_for)

    async def _post(
        self,
        channel: ChannelSettings,
        claim: Claim,
        digest: Digest,
        ids: list[str],
        key: str,
        scheduled_for: datetime | None,
    ) -> Outcome:
        """Post the held digest and record it; a refused or failed post ends the claim."""
        adapter = self._adapters[channel.ref.platform]
        platform = channel.ref.platform
        try:
            message_ref = await adapter.post_digest(channel.ref, digest, delivery_key=key)
        except PostError as exc:
            return await self._refused(channel, claim, exc)
        except Exception:  # a bug or an error nobody classified: the digest still ends
            log.exception(
                "digest for %s failed with an unexpected error",
                channel.ref,
                extra={"platform": platform, "channel_id": channel.ref.channel_id},
            )
            # Whether the post reached the channel is unknown: keep its papers reserved
            # rather than risk posting them twice.
            return await self._give_up(
                channel, claim, DeliveryOutcome.FAILED, "unexpected error", release=False
            )
        posted_at = self._clock()
        await asyncio.to_thread(
            self._repo.mark_posted, claim.digest_pk, channel.pk, ids, message_ref, posted_at
        )
        outcome = DeliveryOutcome.POSTED if ids else DeliveryOutcome.EMPTY
        DIGESTS.labels(platform, outcome).inc()
        if scheduled_for is not None:
            DELIVERY_LATENCY.labels(platform).observe(
                max(0.0, (posted_at - scheduled_for).total_seconds())
            )
        return Outcome(outcome, papers=len(ids), note=digest.empty_reason, digest=digest)

    async def _recover(
        self, channel: ChannelSettings, claim: Claim, adapter: ChatAdapter, key: str
    ) -> Outcome | None:
        """A claim taken over from a worker that died while posting: if the platform has the
        post, record it instead of posting again (None: nothing to recover)."""
        if not (claim.recovering and claim.planned_ids):
            return None
        found = await adapter.find_posted(channel.ref, key)
        if found is None:
            return None
        await asyncio.to_thread(
            self._repo.mark_posted,
            claim.digest_pk,
            channel.pk,
            list(claim.planned_ids),
            found,
            self._clock(),
        )
        log.info("recovered digest %s already posted before a crash", key)
        DIGESTS.labels(channel.ref.platform, DeliveryOutcome.POSTED).inc()
        return Outcome(DeliveryOutcome.POSTED, papers=len(claim.planned_ids), note="recovered")

    async def _hold(
        self, channel: ChannelSettings, claim: Claim, digest: Digest, now: datetime
    ) -> tuple[Digest, list[str]] | Outcome:
        """Reserve the digest's papers in the channel; the digest cut to what it holds, or
        the outcome when the claim was lost or another digest holds every paper."""
        ids = [item.ranked.paper.arxiv_id for item in digest.items]
        held = await asyncio.to_thread(
            self._repo.reserve_papers, claim.digest_pk, channel.pk, self._worker, ids, now
        )
        if held is None:
            return Outcome(DeliveryOutcome.BUSY, note="claim lost to another worker")
        if ids and not held:  # another digest took every one of them a moment ago
            await asyncio.to_thread(
                self._repo.mark_finished, claim.digest_pk, DigestStatus.SKIPPED, BEING_POSTED, now
            )
            DIGESTS.labels(channel.ref.platform, DeliveryOutcome.SKIPPED).inc()
            return Outcome(DeliveryOutcome.SKIPPED, note=BEING_POSTED)
        if len(held) < len(ids):
            kept = tuple(i for i in digest.items if i.ranked.paper.arxiv_id in held)
            digest = replace(digest, items=kept)
        return digest, held

    async def _refused(self, channel: ChannelSettings, claim: Claim, exc: PostError) -> Outcome:
        """The platform answered with an error, so nothing was posted: pause the channel
        (or workspace) it lost, try a transient failure again later, and fail the rest."""
        if isinstance(exc, ChannelUnavailable):
            return await self._give_up(
                channel, claim, DeliveryOutcome.PAUSED, exc.reason, pause=True
            )
        if isinstance(exc, WorkspaceUnavailable):
            await asyncio.to_thread(
                self._repo.pause_workspace,
                channel.ref.platform,
                channel.ref.workspace_id,
                exc.reason,
                self._clock(),
            )
            return await self._give_up(channel, claim, DeliveryOutcome.PAUSED, exc.reason)
        if isinstance(exc, TransientPostError):
            return await self._give_up(channel, claim, DeliveryOutcome.RETRY, exc.reason)
        return await self._give_up(channel, claim, DeliveryOutcome.FAILED, exc.reason)

    async def _give_up(
        self,
        channel: ChannelSettings,
        claim: Claim,
        status: DeliveryOutcome,
        reason: str,
        *,
        pause: bool = False,
        release: bool = True,
    ) -> Outcome:
        now = self._clock()
        if pause:
            await asyncio.to_thread(self._repo.set_paused, channel.ref, reason, now)
        log.warning(
            "digest for %s not posted (%s): %s",
            channel.ref,
            status,
            reason,
            extra={"platform": channel.ref.platform, "channel_id": channel.ref.channel_id},
        )
        await asyncio.to_thread(
            self._repo.mark_finished,
            claim.digest_pk,
            DigestStatus.RETRY if status is DeliveryOutcome.RETRY else DigestStatus.FAILED,
            reason,
            now,
            release=release,
        )
        DIGESTS.labels(channel.ref.platform, DeliveryOutcome.FAILED).inc()
        return Outcome(status, note=reason)
