"""The last fetch outcome of each paper source, so an empty digest can say one is down."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

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

    def source_problem(self, since: datetime, sources: Sequence[str]) -> str | None:
        """A sentence naming one of ``sources`` that failed since ``since`` and is still down."""
        with session_scope(self._engine) as session:
            rows = session.exec(
                select(SourceStatusRow)
                .where(col(SourceStatusRow.source).in_(list(sources)))
                .order_by(col(SourceStatusRow.source))
            )
            for row in rows:
                failed = row.last_error_at is not None and row.last_error_at >= since
                recovered = (
                    row.last_ok_at is not None
                    and row.last_error_at is not None
                    and (row.last_ok_at > row.last_error_at)
                )
                if failed and not recovered:
                    assert row.last_error_at is not None
                    return (
                        f"{row.source} could not be reached "
                        f"(last tried {row.last_error_at:%a %H:%M} UTC)."
                    )
        return None
