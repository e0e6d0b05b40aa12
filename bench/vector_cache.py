"""Embed the real corpus once into a resumable cache of int8 vectors (for bench/search.py).

At a million papers the benchmark's corpus is the 74,728 real papers replicated with new ids,
so a replica's text — and its vector — is the original's: embedding the real papers once and
repeating their vectors measures the same search work as embedding a million texts, in hours
less. The cache is one ``.npy`` file per 512 papers in ``--cache``; a killed run resumes.

    python bench/vector_cache.py --corpus PATH --cache DIR [--limit N] [--threads 2]
    python bench/vector_cache.py --csfcube DIR --cache DIR      # the CSFCube corpus instead
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import csfcube  # after the path set-up
from bench.corpus import read_corpus
from bot.papers import Paper
from storage.embedding import load_embedder, paper_text
from storage.vectors import quantize

PART = 512


def cached_vectors(cache: Path) -> np.ndarray:
    """Every cached vector so far, in corpus order (int8, one row per paper)."""
    parts = sorted(cache.glob("part-*.npy"))
    if not parts:
        return np.zeros((0, 384), dtype=np.int8)
    return np.concatenate([np.load(p) for p in parts])


def fill(papers: Iterator[Paper], cache: Path, limit: int | None, threads: int) -> dict[str, float]:
    """Embed the papers not cached yet (up to ``limit``); papers/s of this run."""
    cache.mkdir(parents=True, exist_ok=True)
    embedder = load_embedder(threads=threads)
    done = len(list(cache.glob("part-*.npy"))) * PART
    papers = islice(papers, done, limit)
    count, spent, index = 0, 0.0, done // PART
    while chunk := list(islice(papers, PART)):
        texts = [paper_text(p) for p in chunk]
        started = time.perf_counter()
        rows = np.concatenate([embedder.embed(texts[i : i + 32]) for i in range(0, len(texts), 32)])
        spent += time.perf_counter() - started
        partial = cache / f"partial-{index:05d}.npy"
        np.save(partial, quantize(rows))
        partial.rename(cache / f"part-{index:05d}.npy")
        count, index = count + len(chunk), index + 1
        print(f"{(index) * PART} papers, {count / spent:.1f} papers/s", file=sys.stderr)
    return {"embedded": count, "embed_per_s": round(count / spent, 1) if spent else 0.0}


def main() -> None:
    """Fill the cache and print what this run did."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--corpus", type=Path)
    source.add_argument("--csfcube", type=Path)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    papers = (
        read_corpus(args.corpus, None)
        if args.corpus
        else iter(csfcube.read_fold(args.csfcube).papers)
    )
    print(fill(papers, args.cache, args.limit, args.threads))


if __name__ == "__main__":
    main()
