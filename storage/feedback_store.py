"""Button presses on posted papers, once per (user, paper, kind), in the database."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col

from bot.chat import ChannelRef
from storage.channel_store import SqlChannelStore
from storage.channel_store import dialect_insert as _insert
from storage.database import session_scope
from storage.models import (
    FeedbackRow,
)


class SqlFeedbackStore(SqlChannelStore):
    """Feedback presses per channel (it finds or creates the channel like the channel store)."""

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
