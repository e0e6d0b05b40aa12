"""Follow-ups and roll-ups as stored: :class:`bot.taste.ports.ThreadPosts` on SQLModel.

Claims, snapshots and posts share ``thread_posts``, unique on (channel, key): a claim is an
``INSERT … ON CONFLICT DO NOTHING`` that only one replica wins, as digests' claims are.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.chat import ChannelRef
from bot.taste.ports import (
    DeliveredPaper,
    LikedRow,
    PaperState,
    RollupChannel,
    TasteSettings,
)
from storage.database import session_scope
from storage.models import ChannelRow, DeliveryRow, DigestRow, PaperRow
from storage.taste_models import ChannelTasteRow, ThreadPostRow
from storage.vote_store import SqlVoteStore

_SNAPSHOT = "seen:"


def _ref(row: ChannelRow) -> ChannelRef:
    return ChannelRef(row.platform, row.channel_id, row.workspace_id, row.name)


class SqlThreadPosts:
    """:class:`bot.taste.ports.ThreadPosts` (SQLite and PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _insert(self) -> Any:
        """A dialect insert (both offer ``on_conflict_do_*``; their types differ, hence Any)."""
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(ThreadPostRow)

    def delivered_since(
        self, since: datetime, changed_since: datetime | None = None
    ) -> list[DeliveredPaper]:
        """Deliveries since ``since`` with the message that carried them, not paused; with
        ``changed_since``, only those delivered or whose paper was written since then."""
        statement = (
            select(ChannelRow, DeliveryRow.paper_id, DigestRow.message_ref, ChannelTasteRow)
            .join(DeliveryRow, col(DeliveryRow.channel_pk) == col(ChannelRow.id))
            .join(DigestRow, col(DigestRow.id) == col(DeliveryRow.digest_pk))
            .join(
                ChannelTasteRow,
                col(ChannelTasteRow.channel_pk) == col(ChannelRow.id),
                isouter=True,
            )
            .where(
                col(DeliveryRow.delivered_at) >= since,
                col(ChannelRow.paused_reason).is_(None),
                col(DigestRow.message_ref).is_not(None),
            )
            .order_by(col(DeliveryRow.id))
        )
        if changed_since is not None:
            statement = statement.join(
                PaperRow, col(PaperRow.arxiv_id) == col(DeliveryRow.paper_id)
            ).where(
                or_(
                    col(DeliveryRow.delivered_at) >= changed_since,
                    col(PaperRow.last_seen) >= changed_since,
                )
            )
        with session_scope(self._engine) as session:
            rows = session.exec(statement).all()
        return [
            DeliveredPaper(
                channel_pk=int(channel.id or 0),
                channel=_ref(channel),
                paper_id=paper_id,
                message_ref=str(message_ref),
                followup_upvotes=taste.followup_upvotes if taste is not None else None,
            )
            for channel, paper_id, message_ref, taste in rows
        ]

    def snapshots(self, channel_pk: int, paper_ids: list[str]) -> dict[str, PaperState]:
        """The last snapshot of each paper in the channel."""
        keys = [_SNAPSHOT + pid for pid in paper_ids]
        with session_scope(self._engine) as session:
            rows = session.exec(
                select(ThreadPostRow.key, ThreadPostRow.note).where(
                    ThreadPostRow.channel_pk == channel_pk, col(ThreadPostRow.key).in_(keys)
                )
            ).all()
        out: dict[str, PaperState] = {}
        for key, note in rows:
            data = json.loads(note or "{}")
            out[key.removeprefix(_SNAPSHOT)] = PaperState(
                bool(data.get("code")), int(data.get("version", 0)), int(data.get("upvotes", 0))
            )
        return out

    def save_snapshots(self, channel_pk: int, states: dict[str, PaperState]) -> None:
        """Insert or replace the papers' snapshots in the channel, in one transaction."""
        now = datetime.now(UTC)
        with session_scope(self._engine) as session:
            for paper_id, state in states.items():
                note = json.dumps(
                    {"code": state.has_code, "version": state.version, "upvotes": state.upvotes}
                )
                statement = self._insert().values(
                    channel_pk=channel_pk,
                    key=_SNAPSHOT + paper_id,
                    paper_id=None,
                    status="snapshot",
                    note=note,
                    created_at=now,
                )
                session.execute(
                    statement.on_conflict_do_update(
                        index_elements=["channel_pk", "key"], set_={"note": note}
                    )
                )

    def claim(
        self, channel_pk: int, key: str, paper_id: str | None, worker: str, now: datetime
    ) -> bool:
        """Insert the claim row; True only for the one replica whose insert went in."""
        statement = (
            self._insert()
            .values(
                channel_pk=channel_pk,
                key=key,
                paper_id=paper_id,
                status="claimed",
                claimed_by=worker,
                created_at=now,
            )
            .on_conflict_do_nothing()
            .returning(col(ThreadPostRow.id))
        )
        with session_scope(self._engine) as session:
            return session.execute(statement).first() is not None

    def finish(self, channel_pk: int, key: str, status: str, message_ref: str | None) -> None:
        """Record the outcome of a claimed post."""
        with session_scope(self._engine) as session:
            row = session.exec(
                select(ThreadPostRow).where(
                    ThreadPostRow.channel_pk == channel_pk, ThreadPostRow.key == key
                )
            ).one()
            row.status = status
            row.message_ref = message_ref
            session.add(row)

    def rollup_channels(self) -> list[RollupChannel]:
        """Channels with a roll-up, not paused."""
        with session_scope(self._engine) as session:
            rows = session.exec(
                select(ChannelRow, ChannelTasteRow)
                .join(ChannelTasteRow, col(ChannelTasteRow.channel_pk) == col(ChannelRow.id))
                .where(
                    col(ChannelTasteRow.rollup_weekday).is_not(None),
                    col(ChannelRow.paused_reason).is_(None),
                )
            ).all()
        return [
            RollupChannel(
                channel_pk=int(channel.id or 0),
                channel=_ref(channel),
                timezone=channel.timezone,
                settings=TasteSettings(
                    taste_enabled=taste.taste_enabled,
                    followup_upvotes=taste.followup_upvotes,
                    rollup_weekday=taste.rollup_weekday,
                    rollup_time=taste.rollup_time,
                    rollup_updated_at=taste.rollup_updated_at,
                ),
            )
            for channel, taste in rows
        ]

    def liked_between(self, channel_pk: int, start: datetime, end: datetime) -> list[LikedRow]:
        """Votes given in [start, end), tallied per paper, with the message that carried it."""
        tallies = SqlVoteStore(self._engine).paper_votes(channel_pk, start=start, end=end)
        with session_scope(self._engine) as session:
            refs = dict(
                session.exec(
                    select(DeliveryRow.paper_id, DigestRow.message_ref)
                    .join(DigestRow, col(DigestRow.id) == col(DeliveryRow.digest_pk))
                    .where(
                        DeliveryRow.channel_pk == channel_pk,
                        col(DeliveryRow.paper_id).in_([t.paper_id for t in tallies]),
                    )
                ).all()
            )
        return [LikedRow(t.paper_id, t.up, t.down, refs.get(t.paper_id)) for t in tallies]
