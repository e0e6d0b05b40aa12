"""What the operator web page shows, read from the database as plain values.

Every query is bounded — by one channel and a page, or by a few weeks — so a channel with a
10,000-row history renders as fast as a new one. Votes are the 👍/👎/"more" presses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from bot.chat import ChannelRef
from storage.database import session_scope
from storage.models import (
    ChannelRow,
    DeliveryRow,
    DigestRow,
    FeedbackRow,
    PaperRow,
    SourceStatusRow,
    SubscriptionRow,
)


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
class ChannelSummary:
    """One row of the channels table."""

    pk: int
    ref: ChannelRef
    schedule: str
    schedule_time: str
    timezone: str
    topics: int
    paused_reason: str | None
    paused_at: datetime | None
    last_status: str | None
    last_at: datetime | None
    delivered: int


@dataclass(frozen=True, slots=True)
class DeliveryEntry:
    """A paper posted to the channel, with the digest that carried it (when still kept)."""

    paper_id: str
    title: str
    delivered_at: datetime | None
    period_key: str | None


@dataclass(frozen=True, slots=True)
class DigestEntry:
    """One digest of the channel: its key, status, attempts, papers and note."""

    period_key: str
    status: str
    attempts: int
    at: datetime | None
    papers: int
    note: str | None


@dataclass(frozen=True, slots=True)
class VoteTally:
    """A paper's presses in the channel by kind (up, down, more)."""

    paper_id: str
    title: str
    up: int
    down: int
    more: int


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


def channel_summaries(engine: Engine, *, paused_only: bool = False) -> list[ChannelSummary]:
    """Every channel with its topic count, last digest and number of papers delivered."""
    with session_scope(engine) as session:
        query = select(ChannelRow)
        if paused_only:
            query = query.where(col(ChannelRow.paused_reason).is_not(None))
        channels = session.exec(query.order_by(col(ChannelRow.id))).all()
        topics = dict(
            session.exec(
                select(col(SubscriptionRow.channel_pk), func.count()).group_by(
                    col(SubscriptionRow.channel_pk)
                )
            ).all()
        )
        delivered = dict(
            session.exec(
                select(col(DeliveryRow.channel_pk), func.count()).group_by(
                    col(DeliveryRow.channel_pk)
                )
            ).all()
        )
        latest = session.exec(
            select(col(DigestRow.channel_pk), func.max(col(DigestRow.id))).group_by(
                col(DigestRow.channel_pk)
            )
        ).all()
        last_ids = [digest_id for _, digest_id in latest]
        last = {
            row.channel_pk: row
            for row in session.exec(select(DigestRow).where(col(DigestRow.id).in_(last_ids)))
        }
        summaries = []
        for row in channels:
            assert row.id is not None
            digest = last.get(row.id)
            summaries.append(
                ChannelSummary(
                    pk=row.id,
                    ref=ChannelRef(row.platform, row.channel_id, row.workspace_id, row.name),
                    schedule=row.schedule,
                    schedule_time=row.schedule_time,
                    timezone=row.timezone,
                    topics=int(topics.get(row.id, 0)),
                    paused_reason=row.paused_reason,
                    paused_at=_aware(row.paused_at),
                    last_status=digest.status if digest else None,
                    last_at=_aware(digest.posted_at or digest.created_at) if digest else None,
                    delivered=int(delivered.get(row.id, 0)),
                )
            )
        return summaries


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


def recent_digests(engine: Engine, channel_pk: int, *, limit: int = 10) -> list[DigestEntry]:
    """The channel's latest digests, newest first."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(DigestRow)
            .where(DigestRow.channel_pk == channel_pk)
            .order_by(col(DigestRow.id).desc())
            .limit(limit)
        ).all()
        return [
            DigestEntry(
                r.period_key,
                r.status,
                r.attempts,
                _aware(r.posted_at or r.claimed_at or r.created_at),
                len(r.planned_ids),
                r.note,
            )
            for r in rows
        ]


def vote_tallies(engine: Engine, channel_pk: int, *, limit: int = 10) -> list[VoteTally]:
    """The channel's most pressed papers (up, then more, then down)."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(FeedbackRow.paper_id, FeedbackRow.kind, func.count())
            .where(FeedbackRow.channel_pk == channel_pk)
            .group_by(col(FeedbackRow.paper_id), col(FeedbackRow.kind))
        ).all()
        counts: dict[str, dict[str, int]] = {}
        for paper_id, kind, count in rows:
            counts.setdefault(paper_id, {})[kind] = int(count)
        best = sorted(
            counts.items(),
            key=lambda item: (-item[1].get("up", 0), -item[1].get("more", 0), item[0]),
        )[:limit]
        titles = _titles(session, [paper_id for paper_id, _ in best])
        return [
            VoteTally(pid, titles.get(pid, ""), c.get("up", 0), c.get("down", 0), c.get("more", 0))
            for pid, c in best
        ]


def _titles(session: Session, ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {}
    found = session.exec(
        select(PaperRow.arxiv_id, PaperRow.title).where(col(PaperRow.arxiv_id).in_(list(ids)))
    ).all()
    return dict(found)


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
            select(FeedbackRow.created_at).where(
                FeedbackRow.channel_pk == channel_pk, col(FeedbackRow.created_at) >= since
            )
        ).all()
    return [t for t in map(_aware, delivered) if t], [t for t in map(_aware, votes) if t]


def weeks_before(now: datetime, weeks: int) -> datetime:
    """The Monday 00:00 UTC that starts the first of the last ``weeks`` weeks."""
    monday = (now.astimezone(UTC) - timedelta(days=now.astimezone(UTC).weekday())).date()
    start = monday - timedelta(weeks=weeks - 1)
    return datetime(start.year, start.month, start.day, tzinfo=UTC)
