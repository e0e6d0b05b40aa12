"""Paper vectors in the database: computed once, read by every replica.

Vectors are derived data like the search index, but expensive (hours for a million papers on
two cores), so the database keeps them and each replica builds its in-memory matrix from
there (:mod:`storage.vectors_matrix`). A row is ``paper_id → int8 vector`` plus the model
that made it and a fingerprint of the text it was made from, so a paper is embedded again only
when its title or abstract changed, and vectors from another model are never mixed in.

int8 (a unit vector × 127, rounded): 384 bytes a paper, a quarter of float32; the cosine it
gives differs from float32's by about 0.001, far below the gaps ranking cares about.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
from sqlalchemy import Column, LargeBinary, delete, func
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel, col, select

from storage.database import session_scope
from storage.models import PaperRow

QUANT_SCALE = 127.0
_BATCH = 500


class PaperVectorRow(SQLModel, table=True):
    """One paper's embedding (int8 bytes), the model id and the text fingerprint."""

    __tablename__ = "paper_vectors"

    paper_id: str = Field(primary_key=True, max_length=64)
    model: str = Field(max_length=64)
    text_hash: str = Field(max_length=32)
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    embedded_at: datetime = Field(index=True)  # the replicas' catch-up watermark


def quantize(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.int8]:
    """Unit float vectors as int8 (× 127, rounded)."""
    rows: npt.NDArray[np.int8] = np.clip(np.rint(vectors * QUANT_SCALE), -127, 127).astype(np.int8)
    return rows


@dataclass(frozen=True, slots=True)
class StoredVectors:
    """A slice of the table: ids with their int8 rows, and the newest ``embedded_at``."""

    ids: list[str]
    matrix: npt.NDArray[np.int8]
    newest: datetime | None


class SqlVectorStore:
    """The ``paper_vectors`` table for one model (rows of other models are ignored)."""

    def __init__(self, engine: Engine, model: str, dimensions: int) -> None:
        self._engine = engine
        self.model = model
        self.dimensions = dimensions

    def save(
        self, ids: Sequence[str], hashes: Sequence[str], vectors: npt.NDArray[np.int8]
    ) -> None:
        """Insert or replace these papers' vectors in one transaction."""
        now = datetime.now(UTC)
        with session_scope(self._engine) as session:
            for start in range(0, len(ids), _BATCH):
                chunk = list(ids[start : start + _BATCH])
                existing = {
                    row.paper_id: row
                    for row in session.exec(
                        select(PaperVectorRow).where(col(PaperVectorRow.paper_id).in_(chunk))
                    )
                }
                for offset, paper_id in enumerate(chunk):
                    i = start + offset
                    row = existing.get(paper_id) or PaperVectorRow(
                        paper_id=paper_id, model="", text_hash="", vector=b"", embedded_at=now
                    )
                    row.model, row.text_hash = self.model, hashes[i]
                    row.vector, row.embedded_at = vectors[i].tobytes(), now
                    session.add(row)

    def insert_new(
        self, ids: Sequence[str], hashes: Sequence[str], vectors: npt.NDArray[np.int8]
    ) -> None:
        """Insert vectors of papers known to have none (a bulk load): one multi-row INSERT
        per chunk instead of a read-merge per row."""
        now = datetime.now(UTC)
        table = PaperVectorRow.__table__  # type: ignore[attr-defined]  # set by SQLModel
        with self._engine.begin() as connection:
            for start in range(0, len(ids), _BATCH * 10):
                stop = min(len(ids), start + _BATCH * 10)
                connection.execute(
                    table.insert(),
                    [
                        {
                            "paper_id": ids[i],
                            "model": self.model,
                            "text_hash": hashes[i],
                            "vector": vectors[i].tobytes(),
                            "embedded_at": now,
                        }
                        for i in range(start, stop)
                    ],
                )

    def hashes(self, ids: Iterable[str]) -> dict[str, str]:
        """The text fingerprint stored for each of these papers (this model's rows only)."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, str] = {}
        with session_scope(self._engine) as session:
            for start in range(0, len(wanted), _BATCH):
                chunk = wanted[start : start + _BATCH]
                rows = session.exec(
                    select(col(PaperVectorRow.paper_id), col(PaperVectorRow.text_hash)).where(
                        col(PaperVectorRow.paper_id).in_(chunk),
                        col(PaperVectorRow.model) == self.model,
                    )
                )
                found.update({paper_id: text_hash for paper_id, text_hash in rows})
        return found

    def delete(self, ids: Iterable[str]) -> None:
        """Forget these papers' vectors (the papers were deleted)."""
        wanted = list(dict.fromkeys(ids))
        with session_scope(self._engine) as session:
            for start in range(0, len(wanted), _BATCH):
                chunk = wanted[start : start + _BATCH]
                session.connection().execute(
                    delete(PaperVectorRow).where(col(PaperVectorRow.paper_id).in_(chunk))
                )

    def count(self) -> int:
        """How many papers have a vector of this model."""
        with session_scope(self._engine) as session:
            statement = select(func.count()).where(col(PaperVectorRow.model) == self.model)
            return int(session.exec(statement.select_from(PaperVectorRow)).one())

    def count_missing(self) -> int:
        """How many papers in the library have no vector of this model yet."""
        with session_scope(self._engine) as session:
            papers = int(session.exec(select(func.count()).select_from(PaperRow)).one())
        return max(0, papers - self.count())

    def iter_missing_ids(self, batch: int = 2_000) -> Iterator[list[str]]:
        """Ids of papers without a vector of this model, in id order, ``batch`` at a time.

        Keyset paging (``arxiv_id > last``), so a backfill that is killed and started again
        simply finds what is still missing: nothing to remember between runs."""
        last = ""
        vectors = select(col(PaperVectorRow.paper_id)).where(
            col(PaperVectorRow.model) == self.model
        )
        while True:
            with session_scope(self._engine) as session:
                ids = list(
                    session.exec(
                        select(col(PaperRow.arxiv_id))
                        .where(col(PaperRow.arxiv_id) > last)
                        .where(col(PaperRow.arxiv_id).not_in(vectors))
                        .order_by(col(PaperRow.arxiv_id))
                        .limit(batch)
                    )
                )
            if not ids:
                return
            yield ids
            last = ids[-1]

    def read(
        self, *, since: datetime | None = None, chunk: int = 20_000
    ) -> Iterator[StoredVectors]:
        """This model's vectors (those embedded at or after ``since``), ``chunk`` rows at a
        time, each slice as one int8 matrix (a replica's start-up and catch-up)."""
        statement = (
            select(
                col(PaperVectorRow.paper_id),
                col(PaperVectorRow.vector),
                col(PaperVectorRow.embedded_at),
            )
            .where(col(PaperVectorRow.model) == self.model)
            .order_by(col(PaperVectorRow.paper_id))
        )
        if since is not None:
            statement = statement.where(col(PaperVectorRow.embedded_at) >= since)
        with self._engine.connect() as connection:
            result = connection.execution_options(yield_per=chunk).execute(statement)
            for rows in result.partitions(chunk):
                ids = [row[0] for row in rows]
                raw = b"".join(row[1] for row in rows)
                matrix = np.frombuffer(raw, dtype=np.int8).reshape(len(ids), self.dimensions)
                newest = max((_aware(row[2]) for row in rows), default=None)
                yield StoredVectors(ids, matrix, newest)


def _aware(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
