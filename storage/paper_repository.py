"""Papers in and out of the database, as core :class:`bot.papers.Paper` values."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_
from sqlalchemy.engine import Engine, Row
from sqlmodel import col, select

from bot.papers import Paper, merge_papers
from bot.ports import IngestReport, LibraryWatermark
from storage.database import session_scope
from storage.models import DeliveryRow, PaperRow

_BATCH = 500


def row_to_paper(row: PaperRow | Row[Any]) -> Paper:
    """The core value of a stored row (an ORM object, or a plain row: faster to read)."""
    return Paper(
        arxiv_id=row.arxiv_id,
        title=row.title,
        abstract=row.abstract,
        authors=tuple(row.authors),
        version=row.version,
        published_at=row.published_at,
        featured_on=row.featured_on,
        upvotes=row.upvotes,
        num_comments=row.num_comments,
        github_repo=row.github_repo,
        github_stars=row.github_stars,
        project_page=row.project_page,
        ai_summary=row.ai_summary,
        ai_keywords=tuple(row.ai_keywords),
        organization=row.organization,
        thumbnail=row.thumbnail,
        categories=tuple(row.categories),
        arxiv_comment=row.arxiv_comment,
        withdrawn=row.withdrawn,
        sources=frozenset(row.sources),
        first_seen=row.first_seen,
        last_seen=row.last_seen,
    )


def _values(paper: Paper) -> dict[str, object]:
    """Every column but the key, from a core paper (no ORM object: building one is slow)."""
    return {
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": list(paper.authors),
        "version": paper.version,
        "published_at": paper.published_at,
        "featured_on": paper.featured_on,
        "upvotes": paper.upvotes,
        "num_comments": paper.num_comments,
        "github_repo": paper.github_repo,
        "github_stars": paper.github_stars,
        "project_page": paper.project_page,
        "ai_summary": paper.ai_summary,
        "ai_keywords": list(paper.ai_keywords),
        "organization": paper.organization,
        "thumbnail": paper.thumbnail,
        "categories": list(paper.categories),
        "arxiv_comment": paper.arxiv_comment,
        "withdrawn": paper.withdrawn,
        "sources": sorted(paper.sources),
        "first_seen": paper.first_seen,
        "last_seen": paper.last_seen,
    }


def _apply(paper: Paper, row: PaperRow) -> None:
    for name, value in _values(paper).items():
        setattr(row, name, value)


def _new_row_values(paper: Paper, now: datetime) -> dict[str, object]:
    """Column values of a paper not stored yet, for one bulk INSERT."""
    values = _values(paper)
    values["arxiv_id"] = paper.arxiv_id
    values["first_seen"] = paper.first_seen or now
    values["last_seen"] = now
    return values


def _dedupe(papers: Sequence[Paper]) -> dict[str, Paper]:
    """Merge records of the same paper inside one batch (v1 and v2 in the same feed)."""
    merged: dict[str, Paper] = {}
    for paper in papers:
        known = merged.get(paper.arxiv_id)
        merged[paper.arxiv_id] = merge_papers(known, paper) if known else paper
    return merged


class SqlPaperRepository:
    """:class:`bot.ports.PaperRepository` on SQLModel; one transaction per batch."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def upsert_papers(self, papers: Sequence[Paper]) -> IngestReport:
        """Merge ``papers`` into the library; all or nothing, so a failure loses nothing."""
        now = datetime.now(UTC)
        incoming = _dedupe(papers)
        added = updated = 0
        stored: list[Paper] = []
        with session_scope(self._engine) as session:
            ids = list(incoming)
            existing: dict[str, PaperRow] = {}
            for start in range(0, len(ids), _BATCH):
                chunk = ids[start : start + _BATCH]
                rows = session.exec(select(PaperRow).where(col(PaperRow.arxiv_id).in_(chunk)))
                existing.update({row.arxiv_id: row for row in rows})
            new_rows: list[dict[str, object]] = []
            for arxiv_id, paper in incoming.items():
                row = existing.get(arxiv_id)
                if row is None:
                    new_rows.append(_new_row_values(paper, now))
                    stored.append(replace(paper, first_seen=paper.first_seen or now, last_seen=now))
                    added += 1
                else:
                    merged = merge_papers(row_to_paper(row), paper)
                    _apply(merged, row)
                    row.last_seen = now
                    session.add(row)
                    stored.append(replace(merged, last_seen=now))
                    updated += 1
            if new_rows:
                session.connection().execute(insert(PaperRow), new_rows)
        new_ids = frozenset(str(values["arxiv_id"]) for values in new_rows)
        return IngestReport(added=added, updated=updated, stored=tuple(stored), new_ids=new_ids)

    def delete_papers(self, arxiv_ids: Iterable[str]) -> int:
        """Remove these papers (and the record of where they were posted); how many went."""
        wanted = list(dict.fromkeys(arxiv_ids))
        removed = 0
        with session_scope(self._engine) as session:
            connection = session.connection()
            for start in range(0, len(wanted), _BATCH):
                chunk = wanted[start : start + _BATCH]
                connection.execute(delete(DeliveryRow).where(col(DeliveryRow.paper_id).in_(chunk)))
                result = connection.execute(
                    delete(PaperRow).where(col(PaperRow.arxiv_id).in_(chunk))
                )
                removed += result.rowcount
        return removed

    def watermark(self) -> LibraryWatermark:
        """How many papers there are and when the newest change landed (for derived indexes)."""
        with session_scope(self._engine) as session:
            count, newest = session.exec(
                select(func.count(), func.max(PaperRow.last_seen)).select_from(PaperRow)
            ).one()
        return LibraryWatermark(count=int(count), last_change=_aware(newest))

    def get_papers(self, arxiv_ids: Iterable[str]) -> list[Paper]:
        """The stored papers with these ids, in the order asked (missing ones left out)."""
        wanted = list(dict.fromkeys(arxiv_ids))
        found: dict[str, Paper] = {}
        table = PaperRow.__table__  # type: ignore[attr-defined]  # SQLModel sets it at runtime
        # Plain rows, not ORM objects: this read is on every search's path.
        with self._engine.connect() as connection:
            for start in range(0, len(wanted), _BATCH):
                chunk = wanted[start : start + _BATCH]
                rows = connection.execute(select(table).where(table.c.arxiv_id.in_(chunk)))
                found.update({row.arxiv_id: row_to_paper(row) for row in rows})
        return [found[i] for i in wanted if i in found]

    def iter_papers(
        self, *, since: date | None = None, changed_since: datetime | None = None
    ) -> Iterator[Paper]:
        """Every stored paper (or those featured/published on or after ``since``, or those
        written at or after ``changed_since``, which is how an index catches up)."""
        statement = select(PaperRow).order_by(col(PaperRow.arxiv_id))
        if changed_since is not None:
            statement = statement.where(col(PaperRow.last_seen) >= changed_since)
        if since is not None:
            start = datetime(since.year, since.month, since.day, tzinfo=UTC)
            statement = statement.where(
                or_(
                    col(PaperRow.featured_on) >= since,
                    col(PaperRow.published_at) >= start,
                )
            )
        with session_scope(self._engine) as session:
            for row in session.exec(statement.execution_options(yield_per=2000)):
                yield row_to_paper(row)

    def count(self) -> int:
        """How many papers the library holds."""
        with session_scope(self._engine) as session:
            return int(session.exec(select(func.count()).select_from(PaperRow)).one())


def _aware(value: datetime | None) -> datetime | None:
    """SQLite can hand back a naive timestamp from an aggregate; all our times are UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
