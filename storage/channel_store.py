"""Channels and the topics they follow, in the database (``bot.channels`` values).

One channel, one row: a reference typed without its workspace finds the platform's row, and a
reference that could mean channels in several workspaces is refused (``AmbiguousChannel``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.channels import (
    DEFAULTS,
    AmbiguousChannel,
    ChannelSettings,
    NoChannel,
    SettingsChange,
    Subscription,
)
from bot.chat import ChannelRef
from bot.digests.schedule import ScheduleSpec, next_slot
from bot.digests.status import FINISHED
from storage.database import session_scope
from storage.models import (
    ChannelRow,
    DigestRow,
    SubscriptionRow,
)


def dialect_insert(engine: Engine, table: Any) -> Any:
    """A dialect insert that supports ``on_conflict_do_nothing`` (SQLite and PostgreSQL)."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


class SqlChannelStore:
    """Channels, their settings and topics (:class:`bot.channels.ChannelStore`)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

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
        if len(loose) > 1:
            raise AmbiguousChannel(ref, [_ref_of(row) for row in loose])
        return loose[0] if loose else None

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
        if not ref.channel_id:  # a DM or App Home interaction: never an empty channel row
            raise NoChannel()
        row = self._find(session, ref)
        if row is None:
            stmt = (
                dialect_insert(self._engine, ChannelRow)
                .values(
                    platform=ref.platform,
                    workspace_id=ref.workspace_id,
                    channel_id=ref.channel_id,
                    name=ref.name,
                    schedule=DEFAULTS.schedule.kind,
                    schedule_time=f"{DEFAULTS.schedule.at:%H:%M}",
                    timezone=DEFAULTS.schedule.timezone,
                    max_papers=DEFAULTS.max_papers,
                    min_upvotes=DEFAULTS.min_upvotes,
                    window_days=DEFAULTS.window_days,
                    empty_mode=DEFAULTS.empty_mode,
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
        """Subscribe; False when the channel already follows this topic (in any case: the
        table's unique index is on the lower-cased text, so a race cannot store both)."""
        with session_scope(self._engine) as session:
            row = self._ensure(session, ref, now)
            inserted = session.execute(
                dialect_insert(self._engine, SubscriptionRow)
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
            upcoming = next_slot(spec, now)
            row.next_due_at = upcoming.due_at if upcoming else None
            session.add(row)

    def update_settings(self, ref: ChannelRef, now: datetime, change: SettingsChange) -> None:
        """Apply ``change``: only the settings it names are written."""
        with session_scope(self._engine) as session:
            row = self._ensure(session, ref, now)
            for key, value in change.changed().items():
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

    def scheduled_channels(self, due_by: datetime | None = None) -> list[ChannelSettings]:
        """Channels with a schedule, not paused, following at least one topic — only those
        whose next slot has come by ``due_by`` when given (an indexed read: an idle tick at
        10,000 channels reads nothing)."""
        wanted = and_(col(ChannelRow.schedule) != "off", col(ChannelRow.paused_reason).is_(None))
        if due_by is not None:
            due = col(ChannelRow.next_due_at)
            wanted = and_(wanted, or_(due.is_(None), due <= due_by))
        with session_scope(self._engine) as session:
            rows = session.exec(select(ChannelRow).where(wanted)).all()
            by_pk = {row.id: row for row in rows}
            subs: dict[int, list[SubscriptionRow]] = {}
            if by_pk:
                for sub in session.exec(
                    select(SubscriptionRow)
                    .where(
                        col(SubscriptionRow.channel_pk).in_(
                            select(col(ChannelRow.id)).where(wanted)
                        )
                    )
                    .order_by(col(SubscriptionRow.id))
                ):
                    subs.setdefault(sub.channel_pk, []).append(sub)
            return [_to_settings(row, subs[pk]) for pk, row in by_pk.items() if pk in subs]

    def set_next_due(
        self, channel_pk: int, next_due_at: datetime | None, *, after_period: str | None = None
    ) -> None:
        """Record when the channel's next slot comes, so ticks before it skip the channel.
        With ``after_period``, only once that period's digest is finished (a retry or a live
        claim elsewhere keeps the channel due; whichever worker finishes moves it on)."""
        stmt = update(ChannelRow).where(col(ChannelRow.id) == channel_pk)
        if after_period is not None:
            finished = select(col(DigestRow.id)).where(
                col(DigestRow.channel_pk) == channel_pk,
                col(DigestRow.period_key) == after_period,
                col(DigestRow.status).in_([str(s) for s in FINISHED]),
            )
            stmt = stmt.where(finished.exists())
        with session_scope(self._engine) as session:
            session.execute(stmt.values(next_due_at=next_due_at))

    def subscribed_texts(self) -> list[str]:
        """Every distinct topic any channel follows (the fetch loop reads their categories)."""
        with session_scope(self._engine) as session:
            return sorted(set(session.exec(select(SubscriptionRow.query))))


def _ref_of(row: ChannelRow) -> ChannelRef:
    return ChannelRef(
        platform=row.platform,
        channel_id=row.channel_id,
        workspace_id=row.workspace_id,
        name=row.name,
    )


def _to_settings(row: ChannelRow, subs: Sequence[SubscriptionRow]) -> ChannelSettings:
    hour, minute = (int(part) for part in row.schedule_time.split(":"))
    assert row.id is not None
    return ChannelSettings(
        pk=row.id,
        ref=_ref_of(row),
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
