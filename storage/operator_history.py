"""What was posted where, read for the operator (:mod:`bot.operator.ports`).

Every query is bounded: by one channel and the paper ids asked about, or by a page size, so a
channel with a 10,000-delivery history answers as fast as a new one.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.operator.ports import PostedRecord
from storage.database import session_scope
from storage.models import DeliveryRow, DigestRow

# Keeps an IN (...) list well under every driver's parameter limit.
_ID_CHUNK = 500


def aware(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class SqlDeliveryHistory:
    """:class:`bot.operator.ports.DeliveryHistory` on the deliveries and digests tables."""

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
