"""Digests, their claims and the deliveries they record, in the database.

The digest claim (see ``bot/digests/runner.py`` for the design, ``bot/digests/claims.py`` for
the policy) lives here because it is a database protocol: ``INSERT … ON CONFLICT DO NOTHING``
on the unique (channel, period) key to claim, and a compare-and-set ``UPDATE`` on the attempt
counter to take over a dead worker's claim. Both are single statements, atomic on SQLite and
PostgreSQL alike. Papers are reserved per unique (channel, paper) before posting.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, update
from sqlalchemy import select as sa_select  # sqlmodel's select types five columns badly
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.channels import (
    ChannelSettings,
    Claim,
    LastDigest,
    SeenElsewhere,
)
from bot.digests.claims import DEFAULT_POLICY, ClaimDecision, ClaimPolicy, DigestState
from bot.digests.status import DigestStatus
from storage.channel_store import dialect_insert as _insert
from storage.database import session_scope
from storage.digest_rows import compare_and_set, deliveries_for, insert_claim
from storage.models import (
    ChannelRow,
    DeliveryRow,
    DigestRow,
)


class SqlDigestStore:
    """Digests, claims and deliveries (:class:`bot.channels.DigestStore`)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def delivered_ids(self, channel_pk: int) -> set[str]:
        """Papers already posted to the channel."""
        with session_scope(self._engine) as session:
            return set(
                session.exec(
                    select(DeliveryRow.paper_id).where(DeliveryRow.channel_pk == channel_pk)
                )
            )

    def seen_elsewhere(
        self, channel: ChannelSettings, paper_ids: Sequence[str]
    ) -> dict[str, SeenElsewhere]:
        """Where else in the workspace each paper was already posted (latest)."""
        if not paper_ids:
            return {}
        # Only the latest delivery of each paper leaves the database: a paper posted in
        # thousands of channels of one workspace is one row, not thousands (issue 14.24).
        latest = (
            sa_select(
                col(DeliveryRow.paper_id).label("paper_id"),
                col(ChannelRow.name).label("name"),
                col(ChannelRow.channel_id).label("channel_id"),
                col(DeliveryRow.delivered_at).label("at"),
                func.row_number()
                .over(
                    partition_by=col(DeliveryRow.paper_id),
                    order_by=col(DeliveryRow.delivered_at).desc(),
                )
                .label("rank"),
            )
            .join(ChannelRow, col(ChannelRow.id) == col(DeliveryRow.channel_pk))
            .where(
                col(ChannelRow.platform) == channel.ref.platform,
                col(ChannelRow.workspace_id) == channel.ref.workspace_id,
                col(ChannelRow.id) != channel.pk,
                col(DeliveryRow.paper_id).in_(list(paper_ids)),
            )
            .subquery()
        )
        with session_scope(self._engine) as session:
            rows = session.execute(
                sa_select(latest.c.paper_id, latest.c.name, latest.c.channel_id, latest.c.at).where(
                    latest.c.rank == 1
                )
            ).all()
        found: dict[str, SeenElsewhere] = {}
        for paper_id, name, channel_id, at in rows:
            if paper_id not in found or found[paper_id].at < at:
                found[paper_id] = SeenElsewhere(channel=f"#{name or channel_id}", at=at)
        return found

    def last_digest(self, channel_pk: int) -> LastDigest | None:
        """The channel's most recent posted digest, if any."""
        with session_scope(self._engine) as session:
            row = session.exec(
                select(DigestRow)
                .where(DigestRow.channel_pk == channel_pk, col(DigestRow.posted_at).is_not(None))
                .order_by(col(DigestRow.posted_at).desc())
            ).first()
            if row is None:
                return None
            return LastDigest(
                row.period_key, DigestStatus(row.status), row.posted_at, len(row.planned_ids)
            )

    # -- the claim --------------------------------------------------------------------------

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
        """Own the (channel, period) digest, or None when ``policy`` says to leave it."""
        with session_scope(self._engine) as session:
            existing = session.exec(
                select(DigestRow).where(
                    DigestRow.channel_pk == channel_pk, DigestRow.period_key == period_key
                )
            ).first()
            if existing is None:
                return insert_claim(
                    session, self._engine, channel_pk, period_key, worker, now, scheduled_for
                )
            status = DigestStatus(existing.status)
            state = DigestState(status, existing.attempts, existing.claimed_at)
            decision = policy.decide(state, now)
            if decision is ClaimDecision.GIVE_UP:
                compare_and_set(
                    session, existing, status=DigestStatus.FAILED, note=policy.give_up_note()
                )
                return None
            if decision is not ClaimDecision.TAKE:
                return None
            # Read before the UPDATE: the ORM refreshes ``existing`` with the new values.
            digest_pk, planned = existing.id, tuple(existing.planned_ids)
            won = compare_and_set(
                session,
                existing,
                status=DigestStatus.CLAIMED,
                claimed_by=worker,
                claimed_at=now,
                attempts=existing.attempts + 1,
            )
            if not won:
                return None
            assert digest_pk is not None
            return Claim(
                digest_pk=digest_pk,
                period_key=period_key,
                recovering=status is DigestStatus.POSTING,
                planned_ids=planned,
            )

    def reserve_papers(
        self,
        digest_pk: int,
        channel_pk: int,
        worker: str,
        paper_ids: Sequence[str],
        now: datetime,
    ) -> list[str] | None:
        """Claim ``paper_ids`` in the channel for this digest right before posting.

        One transaction: the digest moves ``claimed`` → ``posting`` (compare-and-set on the
        worker; None when the claim was lost) and each paper gets its ``deliveries`` row,
        whose unique (channel, paper) key lets only one digest hold a paper — whichever path
        it came by (scheduled, ``/papers digest``, another replica). Returns the papers this
        digest holds, in the given order; a retried digest keeps what it held before and drops
        what it no longer plans.
        """
        with session_scope(self._engine) as session:
            won = session.execute(
                update(DigestRow)
                .where(
                    col(DigestRow.id) == digest_pk,
                    col(DigestRow.claimed_by) == worker,
                    col(DigestRow.status) == DigestStatus.CLAIMED,
                )
                .values(status=DigestStatus.POSTING, claimed_at=now)
                .returning(col(DigestRow.id))
            ).first()
            if won is None:
                return None
            wanted = list(dict.fromkeys(paper_ids))
            mine = deliveries_for(session, self._engine, digest_pk, channel_pk, wanted, now)
            held = [paper_id for paper_id in wanted if paper_id in mine]
            session.execute(
                update(DigestRow).where(col(DigestRow.id) == digest_pk).values(planned_ids=held)
            )
            return held

    def mark_posted(
        self,
        digest_pk: int,
        channel_pk: int,
        paper_ids: Sequence[str],
        message_ref: str,
        now: datetime,
    ) -> None:
        """Record the post and its deliveries in one transaction."""
        with session_scope(self._engine) as session:
            session.execute(
                update(DigestRow)
                .where(col(DigestRow.id) == digest_pk)
                .values(
                    status=DigestStatus.POSTED if paper_ids else DigestStatus.EMPTY,
                    posted_at=now,
                    message_ref=message_ref[:200],
                    planned_ids=list(paper_ids),
                )
            )
            session.execute(
                update(DeliveryRow)
                .where(col(DeliveryRow.digest_pk) == digest_pk)
                .values(delivered_at=now)
            )
            if paper_ids:  # a recovered digest may predate its reservations
                session.execute(
                    _insert(self._engine, DeliveryRow)
                    .values(
                        [
                            {
                                "channel_pk": channel_pk,
                                "paper_id": paper_id,
                                "digest_pk": digest_pk,
                                "delivered_at": now,
                            }
                            for paper_id in paper_ids
                        ]
                    )
                    .on_conflict_do_nothing()
                )

    def mark_finished(
        self,
        digest_pk: int,
        status: DigestStatus,
        note: str | None,
        now: datetime,
        *,
        release: bool = True,
    ) -> None:
        """Record an outcome without a post: skipped, retry or failed. ``release`` gives the
        digest's reserved papers back (the platform refused the post, so they were not seen);
        False keeps them when nobody can tell whether the post reached the channel."""
        with session_scope(self._engine) as session:
            session.execute(
                update(DigestRow)
                .where(col(DigestRow.id) == digest_pk)
                .values(status=status, note=note, claimed_at=now)
            )
            if release:
                session.execute(delete(DeliveryRow).where(col(DeliveryRow.digest_pk) == digest_pk))
