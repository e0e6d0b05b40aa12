"""Ranking quality: nDCG@10 of our ranking (BM25 × lift) against plain BM25, on a judged set;
and nDCG@20 on CSFCube's expert judgements (``bench/csfcube.py``).

    python bench/quality.py --corpus PATH --judge     # pool and grade, write bench/judged.jsonl
    python bench/quality.py --corpus PATH             # score both rankers on the judged set
    python bench/quality.py --csfcube DIR             # CSFCube dev fold: ours and plain BM25

How the set is judged (see bench/README.md): for each of the 20 topics, the top 30 of each
ranker are pooled; every pooled paper gets a grade from a fixed rubric that reads the title,
the abstract and the arXiv category — not the ranker's score:

* 2 — the paper is about the topic: filed under one of the topic's categories, with the
  topic's phrase in the title and again in the abstract (or at least three times in the
  abstract);
* 1 — the topic is discussed: the phrase appears in the title or in the abstract;
* 0 — otherwise (the words are there, scattered, or it is filed far from the topic).

Papers outside the pool count 0. The corpus has no community signal, so the benchmark gives
papers deterministic synthetic upvotes/stars (``bench/corpus.py``); the blend's job here is
to lift near-ties without pushing relevant papers out of the top 10.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.composition import Library, open_library
from adapters.settings import Settings
from bench.corpus import read_corpus
from bench.csfcube import evaluate, plain_bm25, read_fold
from bot.papers import Paper
from bot.ranking.query import parse_query, stems
from bot.ranking.search import IndexRanker

NOW = datetime(2026, 7, 2, tzinfo=UTC)
JUDGED = Path(__file__).resolve().parent / "judged.jsonl"
POOL_DEPTH = 30

# topic query → the arXiv categories where a paper on it is usually filed
TOPICS: dict[str, tuple[str, ...]] = {
    "scaling laws": ("cs.LG", "cs.CL", "cs.AI"),
    "diffusion models": ("cs.CV", "cs.LG"),
    "mixture of experts": ("cs.LG", "cs.CL", "cs.AI"),
    "retrieval augmented generation": ("cs.CL", "cs.IR", "cs.AI"),
    "chain of thought": ("cs.CL", "cs.AI"),
    "knowledge distillation": ("cs.LG", "cs.CV", "cs.CL"),
    "federated learning": ("cs.LG", "cs.DC", "cs.CR"),
    "graph neural networks": ("cs.LG", "cs.SI"),
    "speculative decoding": ("cs.CL", "cs.LG"),
    "object detection": ("cs.CV",),
    "semantic segmentation": ("cs.CV",),
    "video generation": ("cs.CV",),
    "speech recognition": ("cs.CL", "eess.AS", "cs.SD"),
    "machine translation": ("cs.CL",),
    "code generation": ("cs.SE", "cs.CL", "cs.AI"),
    "hallucination": ("cs.CL", "cs.CV", "cs.AI"),
    "autonomous driving": ("cs.CV", "cs.RO"),
    "medical image segmentation": ("cs.CV", "eess.IV"),
    "neural radiance fields": ("cs.CV", "cs.GR"),
    "reward model": ("cs.CL", "cs.LG", "cs.AI"),
}


def _count_phrase(tokens: list[str], phrase: list[str]) -> int:
    width = len(phrase)
    return sum(tokens[i : i + width] == phrase for i in range(len(tokens) - width + 1))


def grade(paper: Paper, topic: str) -> int:
    """The rubric in the module docstring."""
    phrase = stems(topic)
    title = stems(paper.title)
    abstract = stems(paper.abstract)
    in_title = _count_phrase(title, phrase)
    in_abstract = _count_phrase(abstract, phrase)
    filed_right = bool(paper.categories) and paper.categories[0] in TOPICS[topic]
    if filed_right and ((in_title and in_abstract) or in_abstract >= 3):
        return 2
    if in_title or in_abstract:
        return 1
    return 0


def _ours(library: Library) -> Callable[[str], list[Paper]]:
    def rank(topic: str) -> list[Paper]:
        results = library.ranker.search(parse_query(topic), limit=POOL_DEPTH, now=NOW)
        return [r.paper for r in results]

    return rank


def _plain_bm25(library: Library) -> Callable[[str], list[Paper]]:
    """The engine's BM25 order, no lift: the baseline."""

    def rank(topic: str) -> list[Paper]:
        found = library.index.candidates(parse_query(topic), limit=POOL_DEPTH, now=NOW)
        return library.index.papers(found)

    return rank


def ndcg_at_10(ranked: list[str], grades: dict[str, int]) -> float:
    """Normalised discounted cumulative gain of the first 10 (gain 2^grade − 1)."""

    def dcg(values: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(values[:10]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(i, 0) for i in ranked]) / ideal if ideal else 0.0


def _settings(workdir: Path) -> Settings:
    # Lexical only: the library's own ranker must not pick up vectors stored by --vectors
    # (the hybrid rankers of bench/fusion.py are measured separately).
    return Settings(
        database_url=f"sqlite:///{workdir / 'paperboy.db'}",
        index_dir=workdir / "index",
        semantic=False,
    )


def csfcube_report(
    directory: Path, workdir: Path, vectors: Path | None = None
) -> dict[str, object]:
    """CSFCube dev fold under its protocol: our lexical ranking and the plain BM25 reference,
    mean and per query."""
    fold = read_fold(directory)
    with open_library(_settings(workdir)) as library:
        if library.papers.count() == 0:
            library.ingest(fold.papers)

        lexical = IndexRanker(library.index)  # no vectors, whatever the library has

        def ours(text: str) -> list[str]:
            found = lexical.search(parse_query(text), limit=21, now=NOW)
            return [r.paper.arxiv_id for r in found]

        rankers = {"lexical": ours, "bm25": plain_bm25(fold)}
        if vectors is not None:  # the hybrid path, once per fusion method (bench/fusion.py)
            from bench.fusion import hybrid_rankers

            rankers.update(hybrid_rankers(library, fold.papers, vectors, NOW))
        report: dict[str, object] = {"queries": len(fold.queries)}
        for name, rank in rankers.items():
            scores = evaluate(fold, rank)
            report[f"ndcg20_{name}"] = round(sum(scores.values()) / len(scores), 4)
            report[f"per_query_{name}"] = {q: round(v, 3) for q, v in scores.items()}
    return report


def main() -> None:
    """Judge (pool + grade) or evaluate; prints one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="the arXiv corpus of the judged set")
    parser.add_argument("--csfcube", type=Path, help="CSFCube's dev fold directory")
    parser.add_argument(
        "--vectors", type=Path, help="with --csfcube: bench/vector_cache.py's cache"
    )
    parser.add_argument("--docs", type=int, default=None, help="default: the whole corpus")
    parser.add_argument("--workdir", type=Path, help="reuse a database and index here")
    parser.add_argument("--judge", action="store_true", help="pool, grade, write the judged set")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="paperboy-quality-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.csfcube:
        print(json.dumps(csfcube_report(args.csfcube, workdir, args.vectors), indent=2))
        return
    if not args.corpus:
        parser.error("give --corpus (the judged set) or --csfcube")
    with open_library(_settings(workdir)) as library:
        if library.papers.count() == 0:
            papers = read_corpus(args.corpus, args.docs)
            while batch := list(islice(papers, 10_000)):
                library.ingest(batch)
        rankers = {"ours": _ours(library), "bm25": _plain_bm25(library)}
        if args.judge:
            with JUDGED.open("w", encoding="utf-8") as out:
                for topic in TOPICS:
                    pool: dict[str, Paper] = {}
                    for rank in rankers.values():
                        pool.update((p.arxiv_id, p) for p in rank(topic))
                    for arxiv_id, paper in sorted(pool.items()):
                        line = {"query": topic, "arxiv_id": arxiv_id, "grade": grade(paper, topic)}
                        out.write(json.dumps(line) + "\n")
        judged: dict[str, dict[str, int]] = {}
        for line in JUDGED.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            judged.setdefault(row["query"], {})[row["arxiv_id"]] = row["grade"]
        report: dict[str, object] = {"topics": len(judged)}
        for name, rank in rankers.items():
            scores = {
                topic: ndcg_at_10([p.arxiv_id for p in rank(topic)], grades)
                for topic, grades in judged.items()
            }
            report[f"ndcg10_{name}"] = round(sum(scores.values()) / len(scores), 4)
            report[f"per_topic_{name}"] = {t: round(s, 3) for t, s in scores.items()}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
