"""CSFCube (dev fold) for ``bench/quality.py``: real expert judgements, its own protocol.

Mysore et al., *CSFCube — A Test Collection of Computer Science Research Articles for Faceted
Query by Example*, NeurIPS 2021 Datasets & Benchmarks, https://arxiv.org/abs/2103.12906 ;
data from https://github.com/iesl/CSFCube (CC BY-NC 4.0: evaluation only, never copied into
this repository — the path is an argument).

Protocol (the fold's PROVENANCE.md): ingest all 4,205 papers as ordinary papers; search with
each query's ``text`` (the query paper's title, as a user would paste it) exactly as given;
take the top 21, drop the query paper itself, keep 20; nDCG@20 with gain ``2^rel − 1`` and a
log2 discount, unjudged papers 0, a query that errors 0; the mean over the 24 queries.
Papers carry no upvotes, stars or dates, so the community/recency lift is the same constant
for every paper: the order is text relevance alone.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.papers import Paper

DEPTH = 20


@dataclass(frozen=True, slots=True)
class Fold:
    """The papers, the queries (qid → (query pid, text)) and the graded judgements."""

    papers: list[Paper]
    queries: dict[str, tuple[str, str]]
    qrels: dict[str, dict[str, int]]


def read_fold(directory: Path) -> Fold:
    """Read ``corpus.jsonl``, ``dev_queries.jsonl`` and ``dev_qrels.tsv`` from ``directory``."""
    papers = []
    with (directory / "corpus.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            papers.append(
                Paper(arxiv_id=str(row["pid"]), title=row["title"], abstract=row["abstract"] or "")
            )
    queries: dict[str, tuple[str, str]] = {}
    with (directory / "dev_queries.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            queries[row["qid"]] = (str(row["query_pid"]), row["text"])
    qrels: dict[str, dict[str, int]] = {}
    rows = (directory / "dev_qrels.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for row in rows:
        qid, pid, grade = row.split("\t")
        qrels.setdefault(qid, {})[pid] = int(grade)
    return Fold(papers=papers, queries=queries, qrels=qrels)


def read_papers(directory: Path) -> list[Paper]:
    """The fold's papers alone (``bench/vector_cache.py`` embeds them)."""
    return read_fold(directory).papers


def ndcg(ranked: list[str], grades: dict[str, int], depth: int = DEPTH) -> float:
    """nDCG@depth, gain ``2^grade − 1``, log2 discount."""

    def dcg(values: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(values[:depth]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(i, 0) for i in ranked]) / ideal if ideal else 0.0


def evaluate(fold: Fold, rank: Callable[[str], list[str]]) -> dict[str, float]:
    """nDCG@20 per query under the protocol (top 21 minus the query paper; errors score 0)."""
    scores: dict[str, float] = {}
    for qid, (query_pid, text) in fold.queries.items():
        try:
            ranked = [pid for pid in rank(text) if pid != query_pid][:DEPTH]
        except Exception:  # the protocol scores a failing query 0
            ranked = []
        scores[qid] = ndcg(ranked, fold.qrels.get(qid, {}))
    return scores


_TOKEN = re.compile(r"[a-z0-9]+")
_BASELINE_STOPWORDS = frozenset(
    "a an and are as at be by for from in is it of on or that the this to with we our".split()  # noqa: SIM905
)


def plain_bm25(fold: Fold, *, k1: float = 1.2, b: float = 0.75) -> Callable[[str], list[str]]:
    """The fold's reference baseline: BM25 over title ×2 + abstract, a small stopword list,
    no stemming (PROVENANCE.md: 0.355)."""

    def terms(text: str) -> list[str]:
        return [t for t in _TOKEN.findall(text.lower()) if t not in _BASELINE_STOPWORDS]

    docs = [(p.arxiv_id, Counter(terms(p.title) * 2 + terms(p.abstract))) for p in fold.papers]
    lengths = [sum(c.values()) for _, c in docs]
    mean = sum(lengths) / len(lengths)
    df: Counter[str] = Counter()
    for _, counts in docs:
        df.update(counts.keys())
    count = len(docs)

    def rank(text: str) -> list[str]:
        wanted = set(terms(text))
        scored = []
        for (pid, counts), length in zip(docs, lengths, strict=True):
            score = 0.0
            for term in wanted:
                tf = counts.get(term, 0)
                if tf:
                    idf = math.log(1 + (count - df[term] + 0.5) / (df[term] + 0.5))
                    score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / mean))
            if score > 0:
                scored.append((score, pid))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [pid for _, pid in scored[: DEPTH + 1]]

    return rank
