"""The in-memory nearest-neighbour index: exact when small, partitioned when large, and in
step with upserts and deletes either way."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from storage.vectors import quantize
from storage.vectors_matrix import PARTITION_FROM, VectorMatrix


def _clustered(rows: int, clusters: int, seed: int = 0) -> npt.NDArray[np.float32]:
    """Unit vectors around ``clusters`` topics (papers on one topic sit close together)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, 384)).astype(np.float32)
    vectors = centres[np.arange(rows) % clusters] + 0.35 * rng.standard_normal((rows, 384))
    vectors = vectors.astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_small_libraries_are_searched_exactly_and_follow_updates() -> None:
    vectors = _clustered(500, 10)
    matrix = VectorMatrix(384)
    matrix.upsert([f"p{i}" for i in range(500)], quantize(vectors))

    found = matrix.nearest(vectors[7], 5)
    assert found[0][0] == "p7" and found[0][1] > 0.99
    assert all(int(i[1:]) % 10 == 7 for i, _ in found)  # its own topic

    matrix.remove(["p7"])
    assert "p7" not in [i for i, _ in matrix.nearest(vectors[7], 5)]
    matrix.upsert(["p8"], quantize(vectors[7:8]))  # p8 now reads like p7 did
    assert matrix.nearest(vectors[7], 1)[0][0] == "p8"
    assert matrix.size == 499


def test_large_libraries_are_partitioned_and_still_find_the_closest() -> None:
    rows = PARTITION_FROM + 2_000
    vectors = _clustered(rows, 150, seed=1)
    matrix = VectorMatrix(384)
    matrix.upsert([f"p{i}" for i in range(rows)], quantize(vectors))

    hits = 0
    for i in range(0, 3_000, 100):
        found = matrix.nearest(vectors[i], 10)
        hits += found[0][0] == f"p{i}"
        assert all(int(p[1:]) % 150 == i % 150 for p, _ in found)
    assert hits >= 28  # of 30: the paper itself comes first
    assert matrix._centroids is not None  # it really was partitioned

    late = _clustered(1, 1, seed=9)
    matrix.upsert(["new"], quantize(late))  # filed under a partition as it arrives
    assert matrix.nearest(late[0], 1)[0][0] == "new"
