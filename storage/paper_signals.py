"""Upvotes and stars over time (:class:`bot.operator.trending.SignalHistory`).

A row is written only when a paper's values differ from its latest row, so the table grows
with real change, not with the number of fetches. Reads are bounded by the window asked about.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.operator.trending import SignalChange, Signals
from bot.papers import Paper
from storage.database import session_scope
from storage.operator_models import PaperSignalRow

_CHUNK = 500  # ids per IN (...) list


def _latest(
    session: Session, ids: Sequence[str], *, at_or_before: datetime | None = None
) -> dict[str, Signals]:
    """Each paper's latest row (at or before a moment, when given)."""
    newest = select(func.max(PaperSignalRow.id)).where(col(PaperSignalRow.paper_id).in_(ids))
    if at_or_before is not None:
        newest = newest.where(col(PaperSignalRow.observed_at) <= at_or_before)
    rows = session.exec(
        select(PaperSignalRow).where(
            col(PaperSignalRow.id).in_(newest.group_by(col(PaperSignalRow.paper_id)))
        )
    )
    return {row.paper_id: Signals(row.upvotes, row.github_stars) for row in rows}


def _first_after(session: Session, ids: Sequence[str], since: datetime) -> dict[str, Signals]:
    oldest = (
        select(func.min(PaperSignalRow.id))
        .where(col(PaperSignalRow.paper_id).in_(ids), col(PaperSignalRow.observed_at) > since)
        .group_by(col(PaperSignalRow.paper_id))
    )
    rows = session.exec(select(PaperSignalRow).where(col(PaperSignalRow.id).in_(oldest)))
    return {row.paper_id: Signals(row.upvotes, row.github_stars) for row in rows}


class SqlSignalHistory:
    """:class:`bot.operator.trending.SignalHistory` on the ``paper_signals`` table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record_signals(self, papers: Sequence[Paper], now: datetime) -> int:
        """Write a row for each paper whose upvotes or stars changed since its last row."""
        current = {p.arxiv_id: Signals(p.upvotes, p.github_stars or 0) for p in papers}
        ids = sorted(current)
        written = 0
        with session_scope(self._engine) as session:
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                last = _latest(session, chunk)
                rows = [
                    {
                        "paper_id": paper_id,
                        "observed_at": now,
                        "upvotes": current[paper_id].upvotes,
                        "github_stars": current[paper_id].stars,
                    }
                    for paper_id in chunk
                    if last.get(paper_id) != current[paper_id]
                ]
                if rows:
                    session.execute(insert(PaperSignalRow), rows)
                    written += len(rows)
        return written

    def signal_changes(self, since: datetime, until: datetime) -> list[SignalChange]:
        """Every paper with a row in ``(since, until]``, with its values before, first and
        latest in that window."""
        with session_scope(self._engine) as session:
            ids = sorted(
                session.exec(
                    select(PaperSignalRow.paper_id)
                    .where(
                        col(PaperSignalRow.observed_at) > since,
                        col(PaperSignalRow.observed_at) <= until,
                    )
                    .distinct()
                )
            )
            changes: list[SignalChange] = []
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                before = _latest(session, chunk, at_or_before=since)
                first = _first_after(session, chunk, since)
                after = _latest(session, chunk, at_or_before=until)
                changes += [
                    SignalChange(paper_id, before.get(paper_id), first[paper_id], after[paper_id])
                    for paper_id in chunk
                    if paper_id in first and paper_id in after
                ]
        return changes
