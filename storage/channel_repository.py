"""Channels, subscriptions, digests and deliveries in the database (``bot.channels`` values).

The digest claim (see ``bot/digests/runner.py`` for the design) lives here because it is a
database protocol: ``INSERT … ON CONFLICT DO NOTHING`` on the unique (channel, period) key to
claim, and a compare-and-set ``UPDATE`` on the attempt counter to take over a dead worker's
claim. Both are single statements, atomic on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.channels import (
    ChannelSettings,
    Claim,
    LastDigest,
    SeenElsewhere,
    Subscription,
)
from bot.chat import ChannelRef
from bot.digests.schedule import ScheduleSpec
from bot.digests.status import FINISHED, DigestStatus
from storage.database import session_scope
from storage.models import (
    ChannelRow,
    DeliveryRow,
    DigestRow,
    FeedbackRow,
    SourceStatusRow,
    SubscriptionRow,
)

MAX_ATTEMPTS = 5
# A failed attempt (throttled, platform down) is tried again only after this wait, doubling
# per attempt and capped by the lease: the next tick must not hit a platform that just said
# "Retry-After" (the retry handler's own retries have been used up by then).
RETRY_BACKOFF_SECONDS = 5.0
_SETTINGS = frozenset({"max_papers", "min_upvotes", "window_days", "empty_mode"})


def _insert(engine: Engine, table: Any) -> Any:
    """A dialect insert that supports ``on_conflict_do_nothing`` (SQLite and PostgreSQL)."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


class SqlChannelRepository:
    """:class:`bot.channels.ChannelRepository` on SQLModel."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # -- channels ---------------------------------------------------------------------------

    @staticmethod
    def _find(session: Session, ref: ChannelRef) -> ChannelRow | None:
        """The channel's row; an exact match first.

        Slack and Discord channel ids are unique on their own, so a reference without its
        workspace (``discord:123`` typed on the CLI) finds the row the platform created
        (``discord:9/123``) and the other way round — one channel, one row, one digest.
        """
        rows = session.exec(
            select(ChannelRow).where(
                ChannelRow.platform == ref.platform, ChannelRow.channel_id == ref.channel_id
            )
        ).all()
        for row in rows:
            if row.workspace_id == ref.workspace_id:
                return row
        loose = [row for row in rows if not row.workspace_id or not ref.workspace_id]
        return loose[0] if len(loose) == 1 else None

    @staticmethod
    def _settings(session: Session, row: ChannelRow) -> ChannelSettings:
        subs = session.exec(
            select(SubscriptionRow)
            .where(SubscriptionRow.channel_pk == row.id)
            .order_by(col(SubscriptionRow.id))
        ).all()
        return _to_settings(row, subs)

    def get_channel(self, ref: ChannelRef) -> ChannelSettings | None:
        """The channel, or None when nothing was ever stored for it."""
        with session_scope(self._engine) as session:
            row = self._find(session, ref)
            return self._settings(session, row) if row else None

    def _ensure(self, session: Session, ref: ChannelRef, now: datetime) -> ChannelRow:
        row = self._find(session, ref)
        if row is None:
            stmt = (
                _insert(self._engine, ChannelRow)
                .values(
                    platform=ref.platform,
                    workspace_id=ref.workspace_id,
                    channel_id=ref.channel_id,
                    name=ref.name,
                    schedule="off",
                    schedule_time="09:00",
                    timezone="UTC",
                    max_papers=5,
                    window_days=14,
                    empty_mode="explain",
                    created_at=now,
                )
                .on_conflict_do_nothing()
            )
            session.execute(stmt)  # a replica creating the same channel at once is fine
            row = self._find(session, ref)
            assert row is not None
        else:
            if ref.workspace_id and not row.workspace_id:
                row.workspace_id = ref.workspace_id  # learnt from the platform's own payload
            if ref.name and row.name != ref.name:
                row.name = ref.name
            session.add(row)
        return row

    def ensure_channel(self, ref: ChannelRef, now: datetime) -> ChannelSettings:
        """The channel, created with default settings if new (its name kept current)."""
        with session_scope(self._engine) as session:
            return self._settings(session, self._ensure(session, ref, now))

    def add_topic(self, ref: ChannelRef, text: str, now: datetime) -> bool:
        """Subscribe; False when the channel already follows exactly this topic."""
        with session_scope(self._engine) as session:
            row = self._ensure(session, ref, now)
            inserted = session.execute(
                _insert(self._engine, SubscriptionRow)
                .values(channel_pk=row.id, query=text, options={}, created_at=now)
                .on_conflict_do_nothing()
                .returning(col(SubscriptionRow.id))
            ).first()
            return inserted is not None

    def remove_topic(self, ref: ChannelRef, text: str) -> bool:
        """Unsubscribe; False when the channel does not follow it."""
        with session_scope(self._engine) as session:
            row = self._find(session, ref)
            if row is None:
                return False
            sub = session.exec(
                select(SubscriptionRow).where(
                    SubscriptionRow.channel_pk == row.id,
                    func.lower(SubscriptionRow.query) == text.lower(),
                )
            ).first()
            if sub is None:
                return False
            session.delete(sub)
            return True

    def set_schedule(self, ref: ChannelRef, spec: ScheduleSpec, now: datetime) -> None:
        """Store a new schedule and when it changed (old slots are never caught up)."""
        with session_scope(self._engine) as session:
            row = self._ensure(session, ref, now)
            row.schedule = spec.kind
            row.schedule_time = f"{spec.at:%H:%M}"
            row.schedule_weekday = spec.weekday
            row.timezone = spec.timezone
            row.schedule_updated_at = now
            session.add(row)

    def update_settings(self, ref: ChannelRef, now: datetime, **changes: object) -> None:
        """Change max_papers, min_upvotes, window_days or empty_mode."""
        unknown = set(changes) - _SETTINGS
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}")
        with session_scope(self._engine) as session:
            row = self._ensure(session, ref, now)
            for key, value in changes.items():
                setattr(row, key, value)
            session.add(row)

    def set_paused(self, ref: ChannelRef, reason: str | None, now: datetime) -> None:
        """Pause (reason given) or resume (None) a channel."""
        with session_scope(self._engine) as session:
            row = self._ensure(session, ref, now)
            row.paused_reason = reason
            row.paused_at = now if reason else None
            session.add(row)

    def pause_workspace(self, platform: str, workspace_id: str, reason: str, now: datetime) -> int:
        """Pause every channel of a workspace; return how many."""
        with session_scope(self._engine) as session:
            result = session.execute(
                update(ChannelRow)
                .where(
                    col(ChannelRow.platform) == platform,
                    col(ChannelRow.workspace_id) == workspace_id,
                )
                .values(paused_reason=reason, paused_at=now)
                .returning(col(ChannelRow.id))
            ).all()
            return len(result)

    def scheduled_channels(self) -> list[ChannelSettings]:
        """Channels with a schedule, not paused, following at least one topic."""
        with session_scope(self._engine) as session:
            rows = session.exec(
                select(ChannelRow).where(
                    ChannelRow.schedule != "off", col(ChannelRow.paused_reason).is_(None)
                )
            ).all()
            by_pk = {row.id: row for row in rows}
            subs: dict[int, list[SubscriptionRow]] = {}
            if by_pk:
                for sub in session.exec(
                    select(SubscriptionRow)
                    .where(col(SubscriptionRow.channel_pk).in_(list(by_pk)))
                    .order_by(col(SubscriptionRow.id))
                ):
                    subs.setdefault(sub.channel_pk, []).append(sub)
            return [_to_settings(row, subs[pk]) for pk, row in by_pk.items() if pk in subs]

    def subscribed_texts(self) -> list[str]:
        """Every distinct topic any channel follows (the fetch loop reads their categories)."""
        with session_scope(self._engine) as session:
            return sorted(set(session.exec(select(SubscriptionRow.query))))

    # -- deliveries -------------------------------------------------------------------------

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
        with session_scope(self._engine) as session:
            rows = session.exec(
                select(
                    DeliveryRow.paper_id,
                    ChannelRow.name,
                    ChannelRow.channel_id,
                    DeliveryRow.delivered_at,
                )
                .join(ChannelRow, col(ChannelRow.id) == col(DeliveryRow.channel_pk))
                .where(
                    ChannelRow.platform == channel.ref.platform,
                    ChannelRow.workspace_id == channel.ref.workspace_id,
                    ChannelRow.id != channel.pk,
                    col(DeliveryRow.paper_id).in_(list(paper_ids)),
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
        lease_seconds: float,
        scheduled_for: datetime | None,
    ) -> Claim | None:
        """Own the (channel, period) digest, or None when done or owned by a live worker."""
        with session_scope(self._engine) as session:
            existing = session.exec(
                select(DigestRow).where(
                    DigestRow.channel_pk == channel_pk, DigestRow.period_key == period_key
                )
            ).first()
            if existing is None:
                inserted = session.execute(
                    _insert(self._engine, DigestRow)
                    .values(
                        channel_pk=channel_pk,
                        period_key=period_key,
                        status=DigestStatus.CLAIMED,
                        attempts=1,
                        claimed_by=worker,
                        claimed_at=now,
                        scheduled_for=scheduled_for,
                        planned_ids=[],
                        created_at=now,
                    )
                    .on_conflict_do_nothing()
                    .returning(col(DigestRow.id))
                ).first()
                return Claim(digest_pk=inserted[0], period_key=period_key) if inserted else None
            if existing.status in FINISHED:
                return None
            stale = existing.claimed_at is None or existing.claimed_at < now - timedelta(
                seconds=lease_seconds
            )
            if existing.status in (DigestStatus.CLAIMED, DigestStatus.POSTING) and not stale:
                return None
            if existing.status == DigestStatus.RETRY and existing.attempts >= MAX_ATTEMPTS:
                existing.status = DigestStatus.FAILED
                session.add(existing)
                return None
            if existing.status == DigestStatus.RETRY and not _backed_off(
                existing, now, lease_seconds
            ):
                return None
            # Read before the UPDATE: the ORM refreshes ``existing`` with the new values.
            digest_pk, was_posting = existing.id, existing.status == DigestStatus.POSTING
            planned = tuple(existing.planned_ids)
            won = session.execute(
                update(DigestRow)
                .where(
                    and_(
                        col(DigestRow.id) == existing.id,
                        col(DigestRow.attempts) == existing.attempts,
                        col(DigestRow.status) == existing.status,
                    )
                )
                .values(
                    status=DigestStatus.CLAIMED,
                    claimed_by=worker,
                    claimed_at=now,
                    attempts=existing.attempts + 1,
                )
                .returning(col(DigestRow.id))
            ).first()
            if won is None:
                return None
            assert digest_pk is not None
            return Claim(
                digest_pk=digest_pk,
                period_key=period_key,
                recovering=was_posting,
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
            if wanted:
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
                            for paper_id in wanted
                        ]
                    )
                    .on_conflict_do_nothing()
                )
            mine = set(
                session.exec(select(DeliveryRow.paper_id).where(DeliveryRow.digest_pk == digest_pk))
            )
            dropped = mine - set(wanted)
            if dropped:
                session.execute(
                    delete(DeliveryRow).where(
                        col(DeliveryRow.digest_pk) == digest_pk,
                        col(DeliveryRow.paper_id).in_(sorted(dropped)),
                    )
                )
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

    # -- feedback and sources ---------------------------------------------------------------

    def record_feedback(
        self, ref: ChannelRef, paper_id: str, user_id: str, kind: str, now: datetime
    ) -> bool:
        """Store a button press once per (user, paper, kind); False if already stored."""
        with session_scope(self._engine) as session:
            row = self._ensure(session, ref, now)
            inserted = session.execute(
                _insert(self._engine, FeedbackRow)
                .values(
                    channel_pk=row.id, paper_id=paper_id, user_id=user_id, kind=kind, created_at=now
                )
                .on_conflict_do_nothing()
                .returning(col(FeedbackRow.id))
            ).first()
            return inserted is not None

    def feedback_counts(self, ref: ChannelRef) -> dict[tuple[str, str], int]:
        """(paper id, kind) → number of presses in the channel."""
        with session_scope(self._engine) as session:
            row = self._find(session, ref)
            if row is None:
                return {}
            rows = session.exec(
                select(FeedbackRow.paper_id, FeedbackRow.kind, func.count())
                .where(FeedbackRow.channel_pk == row.id)
                .group_by(col(FeedbackRow.paper_id), col(FeedbackRow.kind))
            ).all()
            return {(paper_id, kind): int(count) for paper_id, kind, count in rows}

    def record_source_result(self, source: str, error: str | None, now: datetime) -> None:
        """Remember a fetch outcome so empty digests can name a source that is down."""
        with session_scope(self._engine) as session:
            row = session.get(SourceStatusRow, source) or SourceStatusRow(source=source)
            if error is None:
                row.last_ok_at = now
            else:
                row.last_error_at = now
                row.last_error = error
            session.add(row)

    def source_problem(self, since: datetime, sources: Sequence[str]) -> str | None:
        """A sentence naming one of ``sources`` that failed since ``since`` and is still down."""
        with session_scope(self._engine) as session:
            rows = session.exec(
                select(SourceStatusRow)
                .where(col(SourceStatusRow.source).in_(list(sources)))
                .order_by(col(SourceStatusRow.source))
            )
            for row in rows:
                failed = row.last_error_at is not None and row.last_error_at >= since
                recovered = (
                    row.last_ok_at is not None
                    and row.last_error_at is not None
                    and (row.last_ok_at > row.last_error_at)
                )
                if failed and not recovered:
                    assert row.last_error_at is not None
                    return (
                        f"{row.source} could not be reached "
                        f"(last tried {row.last_error_at:%a %H:%M} UTC)."
                    )
        return None


def _backed_off(row: DigestRow, now: datetime, lease_seconds: float) -> bool:
    """Whether a digest that failed transiently has waited long enough to be tried again."""
    wait = min(lease_seconds, RETRY_BACKOFF_SECONDS * 2 ** max(0, row.attempts - 1))
    return row.claimed_at is None or row.claimed_at <= now - timedelta(seconds=wait)


def _to_settings(row: ChannelRow, subs: Sequence[SubscriptionRow]) -> ChannelSettings:
    hour, minute = (int(part) for part in row.schedule_time.split(":"))
    assert row.id is not None
    return ChannelSettings(
        pk=row.id,
        ref=ChannelRef(
            platform=row.platform,
            channel_id=row.channel_id,
            workspace_id=row.workspace_id,
            name=row.name,
        ),
        schedule=ScheduleSpec(
            kind=row.schedule,
            at=time(hour, minute),
            weekday=row.schedule_weekday,
            timezone=row.timezone,
        ),
        schedule_updated_at=row.schedule_updated_at,
        max_papers=row.max_papers,
        min_upvotes=row.min_upvotes,
        window_days=row.window_days,
        empty_mode=row.empty_mode,
        paused_reason=row.paused_reason,
        topics=tuple(Subscription(position=i, text=s.query) for i, s in enumerate(subs, 1)),
    )
