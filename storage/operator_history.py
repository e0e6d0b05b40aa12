"""Channels, digests and what was posted where, read for the operator (:mod:`bot.operator.ports`).

Every query is bounded: by one channel and the paper ids asked about, or by a page size, so a
channel with a 10,000-delivery history answers as fast as a new one.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from bot.operator.ports import (
    ChannelOverview,
    ChannelPage,
    DigestPage,
    DigestRecord,
    PostedRecord,
)
from storage.channel_repository import _to_settings
from storage.database import session_scope
from storage.models import ChannelRow, DeliveryRow, DigestRow, SubscriptionRow

# Keeps an IN (...) list well under every driver's parameter limit.
_ID_CHUNK = 500


def aware(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class SqlOperatorHistory:
    """:class:`bot.operator.ports.OperatorHistory` on the channels, digests and deliveries
    tables; read-only."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def delivery_of(self, channel_pk: int, paper_id: str) -> PostedRecord | None:
        """The paper's delivery to the channel, with its digest when that is kept."""
        with session_scope(self._engine) as session:
            row = session.exec(
                select(DeliveryRow, DigestRow)
                .join(DigestRow, col(DigestRow.id) == col(DeliveryRow.digest_pk), isouter=True)
                .where(DeliveryRow.channel_pk == channel_pk, DeliveryRow.paper_id == paper_id)
            ).first()
        if row is None:
            return None
        delivery, digest = row
        return PostedRecord(
            paper_id=delivery.paper_id,
            delivered_at=aware(delivery.delivered_at),
            period_key=digest.period_key if digest else None,
            message_ref=digest.message_ref if digest else None,
            status=str(digest.status) if digest else None,
            note=digest.note if digest else None,
        )

    def delivered_among(self, channel_pk: int, paper_ids: Collection[str]) -> set[str]:
        """Which of ``paper_ids`` were already posted to the channel."""
        wanted = sorted(set(paper_ids))
        found: set[str] = set()
        with session_scope(self._engine) as session:
            for start in range(0, len(wanted), _ID_CHUNK):
                chunk = wanted[start : start + _ID_CHUNK]
                found.update(
                    session.exec(
                        select(DeliveryRow.paper_id).where(
                            DeliveryRow.channel_pk == channel_pk,
                            col(DeliveryRow.paper_id).in_(chunk),
                        )
                    )
                )
        return found

    def channel_page(
        self, *, paused_only: bool = False, limit: int = 100, after: int | None = None
    ) -> ChannelPage:
        """Up to ``limit`` channels in id order after ``after``, each with its topics, its
        latest digest and how many papers it was sent: four queries per page, whatever the
        number of channels or the length of their histories."""
        limit = max(1, limit)
        with session_scope(self._engine) as session:
            query = select(ChannelRow).order_by(col(ChannelRow.id)).limit(limit + 1)
            if paused_only:
                query = query.where(col(ChannelRow.paused_reason).is_not(None))
            if after is not None:
                query = query.where(col(ChannelRow.id) > after)
            rows = list(session.exec(query))
            more = len(rows) > limit
            rows = rows[:limit]
            pks = [row.id for row in rows if row.id is not None]
            subs = _subscriptions(session, pks)
            last = _latest_digests(session, pks)
            counts = dict(
                session.exec(
                    select(DeliveryRow.channel_pk, func.count())
                    .where(col(DeliveryRow.channel_pk).in_(pks))
                    .group_by(col(DeliveryRow.channel_pk))
                ).all()
            )
        overviews = tuple(
            ChannelOverview(
                channel=_to_settings(row, subs.get(row.id or 0, [])),
                last=last.get(row.id or 0),
                delivered=int(counts.get(row.id or 0, 0)),
            )
            for row in rows
        )
        return ChannelPage(overviews, after=pks[-1] if more and pks else None)

    def digest_page(
        self, channel_pk: int, *, limit: int = 20, before: int | None = None
    ) -> DigestPage:
        """Up to ``limit`` of the channel's digests, newest first (keyset on the row id, so
        page 500 of a 10,000-digest history costs what page 1 does)."""
        limit = max(1, limit)
        with session_scope(self._engine) as session:
            query = (
                select(DigestRow)
                .where(DigestRow.channel_pk == channel_pk)
                .order_by(col(DigestRow.id).desc())
                .limit(limit + 1)
            )
            if before is not None:
                query = query.where(col(DigestRow.id) < before)
            rows = list(session.exec(query))
        more = len(rows) > limit
        records = tuple(_record(row) for row in rows[:limit])
        return DigestPage(records, before=records[-1].cursor if more and records else None)


def _subscriptions(session: Session, pks: list[int]) -> dict[int, list[SubscriptionRow]]:
    found: dict[int, list[SubscriptionRow]] = {}
    if not pks:
        return found
    for sub in session.exec(
        select(SubscriptionRow)
        .where(col(SubscriptionRow.channel_pk).in_(pks))
        .order_by(col(SubscriptionRow.id))
    ):
        found.setdefault(sub.channel_pk, []).append(sub)
    return found


def _latest_digests(session: Session, pks: list[int]) -> dict[int, DigestRecord]:
    """Each channel's newest digest (highest id), in one query."""
    if not pks:
        return {}
    newest = (
        select(func.max(DigestRow.id))
        .where(col(DigestRow.channel_pk).in_(pks))
        .group_by(col(DigestRow.channel_pk))
    )
    rows = session.exec(select(DigestRow).where(col(DigestRow.id).in_(newest)))
    return {row.channel_pk: _record(row) for row in rows}


def _record(row: DigestRow) -> DigestRecord:
    assert row.id is not None
    return DigestRecord(
        cursor=row.id,
        period_key=row.period_key,
        status=str(row.status),
        attempts=row.attempts,
        created_at=aware(row.created_at),
        scheduled_for=aware(row.scheduled_for) if row.scheduled_for else None,
        posted_at=aware(row.posted_at) if row.posted_at else None,
        papers=tuple(row.planned_ids),
        note=row.note,
        message_ref=row.message_ref,
    )
