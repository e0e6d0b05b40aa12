"""Votes, taste settings and the message → paper lookup: :class:`bot.taste.ports.VoteStore`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, case, column, delete, func, text
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from sqlmodel.sql.sqltypes import UTCDateTime

from bot.chat import ChannelRef
from bot.taste.ports import PaperVotes, TasteSettings
from bot.taste.signals import Direction
from storage.channel_repository import SqlChannelRepository
from storage.database import session_scope
from storage.models import DeliveryRow, DigestRow
from storage.taste_models import ChannelTasteRow, ThreadPostRow, VoteRow

_TASTE_SETTINGS = frozenset(
    {"taste_enabled", "followup_upvotes", "rollup_weekday", "rollup_time", "rollup_updated_at"}
)


class SqlVoteStore:
    """:class:`bot.taste.ports.VoteStore` on SQLModel (SQLite and PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record_vote(
        self,
        channel_pk: int,
        paper_id: str,
        user_id: str,
        signal: str,
        direction: Direction,
        now: datetime,
    ) -> None:
        """Replace the person's same signal on the paper (a new row: the watermark moves).

        Delete-then-insert in one transaction; two replicas storing the same signal at once
        collide on the unique key, and the loser's retry finds the winner's row to replace.
        """
        for attempt in range(3):
            try:
                with session_scope(self._engine) as session:
                    session.execute(
                        delete(VoteRow).where(
                            col(VoteRow.channel_pk) == channel_pk,
                            col(VoteRow.paper_id) == paper_id,
                            col(VoteRow.user_id) == user_id,
                            col(VoteRow.signal) == signal,
                        )
                    )
                    session.add(
                        VoteRow(
                            channel_pk=channel_pk,
                            paper_id=paper_id,
                            user_id=user_id,
                            signal=signal,
                            direction=direction.value,
                            created_at=now,
                        )
                    )
                return
            except Exception:
                if attempt == 2:
                    raise

    def retract_vote(self, channel_pk: int, paper_id: str, user_id: str, signal: str) -> bool:
        """Remove one signal; False when it was not there."""
        with session_scope(self._engine) as session:
            result = session.execute(
                delete(VoteRow).where(
                    col(VoteRow.channel_pk) == channel_pk,
                    col(VoteRow.paper_id) == paper_id,
                    col(VoteRow.user_id) == user_id,
                    col(VoteRow.signal) == signal,
                )
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]  # CursorResult

    def paper_votes(
        self,
        channel_pk: int,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        paper_ids: Sequence[str] | None = None,
    ) -> list[PaperVotes]:
        """Per paper: each person's latest signal decides their vote, counted once (only
        signals given in [start, end) when given: the roll-up's week).

        Tallied in SQL (a window function, SQLite ≥ 3.25 and PostgreSQL): retraining reads
        one row per paper, not one per signal.
        """
        window = "AND created_at >= :start " if start is not None else ""
        window += "AND created_at < :end " if end is not None else ""
        window += "AND paper_id IN :ids " if paper_ids is not None else ""
        statement = text(
            "SELECT paper_id, SUM(CASE WHEN direction = 'up' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN direction = 'down' THEN 1 ELSE 0 END), MAX(created_at) FROM ("
            "SELECT paper_id, direction, created_at, ROW_NUMBER() OVER ("
            "PARTITION BY paper_id, user_id ORDER BY created_at DESC, id DESC) AS latest "
            f"FROM votes WHERE channel_pk = :pk {window}) AS signals "
            "WHERE latest = 1 GROUP BY paper_id"
        ).columns(column("paper_id"), column("up"), column("down"), column("last", UTCDateTime))
        params: dict[str, object] = {"pk": channel_pk}
        if paper_ids is not None:
            statement = statement.bindparams(bindparam("ids", expanding=True))
            params["ids"] = list(paper_ids) or [""]
        for name, value in (("start", start), ("end", end)):
            if value is not None:  # typed, so SQLite compares it as the column stores it
                statement = statement.bindparams(bindparam(name, type_=UTCDateTime))
                params[name] = value
        with self._engine.connect() as connection:
            rows = connection.execute(statement, params).all()
        return [PaperVotes(str(pid), int(up), int(down), last) for pid, up, down, last in rows]

    def version(self, channel_pk: int) -> tuple[object, ...]:
        """(signals, up signals, highest row id, latest time): any vote, change or
        retraction moves it (SQLite may reuse a deleted row's id, hence not the id alone)."""
        with session_scope(self._engine) as session:
            up = case((col(VoteRow.direction) == Direction.UP.value, 1), else_=0)
            count, ups, top, latest = session.exec(
                select(
                    func.count(), func.sum(up), func.max(VoteRow.id), func.max(VoteRow.created_at)
                ).where(VoteRow.channel_pk == channel_pk)
            ).one()
            return int(count or 0), int(ups or 0), int(top or 0), str(latest)

    def forget(self, channel_pk: int) -> int:
        """Remove every vote of the channel."""
        with session_scope(self._engine) as session:
            result = session.execute(delete(VoteRow).where(col(VoteRow.channel_pk) == channel_pk))
            return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult

    def message_paper(self, channel: ChannelRef, message_ref: str) -> tuple[int, str] | None:
        """The one paper a message of ours names: a posted one-paper digest, or a
        follow-up in a paper's thread. Messages we did not post find nothing."""
        with session_scope(self._engine) as session:
            row = SqlChannelRepository._find(session, channel)  # one lookup rule
            if row is None or row.id is None:
                return None
            post = session.exec(
                select(ThreadPostRow.paper_id).where(
                    ThreadPostRow.channel_pk == row.id,
                    ThreadPostRow.message_ref == message_ref,
                    col(ThreadPostRow.paper_id).is_not(None),
                )
            ).first()
            if post:
                return row.id, post
            papers = session.exec(
                select(DeliveryRow.paper_id)
                .join(DigestRow, col(DigestRow.id) == col(DeliveryRow.digest_pk))
                .where(DigestRow.channel_pk == row.id, DigestRow.message_ref == message_ref)
                .limit(2)
            ).all()
            return (row.id, papers[0]) if len(papers) == 1 else None

    def taste_settings(self, channel_pk: int) -> TasteSettings:
        """The channel's taste settings, defaults when never set."""
        with session_scope(self._engine) as session:
            row = session.get(ChannelTasteRow, channel_pk)
            if row is None:
                return TasteSettings()
            return TasteSettings(
                taste_enabled=row.taste_enabled,
                followup_upvotes=row.followup_upvotes,
                rollup_weekday=row.rollup_weekday,
                rollup_time=row.rollup_time,
                rollup_updated_at=row.rollup_updated_at,
            )

    def update_taste_settings(self, channel_pk: int, **changes: object) -> None:
        """Change some of the channel's taste settings (creating its row when new)."""
        unknown = set(changes) - _TASTE_SETTINGS
        if unknown:
            raise ValueError(f"not taste settings: {sorted(unknown)}")
        with session_scope(self._engine) as session:
            row = session.get(ChannelTasteRow, channel_pk) or ChannelTasteRow(channel_pk=channel_pk)
            for name, value in changes.items():
                setattr(row, name, value)
            session.add(row)
