"""Does a channel's taste help? A simulation on the CSFCube dev fold, and the retrain cost.

    python bench/feedback.py PATH/TO/csfcube-dev            # the simulation + retrain cost
    python bench/feedback.py PATH --min-up 3 --min-down 2 --weight 0.5

The fold is CC BY-NC 4.0 (Mysore et al., CSFCube, NeurIPS 2021 Datasets & Benchmarks,
arXiv:2103.12906): it is read from PATH, never copied into this repository.

The simulation (issue 13, "Measure"): each of the 24 queries becomes a channel subscribed to
the query paper's title. Three rounds: the channel gets a 5-paper digest of the papers it has
not been shown (ranked with its taste so far); each shown paper is voted up when judged ≥ 2
and down when judged 0 (judged 1 or unjudged: no vote). After each round we rank the papers
not yet shown twice — with the channel's taste and without — and compute nDCG@10 (gain
2^rel − 1, log2 discount, unjudged = 0) of both over the same residual papers.

The ranking without taste is BM25 over title ×2 + abstract where any query word may match
(the query is a whole title: requiring every word would match almost nothing), the reference
ranking of the fold's PROVENANCE; taste is :class:`bot.taste.ranker.TastedRanker` over it,
exactly as channels get it. The query paper itself is left out.

The cost: a channel with 1,000 votes stored in SQLite; one more vote, then the retrain that
follows it (:meth:`TasteService.model_for` with the voted paper: re-tally it, move it in the
centroids), and the full reconcile the next digest or search does (read the watermark and
every tally, move what changed).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.chat import ChannelRef
from bot.papers import Paper
from bot.ranking.blend import RankedPaper
from bot.ranking.query import STOPWORDS, Query, stems
from bot.taste.features import (
    Featurizer,
    LibraryIdf,
    MixedFeatures,
    VectorFeatures,
    WordFeatures,
)
from bot.taste.model import MIN_DOWN, MIN_UP, Example, TasteModel
from bot.taste.ranker import MORE_CANDIDATES, TASTE_WEIGHT, TastedRanker
from bot.taste.signals import Direction

NOW = datetime(2026, 11, 30, tzinfo=UTC)
ROUNDS = 3  # as the issue says; --rounds for more
DIGEST = 5
K = 10


def load(path: Path) -> tuple[dict[str, Paper], list[dict[str, str]], dict[str, dict[str, int]]]:
    """Papers by pid, the queries, and the judgements per query id."""
    papers: dict[str, Paper] = {}
    with (path / "corpus.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            pid = str(row["pid"])
            papers[pid] = Paper(arxiv_id=pid, title=row["title"], abstract=row.get("abstract", ""))
    queries = [json.loads(line) for line in (path / "dev_queries.jsonl").open(encoding="utf-8")]
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    with (path / "dev_qrels.tsv").open(encoding="utf-8") as lines:
        next(lines)
        for line in lines:
            qid, pid, rel = line.rstrip("\n").split("\t")
            qrels[qid][pid] = int(rel)
    return papers, queries, qrels


class OrBm25:
    """BM25 (k1 1.2, b 0.75) over title ×2 + abstract, any query word matching."""

    def __init__(self, papers: dict[str, Paper]) -> None:
        self.papers = papers
        self.docs = {pid: Counter(_terms(p)) for pid, p in papers.items()}
        self.lengths = {pid: sum(c.values()) for pid, c in self.docs.items()}
        self.avg = sum(self.lengths.values()) / len(self.lengths)
        df: Counter[str] = Counter()
        for counts in self.docs.values():
            df.update(counts.keys())
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}

    def scores(self, text: str) -> list[tuple[str, float]]:
        """Every paper with a positive score, best first."""
        words = {t for t in stems(text) if t not in STOPWORDS}
        out: list[tuple[str, float]] = []
        for pid, counts in self.docs.items():
            norm = 1 - 0.75 + 0.75 * self.lengths[pid] / self.avg
            score = sum(
                self.idf[w] * counts[w] * 2.2 / (counts[w] + 1.2 * norm)
                for w in words
                if w in counts
            )
            if score > 0:
                out.append((pid, score))
        out.sort(key=lambda item: (-item[1], item[0]))
        return out


def _terms(paper: Paper) -> list[str]:
    title = [t for t in stems(paper.title) if t not in STOPWORDS]
    return title * 2 + [t for t in stems(paper.abstract) if t not in STOPWORDS]


class CachedVectors:
    """Paper vectors from ``bench/vector_cache.py``'s cache (one row per corpus paper)."""

    def __init__(self, directory: Path, pids: list[str]) -> None:
        import numpy as np

        parts = sorted(directory.glob("part-*.npy"))
        rows = np.concatenate([np.load(p) for p in parts]).astype(np.float32)
        self._rows = {pid: rows[i].tolist() for i, pid in enumerate(pids[: len(rows)])}
        self.mean: list[float] = rows.mean(axis=0).tolist()  # the rows' own (int8) scale

    def vector_of(self, arxiv_id: str) -> list[float] | None:
        return self._rows.get(arxiv_id)


class Residual:
    """A :class:`bot.ports.Ranker` over one query's scores, without the papers already shown."""

    def __init__(self, scored: list[tuple[str, float]], papers: dict[str, Paper]) -> None:
        self.scored = scored
        self.papers = papers
        self.shown: set[str] = set()

    def search(self, query: Query, *, limit: int, now: datetime) -> list[RankedPaper]:
        found = [(pid, s) for pid, s in self.scored if pid not in self.shown][:limit]
        return [RankedPaper(self.papers[pid], s, s, "") for pid, s in found]


def ndcg(ranked: list[str], judged: dict[str, int], pool: set[str]) -> float:
    """nDCG@10 of ``ranked`` against the judgements of the papers in ``pool``."""
    gains = [2 ** judged.get(pid, 0) - 1 for pid in ranked[:K]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((2 ** judged[p] - 1 for p in pool if p in judged), reverse=True)[:K]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def simulate(
    papers: dict[str, Paper],
    query: dict[str, str],
    judged: dict[str, int],
    bm25: OrBm25,
    args: argparse.Namespace,
    features: WordFeatures,
) -> list[tuple[int, float, float]]:
    """(votes so far, nDCG@10 without taste, with taste) after each round."""
    scored = [(p, s) for p, s in bm25.scores(query["text"]) if p != query["query_pid"]]
    base = Residual(scored, papers)
    model = TasteModel(min_up=args.min_up, min_down=args.min_down)
    tasted = TastedRanker(base, model, features, weight=args.weight, candidates=args.candidates)
    topic = Query(words=tuple(stems(query["text"])))
    votes = 0
    rounds: list[tuple[int, float, float]] = []
    for _ in range(args.rounds):
        shown = [r.paper.arxiv_id for r in tasted.search(topic, limit=DIGEST, now=NOW)]
        for pid in shown:
            grade = judged.get(pid)
            label = 1 if grade is not None and grade >= 2 else -1 if grade == 0 else 0
            if label:
                votes += 1
                paper = papers[pid]
                model.set_label(Example(pid, paper.title, NOW, features.vector(paper)), label)
        base.shown.update(shown)
        pool = {p for p in judged if p not in base.shown}
        plain = [r.paper.arxiv_id for r in base.search(topic, limit=K, now=NOW)]
        with_taste = [r.paper.arxiv_id for r in tasted.search(topic, limit=K, now=NOW)]
        rounds.append((votes, ndcg(plain, judged, pool), ndcg(with_taste, judged, pool)))
    return rounds


def report_simulation(path: Path, args: argparse.Namespace) -> dict[str, object]:
    papers, queries, qrels = load(path)
    bm25 = OrBm25(papers)
    idf = None if args.no_idf else LibraryIdf(lambda: papers.values())
    features: Featurizer = WordFeatures(idf=idf)
    if args.vectors is not None:
        cached = CachedVectors(args.vectors, list(papers))
        center = cached.mean if args.center else None
        dense = VectorFeatures(cached, fallback=features, center=center)
        features = dense if args.mix == 0 else MixedFeatures([(dense, 1.0), (features, args.mix)])
    summary_features = "words" if args.vectors is None else f"vectors + {args.mix} × words"
    summary_features += ", centred" if args.center else ""
    per_query = {
        q["qid"]: simulate(papers, q, qrels[q["qid"]], bm25, args, features) for q in queries
    }
    summary: dict[str, object] = {
        "queries": len(per_query),
        "min_up": args.min_up,
        "min_down": args.min_down,
        "weight": args.weight,
        "candidates": args.candidates,
        "features": summary_features,
    }
    for r in range(args.rounds):
        votes = [rounds[r][0] for rounds in per_query.values()]
        plain = [rounds[r][1] for rounds in per_query.values()]
        tasted = [rounds[r][2] for rounds in per_query.values()]
        worse = sum(t < p - 0.02 for p, t in zip(plain, tasted, strict=True))
        summary[f"round{r + 1}"] = {
            "mean_votes": round(statistics.mean(votes), 1),
            "ndcg10_without": round(statistics.mean(plain), 4),
            "ndcg10_with": round(statistics.mean(tasted), 4),
            "ratio": round(statistics.mean(tasted) / statistics.mean(plain), 3)
            if statistics.mean(plain)
            else None,
            "queries_worse_by_over_0.02": worse,
        }
    return summary


def retrain_cost(votes: int = 1000, trials: int = 30) -> dict[str, float]:
    """Milliseconds for one more vote's retrain at ``votes`` votes (SQLite on disk)."""
    from bot.taste.service import TasteService
    from storage.channel_repository import SqlChannelRepository
    from storage.database import make_engine, upgrade
    from storage.paper_repository import SqlPaperRepository
    from storage.vote_store import SqlVoteStore

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        upgrade(engine)
        library = SqlPaperRepository(engine)
        papers = [
            Paper(
                arxiv_id=f"2601.{n:05d}",
                title=f"Paper {n} on topic {n % 37}",
                abstract=" ".join(f"word{(n * k) % 997}" for k in range(60)),
            )
            for n in range(votes + trials)
        ]
        library.upsert_papers(papers)
        channels = SqlChannelRepository(engine)
        store = SqlVoteStore(engine)
        pk = channels.ensure_channel(ChannelRef("console", "bench"), NOW).pk
        for n, paper in enumerate(papers[:votes]):
            direction = Direction.UP if n % 3 else Direction.DOWN
            store.record_vote(pk, paper.arxiv_id, f"U{n % 50}", "button", direction, NOW)
        service = TasteService(store, channels, library, clock=lambda: NOW)
        started = time.perf_counter()
        service.model_for(pk)
        first = (time.perf_counter() - started) * 1000
        timings, reconcile = [], []
        for n, paper in enumerate(papers[votes:]):
            at = NOW + timedelta(seconds=n + 1)
            store.record_vote(pk, paper.arxiv_id, "U1", "button", Direction.UP, at)
            started = time.perf_counter()
            service.model_for(pk, only={paper.arxiv_id})  # what follows a vote
            timings.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            service.model_for(pk)  # what the next digest or search does: reread everything
            reconcile.append((time.perf_counter() - started) * 1000)
        engine.dispose()
    timings.sort()
    return {
        "votes": votes,
        "first_build_ms": round(first, 1),
        "retrain_after_a_vote_p50_ms": round(statistics.median(timings), 1),
        "retrain_after_a_vote_max_ms": round(timings[-1], 1),
        "full_reconcile_p50_ms": round(statistics.median(reconcile), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("fold", type=Path, help="the csfcube-dev directory (read in place)")
    parser.add_argument("--min-up", type=int, default=MIN_UP)
    parser.add_argument("--min-down", type=int, default=MIN_DOWN)
    parser.add_argument("--weight", type=float, default=TASTE_WEIGHT)
    parser.add_argument("--candidates", type=int, default=MORE_CANDIDATES)
    parser.add_argument(
        "--vectors",
        type=Path,
        help="a directory of int8 .npy parts in corpus order (bench/vector_cache.py --csfcube)",
    )
    parser.add_argument("--center", action="store_true", help="subtract the mean vector")
    parser.add_argument("--mix", type=float, default=0.0, help="words' share next to vectors")
    parser.add_argument("--no-idf", action="store_true", help="words without IDF weights")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--no-cost", action="store_true", help="skip the retrain timing")
    args = parser.parse_args()
    result: dict[str, object] = {"simulation": report_simulation(args.fold, args)}
    if not args.no_cost:
        result["retrain"] = retrain_cost()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
