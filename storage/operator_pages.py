"""What the operator web page shows beyond :mod:`storage.operator_history` (channels and
digests, shared with the CLI): sources' health, the papers a channel received, and when its
papers and votes came, for the weekly chart.

Every query is bounded — by one channel and a page, or by a few weeks — so a channel with a
10,000-row history renders as fast as a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from storage.database import session_scope
from storage.models import DeliveryRow, DigestRow, PaperRow, SourceStatusRow
from storage.taste_models import VoteRow


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; they were stored in UTC."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """A paper source's last good fetch and last failure (the failure's message is ours)."""

    source: str
    last_ok_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None

    @property
    def healthy(self) -> bool:
        """Whether its latest outcome was a success."""
        if self.last_error_at is None:
            return self.last_ok_at is not None
        return self.last_ok_at is not None and self.last_ok_at > self.last_error_at


@dataclass(frozen=True, slots=True)
class DeliveryEntry:
    """A paper posted to the channel, with the digest that carried it (when still kept)."""

    paper_id: str
    title: str
    delivered_at: datetime | None
    period_key: str | None


def source_health(engine: Engine) -> list[SourceHealth]:
    """Every source that ever reported a fetch, by name."""
    with session_scope(engine) as session:
        rows = session.exec(select(SourceStatusRow).order_by(col(SourceStatusRow.source))).all()
        return [
            SourceHealth(
                r.source, _aware(r.last_ok_at), _aware(r.last_error_at), r.last_error or None
            )
            for r in rows
        ]


def delivery_page(
    engine: Engine, channel_pk: int, *, offset: int, limit: int
) -> tuple[int, list[DeliveryEntry]]:
    """How many papers the channel received, and one page of them, newest first."""
    with session_scope(engine) as session:
        total = session.exec(
            select(func.count())
            .select_from(DeliveryRow)
            .where(DeliveryRow.channel_pk == channel_pk)
        ).one()
        rows = session.exec(
            select(DeliveryRow, PaperRow.title, DigestRow.period_key)
            .join(PaperRow, col(PaperRow.arxiv_id) == col(DeliveryRow.paper_id), isouter=True)
            .join(DigestRow, col(DigestRow.id) == col(DeliveryRow.digest_pk), isouter=True)
            .where(DeliveryRow.channel_pk == channel_pk)
            .order_by(col(DeliveryRow.delivered_at).desc(), col(DeliveryRow.id).desc())
            .offset(offset)
            .limit(limit)
        ).all()
        entries = [
            DeliveryEntry(d.paper_id, title or "", _aware(d.delivered_at), key)
            for d, title, key in rows
        ]
        return int(total), entries


def activity_since(
    engine: Engine, channel_pk: int, since: datetime
) -> tuple[list[datetime], list[datetime]]:
    """When each paper was delivered and each vote was cast in the channel since ``since``."""
    with session_scope(engine) as session:
        delivered = session.exec(
            select(DeliveryRow.delivered_at).where(
                DeliveryRow.channel_pk == channel_pk, col(DeliveryRow.delivered_at) >= since
            )
        ).all()
        votes = session.exec(
            select(VoteRow.created_at).where(
                VoteRow.channel_pk == channel_pk, col(VoteRow.created_at) >= since
            )
        ).all()
    return [t for t in map(_aware, delivered) if t], [t for t in map(_aware, votes) if t]


def weeks_before(now: datetime, weeks: int) -> datetime:
    """The Monday 00:00 UTC that starts the first of the last ``weeks`` weeks."""
    monday = (now.astimezone(UTC) - timedelta(days=now.astimezone(UTC).weekday())).date()
    start = monday - timedelta(weeks=weeks - 1)
    return datetime(start.year, start.month, start.day, tzinfo=UTC)
