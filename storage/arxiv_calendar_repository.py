"""The arXiv announcement calendar in the database (:class:`AnnouncementCalendar`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.sources.arxiv.calendar import AnnouncementRecord, AnnouncementStatus
from storage.arxiv_models import ArxivAnnouncementRow
from storage.database import session_scope


class SqlAnnouncementCalendar:
    """Announcement observations keyed by (category, day)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _write(self, record: AnnouncementRecord) -> None:
        with session_scope(self._engine) as session:
            row = session.get(ArxivAnnouncementRow, (record.category, record.day))
            now = datetime.now(UTC)
            if row is None:
                session.add(
                    ArxivAnnouncementRow(
                        category=record.category,
                        day=record.day,
                        status=record.status.value,
                        papers=record.papers,
                        checked_at=now,
                    )
                )
                return
            # A lagging feed may be empty after the listing showed papers: keep "announced".
            if record.status is AnnouncementStatus.ANNOUNCED:
                row.status = record.status.value
                row.papers = max(row.papers, record.papers)
            row.checked_at = now
            session.add(row)

    def record_announcement(self, record: AnnouncementRecord) -> None:
        """Store an observation; "announced" is never downgraded by a later empty feed."""
        try:
            self._write(record)
        except IntegrityError:  # another replica inserted the same day first: update it
            self._write(record)

    def announcement_status(self, category: str, day: date) -> AnnouncementStatus:
        """What we know about ``category`` on ``day``; ``unknown`` when never checked."""
        with session_scope(self._engine) as session:
            row = session.get(ArxivAnnouncementRow, (category, day))
            return AnnouncementStatus(row.status) if row else AnnouncementStatus.UNKNOWN
