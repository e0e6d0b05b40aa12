"""A replica's in-memory nearest-neighbour index over the stored int8 vectors.

Rows are kept as int8 (384 bytes a paper: ~370 MB at a million). Scoring converts the rows
it looks at to float32 and takes dot products (the vectors are unit length, so a dot product
is the cosine). Looking at every row is exact and fine up to a few tens of thousands of
papers; past :data:`PARTITION_FROM` rows that costs too much (converting a million int8 rows
alone is hundreds of milliseconds on two cores), so the rows are partitioned (an inverted
file, "IVF": spherical k-means centroids, each row filed under its nearest) and a query scores
only the rows under its :func:`probes` nearest centroids — a few percent of the library,
measured in ``bench/search.py``. New rows are filed under the existing centroids as they
arrive; the centroids are trained again when the library has doubled since.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

PARTITION_FROM = 30_000
_TRAIN_SAMPLE = 25_000
_TRAIN_ROUNDS = 6
_CHUNK = 65_536
_QUANT = 127.0

F32 = npt.NDArray[np.float32]
I8 = npt.NDArray[np.int8]


def partitions_for(rows: int) -> int:
    """How many partitions for ``rows`` vectors: about √rows, so a partition holds about as
    many rows as there are partitions (1,000 of ~1,000 at a million)."""
    return int(min(4096, max(16, round(rows**0.5))))


def probes(partitions: int) -> int:
    """How many partitions a query scores: ~3 % of them, at least 8 (recall of the top 10
    against exact search stays above 0.9 on our corpus; bench/search.py measures it)."""
    return min(partitions, max(8, partitions // 32))


def _as_float(rows: I8) -> F32:
    return rows.astype(np.float32) / _QUANT


class VectorMatrix:
    """Nearest neighbours by cosine over papers' int8 vectors; thread-safe."""

    def __init__(self, dimensions: int) -> None:
        self.dimensions = dimensions
        self._data: I8 = np.zeros((1024, dimensions), dtype=np.int8)
        self._ids: list[str | None] = []
        self._row: dict[str, int] = {}
        self._centroids: F32 | None = None
        self._assign: npt.NDArray[np.int32] = np.zeros(1024, dtype=np.int32)
        self._trained_at = 0
        self._lists: list[npt.NDArray[np.int64]] | None = None
        self._lock = threading.RLock()

    @property
    def size(self) -> int:
        """How many papers have a vector here."""
        return len(self._row)

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._row

    def reserve(self, rows: int) -> None:
        """Make room for ``rows`` papers at once (a replica loading the whole table), so the
        matrix is allocated once instead of doubled — and briefly held twice — on the way."""
        with self._lock:
            self._grow(rows, exact=True)

    def upsert(self, ids: Sequence[str], rows: I8) -> None:
        """Add these papers' vectors, or replace the ones already here."""
        with self._lock:
            new = [i for i in ids if i not in self._row]
            self._grow(len(self._ids) + len(new))
            positions = []
            for paper_id in ids:
                row = self._row.get(paper_id)
                if row is None:
                    row = len(self._ids)
                    self._ids.append(paper_id)
                    self._row[paper_id] = row
                positions.append(row)
            where = np.asarray(positions, dtype=np.int64)
            self._data[where] = rows
            if self._centroids is not None and len(where):
                self._assign[where] = self._nearest_centroid(_as_float(rows))
            self._lists = None

    def remove(self, ids: Sequence[str]) -> None:
        """Forget these papers (deleted from the library)."""
        with self._lock:
            for paper_id in ids:
                row = self._row.pop(paper_id, None)
                if row is not None:
                    self._ids[row] = None
                    self._data[row] = 0
            self._lists = None

    def vector_of(self, paper_id: str) -> F32 | None:
        """A stored paper's vector (for "papers like this one")."""
        with self._lock:
            row = self._row.get(paper_id)
            return None if row is None else _as_float(self._data[row])

    def nearest(self, query: F32, limit: int) -> list[tuple[str, float]]:
        """The ``limit`` papers closest to ``query`` (a unit vector), best first, with cosines."""
        with self._lock:
            if not self._row or limit <= 0:
                return []
            self._maybe_train()
            candidates = self._candidate_rows(query)
            scores = self._scores(candidates, query)
            take = min(limit, len(scores))
            best = np.argpartition(-scores, take - 1)[:take]
            best = best[np.argsort(-scores[best])]
            found: list[tuple[str, float]] = []
            for i in best:
                paper_id = self._ids[int(candidates[i])]
                if paper_id is not None:
                    found.append((paper_id, float(scores[i])))
            return found

    # -- internals ----------------------------------------------------------------------------

    def _grow(self, needed: int, *, exact: bool = False) -> None:
        capacity = len(self._data)
        if needed <= capacity:
            return
        if exact:
            capacity = needed
        while capacity < needed:
            capacity *= 2
        data = np.zeros((capacity, self.dimensions), dtype=np.int8)
        data[: len(self._ids)] = self._data[: len(self._ids)]
        assign = np.zeros(capacity, dtype=np.int32)
        assign[: len(self._ids)] = self._assign[: len(self._ids)]
        self._data, self._assign = data, assign

    def _scores(self, rows: npt.NDArray[np.int64], query: F32) -> F32:
        out = np.empty(len(rows), dtype=np.float32)
        q = query.astype(np.float32)
        for start in range(0, len(rows), _CHUNK):
            part = rows[start : start + _CHUNK]
            block = self._data[part] if len(part) != len(self._ids) else self._data[: len(part)]
            out[start : start + len(part)] = _as_float(block) @ q
        return out

    def _candidate_rows(self, query: F32) -> npt.NDArray[np.int64]:
        used = len(self._ids)
        if self._centroids is None:
            return np.arange(used, dtype=np.int64)
        if self._lists is None:
            order = np.argsort(self._assign[:used], kind="stable")
            bounds = np.searchsorted(self._assign[:used][order], np.arange(len(self._centroids)))
            self._lists = np.split(order.astype(np.int64), bounds[1:])
        closest = np.argsort(-(self._centroids @ query))[: probes(len(self._centroids))]
        return np.concatenate([self._lists[int(c)] for c in closest])

    def _maybe_train(self) -> None:
        used = len(self._ids)
        if used < PARTITION_FROM or (self._centroids is not None and used < 2 * self._trained_at):
            return
        rng = np.random.default_rng(0)
        sample = _as_float(self._data[rng.choice(used, min(used, _TRAIN_SAMPLE), replace=False)])
        k = partitions_for(used)
        centroids = sample[rng.choice(len(sample), k, replace=False)].copy()
        for _ in range(_TRAIN_ROUNDS):
            labels = np.argmax(sample @ centroids.T, axis=1)
            order = np.argsort(labels, kind="stable")
            present, starts = np.unique(labels[order], return_index=True)
            sums = np.zeros_like(centroids)
            sums[present] = np.add.reduceat(sample[order], starts, axis=0)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            empty = norms[:, 0] == 0
            sums[empty] = centroids[empty]
            centroids = (sums / np.where(norms == 0, 1.0, norms)).astype(np.float32)
        self._centroids = centroids.astype(np.float32)
        for start in range(0, used, _CHUNK):
            block = _as_float(self._data[start : min(used, start + _CHUNK)])
            self._assign[start : start + len(block)] = self._nearest_centroid(block)
        self._trained_at = used
        self._lists = None

    def _nearest_centroid(self, rows: F32) -> npt.NDArray[np.int32]:
        assert self._centroids is not None
        best: npt.NDArray[np.int32] = np.argmax(rows @ self._centroids.T, axis=1).astype(np.int32)
        return best
