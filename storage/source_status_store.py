"""The last fetch outcome of each paper source, so an empty digest can say one is down."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.channels import SourceProblem
from storage.database import session_scope
from storage.models import (
    SourceStatusRow,
)


class SqlSourceStatus:
    """Source health (:class:`bot.channels.SourceHealth`)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record_source_result(self, source: str, error: str | None, now: datetime) -> None:
        """Remember a fetch outcome so empty digests can name a source that is down."""
        with session_scope(self._engine) as session:
            row = session.get(SourceStatusRow, source) or SourceStatusRow(source=source)
            if error is None:
                row.last_ok_at = now
            else:
                row.last_error_at = now
                row.last_error = error
            session.add(row)

    def source_problem(self, since: datetime, sources: Sequence[str]) -> SourceProblem | None:
        """One of ``sources`` that failed since ``since`` and is still down, if any."""
        with session_scope(self._engine) as session:
            rows = session.exec(
                select(SourceStatusRow)
                .where(col(SourceStatusRow.source).in_(list(sources)))
                .order_by(col(SourceStatusRow.source))
            )
            for row in rows:
                failed_at = row.last_error_at
                if failed_at is None or failed_at < since:
                    continue
                if row.last_ok_at is not None and row.last_ok_at > failed_at:
                    continue  # recovered
                return SourceProblem(row.source, failed_at)
        return None
