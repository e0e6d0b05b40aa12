"""Embedding throughput of the shipped model on real arXiv abstracts.

``python bench/embed_rate.py --corpus CORPUS.jsonl.xz [--papers 512] [--threads 2] [--batch 32]``
prints one JSON line: ``embed_per_s`` (papers per second, title + abstract cut to 128 tokens,
as ingest embeds them) and ``query_embed_p50_ms`` (one short query).
"""

from __future__ import annotations

import argparse
import json
import lzma
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.papers import Paper  # after the path set-up
from storage.embedding import load_embedder, paper_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--papers", type=int, default=512)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()
    texts: list[str] = []
    with lzma.open(args.corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            paper = Paper(arxiv_id=row["id"], title=row["title"], abstract=row["abstract"])
            texts.append(paper_text(paper))
            if len(texts) >= args.papers:
                break
    embedder = load_embedder(threads=args.threads)
    embedder.embed(texts[: args.batch])  # warm-up
    start = time.perf_counter()
    for i in range(0, len(texts), args.batch):
        embedder.embed(texts[i : i + args.batch])
    seconds = time.perf_counter() - start
    samples = []
    for text in texts[:50]:
        began = time.perf_counter()
        embedder.embed_query(text[:80])
        samples.append((time.perf_counter() - began) * 1000)
    print(
        json.dumps(
            {
                "papers": len(texts),
                "threads": args.threads,
                "batch": args.batch,
                "embed_per_s": round(len(texts) / seconds, 1),
                "query_embed_p50_ms": round(statistics.median(samples), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
