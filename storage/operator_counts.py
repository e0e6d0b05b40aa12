"""Read-only counts behind the operator's gauges (``bot/metrics.py``), in one round trip
each; plain values leave this module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from storage.database import session_scope
from storage.models import ChannelRow, PaperRow, SourceStatusRow


@dataclass(frozen=True)
class OperatorCounts:
    """What the gauges show: papers, paused channels by platform, last good fetch by source."""

    papers: int
    paused_channels: dict[str, int]
    last_fetch_ok: dict[str, datetime]


def read_operator_counts(engine: Engine) -> OperatorCounts:
    """The counts as the database has them now (shared by every replica)."""
    with session_scope(engine) as session:
        papers = session.exec(select(func.count()).select_from(PaperRow)).one()
        paused = session.exec(
            select(col(ChannelRow.platform), func.count())
            .where(col(ChannelRow.paused_reason).is_not(None))
            .group_by(col(ChannelRow.platform))
        ).all()
        sources = session.exec(
            select(col(SourceStatusRow.source), col(SourceStatusRow.last_ok_at)).where(
                col(SourceStatusRow.last_ok_at).is_not(None)
            )
        ).all()
    return OperatorCounts(
        papers=int(papers),
        paused_channels={platform: int(count) for platform, count in paused},
        last_fetch_ok={source: _aware(when) for source, when in sources if when is not None},
    )


def _aware(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
