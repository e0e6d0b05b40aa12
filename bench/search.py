"""Search benchmark: ingest N papers into database + index, then time the core search path,
the raw engine on the same queries, and SQLite FTS5 ``bm25()`` for comparison.

    python bench/search.py --corpus PATH --docs N --queries FILE --json
    python bench/search.py ... --vectors CACHE   # with search by meaning (hybrid)

With ``--vectors`` every paper gets a stored vector before the search phase, and the search
phase is the hybrid path (lexical ∪ nearest neighbours, fused). ``CACHE`` is a directory
filled by ``bench/vector_cache.py`` with the real corpus's vectors in corpus order; paper
``i`` gets cached vector ``i mod K`` — past 74,728 papers the corpus is replicated (a
replica's text is the original's, so is its vector), and if the cache holds fewer than the
real corpus (K < 74,728) the JSON says so in ``vectors_distinct``.

Prints one JSON object. The search phase runs in a fresh process (what a replica looks like
after a restart), so ``rss_mb`` is the resident memory of a process serving N papers;
``ingest_peak_rss_mb`` is the ingesting process's peak.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.composition import open_library  # after the path set-up
from adapters.settings import Settings
from bench.corpus import read_corpus, read_queries
from bot.papers import Paper
from bot.ranking.query import Query, parse_query

NOW = datetime(2026, 7, 2, tzinfo=UTC)  # the day after the corpus ends: recency is realistic


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _hwm_rss_mb() -> float:
    """Peak resident memory of this process image (VmHWM resets on exec; ru_maxrss not)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": ordered[len(ordered) // 2], "p99": q[98], "max": ordered[-1]}


def _machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    return f"{model}, {os.cpu_count()} cores, {mem_gb:.0f} GB RAM, {platform.platform()}"


def _dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def _batches(papers: Iterator[Paper], size: int) -> Iterator[list[Paper]]:
    while batch := list(islice(papers, size)):
        yield batch


def ingest(settings: Settings, corpus: Path, docs: int, batch: int) -> dict[str, float]:
    """Ingest through ``Library.ingest`` (database + index); time only the ingest calls."""
    spent = 0.0
    count = 0
    started = time.perf_counter()
    with open_library(settings) as library:
        # Parse the corpus up front per chunk so only ingest time is measured, streaming
        # (never the whole corpus in memory).
        for chunk in _batches(read_corpus(corpus, docs), batch * 4):
            t0 = time.perf_counter()
            library.ingest_many(chunk[i : i + batch] for i in range(0, len(chunk), batch))
            spent += time.perf_counter() - t0
            count += len(chunk)
    return {
        "docs": count,
        "ingest_s": round(spent, 1),
        "ingest_per_s": round(count / spent),
        "build_wall_s": round(time.perf_counter() - started, 1),
        "ingest_peak_rss_mb": round(_peak_rss_mb()),
    }


def load_vectors(settings: Settings, corpus: Path, cache: Path, docs: int) -> dict[str, object]:
    """Store a vector for each of the ``docs`` papers from the cache (bulk insert): paper
    ``i`` (corpus order, replicas included) gets the vector of its original line."""
    from bench.vector_cache import cached_vectors
    from storage.embedding import DIMENSIONS, MODEL_ID, paper_text, text_hash
    from storage.vectors import SqlVectorStore

    rows = cached_vectors(cache)
    lines = sum(1 for _ in read_corpus(corpus, None))
    started = time.perf_counter()
    with open_library(settings) as library:
        store = SqlVectorStore(library.engine, MODEL_ID, DIMENSIONS)
        papers = read_corpus(corpus, docs)
        position = 0
        while chunk := list(islice(papers, 20_000)):
            where = [((position + i) % lines) % len(rows) for i in range(len(chunk))]
            hashes = [text_hash(paper_text(p)) for p in chunk]
            store.insert_new([p.arxiv_id for p in chunk], hashes, rows[where])
            position += len(chunk)
        count = store.count()
    return {
        "vectors": count,
        "vectors_distinct": min(len(rows), lines),
        "vectors_store_s": round(time.perf_counter() - started, 1),
    }


def embedding_speed(corpus: Path, queries: list[str], threads: int) -> dict[str, float]:
    """Papers embedded per second (256 real papers, batches of 32, as ingest does) and the
    median time to embed one query, on a freshly loaded model."""
    from storage.embedding import load_embedder, paper_text

    embedder = load_embedder(threads=threads)
    texts = [paper_text(p) for p in islice(read_corpus(corpus, None), 256)]
    embedder.embed(texts[:8])  # warm up
    started = time.perf_counter()
    for i in range(0, len(texts), 32):
        embedder.embed(texts[i : i + 32])
    per_s = len(texts) / (time.perf_counter() - started)
    samples = _timed_each([lambda q=q: embedder.embed_query(q) for q in queries])
    return {
        "embed_per_s": round(per_s, 1),
        "query_embed_p50_ms": round(statistics.median(samples), 2),
        "load_average": round(os.getloadavg()[0], 1),
    }


def _timed_each(actions: list[Callable[[], object]]) -> list[float]:
    return [_timed(action, 1)[0] for action in actions]


def _timed(action: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        action()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def search_phase(settings: Settings, queries: list[str], rounds: int) -> dict[str, object]:
    """Time the core path (parse → index → blend → reasons) and the raw engine."""
    t0 = time.perf_counter()
    with open_library(settings) as library:
        open_s = time.perf_counter() - t0
        vectors: dict[str, object] = {"semantic": library.semantic is not None}
        if library.semantic is not None:  # load the matrix (and partition it) up front
            t1 = time.perf_counter()
            library.semantic.refresh()
            library.semantic.nearest_to_text("warm up", limit=10)
            vectors["vectors_in_memory"] = library.semantic.matrix.size
            vectors["vectors_load_s"] = round(time.perf_counter() - t1, 1)
        parsed = [parse_query(q) for q in queries]
        searcher = library.index._index.searcher()  # the raw engine, for comparison
        engine_queries = [library.index.engine_query(q, NOW) for q in parsed]

        def core(text: str) -> Callable[[], object]:
            return lambda: library.ranker.search(parse_query(text), limit=10, now=NOW)

        def raw(query: object) -> Callable[[], object]:
            return lambda: searcher.search(query, 10, count=False)

        for text in queries:  # warm the page cache and the code paths once
            core(text)()
        search_ms: list[float] = []
        engine_ms: list[float] = []
        for _ in range(rounds):
            for text, engine_query in zip(queries, engine_queries, strict=True):
                engine_ms += _timed(raw(engine_query), 1)
                search_ms += _timed(core(text), 1)
        top = {
            q: [r.paper.title for r in library.ranker.search(parse_query(q), limit=3, now=NOW)]
            for q in queries[:5]
        }
    s, e = _percentiles(search_ms), _percentiles(engine_ms)
    return {
        **vectors,
        "open_s": round(open_s, 2),
        "queries": len(queries),
        "rounds": rounds,
        "search_p50_ms": round(s["p50"], 2),
        "search_p99_ms": round(s["p99"], 2),
        "search_max_ms": round(s["max"], 2),
        "engine_p50_ms": round(e["p50"], 2),
        "engine_p99_ms": round(e["p99"], 2),
        "engine_max_ms": round(e["max"], 2),
        "rss_mb": round(_hwm_rss_mb()),
        "rss_now_mb": round(_current_rss_mb()),
        "sample_top3": top,
    }


def _fts5_match(query: Query) -> str:
    parts = [f'"{w}"' for w in query.words] + [f'"{p}"' for p in query.phrases]
    text = " AND ".join(parts)
    for excluded in query.excluded:
        text += f' NOT "{excluded}"'
    return text


def fts5_phase(
    corpus: Path, docs: int, queries: list[str], workdir: Path, *, reuse: bool
) -> dict[str, float | None]:
    """The same corpus and queries on SQLite FTS5 with the Porter stemmer and ``bm25()``."""
    path = workdir / "fts5.db"
    build: float | None = None
    if not (reuse and path.exists()):
        path.unlink(missing_ok=True)
        db = sqlite3.connect(path)
        db.execute(
            "CREATE VIRTUAL TABLE papers USING fts5(id UNINDEXED, title, abstract,"
            " tokenize='porter unicode61')"
        )
        t0 = time.perf_counter()
        for papers in _batches(read_corpus(corpus, docs), 20_000):
            db.executemany(
                "INSERT INTO papers VALUES (?, ?, ?)",
                [(p.arxiv_id, p.title, p.abstract) for p in papers],
            )
        db.commit()
        build = time.perf_counter() - t0
    else:
        db = sqlite3.connect(path)
    statement = (
        "SELECT id FROM papers WHERE papers MATCH ? ORDER BY bm25(papers, 3.0, 1.0) LIMIT 10"
    )
    matches = [_fts5_match(parse_query(q)) for q in queries]
    for match in matches[:3]:
        db.execute(statement, (match,)).fetchall()
    samples = []
    for match in matches:
        samples += _timed(lambda m=match: db.execute(statement, (m,)).fetchall(), 1)
    db.close()
    p = _percentiles(samples)
    return {
        "fts5_build_s": round(build, 1) if build is not None else None,
        "fts5_p50_ms": round(p["p50"], 2),
        "fts5_p99_ms": round(p["p99"], 2),
        "fts5_max_ms": round(p["max"], 2),
    }


def main() -> None:
    """Run the benchmark and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--docs", type=int, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--json", action="store_true", help="print JSON (the only format)")
    parser.add_argument("--workdir", type=Path, help="keep the database and index here")
    parser.add_argument("--database-url", help="default: SQLite in the work directory")
    parser.add_argument("--batch", type=int, default=10_000, help="papers per ingest call")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the queries")
    parser.add_argument(
        "--skip-ingest", action="store_true", help="reuse --workdir as is (FTS5 table too)"
    )
    parser.add_argument("--no-fts5", action="store_true", help="skip the SQLite FTS5 baseline")
    parser.add_argument("--vectors", type=Path, help="bench/vector_cache.py's cache: go hybrid")
    parser.add_argument("--embed-threads", type=int, default=2, help="the model's CPU threads")
    parser.add_argument("--phase", choices=["all", "search"], default="all", help=argparse.SUPPRESS)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="paperboy-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        database_url=args.database_url or f"sqlite:///{workdir / 'paperboy.db'}",
        index_dir=workdir / "index",
        log_level="WARNING",
        semantic=args.vectors is not None,
        embed_threads=args.embed_threads,
    )
    queries = read_queries(args.queries)
    if args.phase == "search":
        print(json.dumps(search_phase(settings, queries, args.rounds)))
        return
    result: dict[str, object] = {"machine": _machine()}
    if not args.skip_ingest:
        (workdir / "paperboy.db").unlink(missing_ok=True)
        shutil.rmtree(workdir / "index", ignore_errors=True)
        result.update(ingest(settings, args.corpus, args.docs, args.batch))
    else:
        result["docs"] = args.docs
    if args.vectors is not None and not args.skip_ingest:
        result.update(load_vectors(settings, args.corpus, args.vectors, args.docs))
    if args.vectors is not None:
        result.update(embedding_speed(args.corpus, queries, args.embed_threads))
    result["index_mb"] = round(_dir_mb(workdir / "index"))
    command = [
        sys.executable,
        __file__,
        *sys.argv[1:],
        "--phase",
        "search",
        "--workdir",
        str(workdir),
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result.update(json.loads(output))
    if not args.no_fts5:
        result.update(fts5_phase(args.corpus, args.docs, queries, workdir, reuse=args.skip_ingest))
        result["speedup_vs_fts5_p99"] = round(
            float(result["fts5_p99_ms"]) / float(result["search_p99_ms"]),
            1,  # type: ignore[arg-type]
        )
    result["search_p99_over_engine_p99"] = round(
        float(result["search_p99_ms"]) / float(result["engine_p99_ms"]),
        2,  # type: ignore[arg-type]
    )
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
