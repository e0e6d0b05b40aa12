"""The dense side alone at N papers: a replica's in-memory matrix (storage/vectors_matrix.py).

    python bench/dense.py --cache DIR --docs 1000000 --queries bench/queries.txt

Fills a :class:`storage.vectors_matrix.VectorMatrix` with N int8 vectors — the cached real
vectors (bench/vector_cache.py) repeated, as the replicated corpus would have them, each
repeat nudged by one unit in a few dimensions so that no two rows are identical — partitions
it, then times nearest-neighbour queries (the benchmark queries, embedded once) and checks
their recall@10 against exact search. Prints one JSON object with the resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import read_queries  # after the path set-up
from bench.vector_cache import cached_vectors
from storage.embedding import load_embedder
from storage.vectors_matrix import VectorMatrix, partitions_for, probes


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    """Build, time, check; print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--docs", type=int, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    real = cached_vectors(args.cache)
    rng = np.random.default_rng(0)
    matrix = VectorMatrix(real.shape[1])
    started = time.perf_counter()
    for start in range(0, args.docs, 50_000):
        count = min(50_000, args.docs - start)
        rows = real[np.arange(start, start + count) % len(real)].copy()
        if start >= len(real):  # a replica: the same text, nudged so rows are distinct
            dims = rng.integers(0, rows.shape[1], size=(count, 4))
            np.add.at(rows, (np.arange(count)[:, None], dims), 1)
        matrix.upsert([f"p{start + i}" for i in range(count)], rows)
    fill_s = time.perf_counter() - started
    embedder = load_embedder(threads=2)
    queries = [embedder.embed_query(q) for q in read_queries(args.queries)]
    started = time.perf_counter()
    matrix.nearest(queries[0], 10)  # trains the partitions
    train_s = time.perf_counter() - started
    samples = []
    for _ in range(args.rounds):
        for q in queries:
            t0 = time.perf_counter()
            matrix.nearest(q, 50)
            samples.append((time.perf_counter() - t0) * 1000)
    recall = []
    for q in queries[:10]:
        approx = {i for i, _ in matrix.nearest(q, 10)}
        exact = matrix._scores(np.arange(matrix.size, dtype=np.int64), q)  # every row
        truth = {f"p{i}" for i in np.argsort(-exact)[:10]}
        recall.append(len(approx & truth) / 10)
    ordered = sorted(samples)
    partitions = partitions_for(matrix.size)
    print(
        json.dumps(
            {
                "docs": matrix.size,
                "distinct_real_vectors": len(real),
                "partitions": partitions,
                "probes": probes(partitions),
                "fill_s": round(fill_s, 1),
                "partition_train_s": round(train_s, 1),
                "dense_p50_ms": round(statistics.median(ordered), 2),
                "dense_p99_ms": round(ordered[int(len(ordered) * 0.99) - 1], 2),
                "recall_at_10": round(sum(recall) / len(recall), 3),
                "rss_mb": round(_rss_mb()),
                "load_average": round(os.getloadavg()[0], 1),
            }
        )
    )


if __name__ == "__main__":
    main()
