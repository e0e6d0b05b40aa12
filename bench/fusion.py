"""Hybrid rankers for ``bench/quality.py --csfcube … --vectors CACHE``: the same library
searched through the hybrid path with each fusion method, vectors from the cache that
``bench/vector_cache.py --csfcube`` filled (the model is slow on a shared machine; the
vectors are exactly what ``paperboy index embed`` would store)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from adapters.composition import Library
from bench.vector_cache import cached_vectors
from bot.papers import Paper
from bot.ranking.fusion import FusionMethod
from bot.ranking.query import parse_query
from bot.ranking.search import IndexRanker
from storage.embedding import DIMENSIONS, MODEL_ID, load_embedder, paper_text, text_hash
from storage.vectors import SqlVectorStore
from storage.vectors_index import SemanticIndex

METHODS: tuple[FusionMethod, ...] = ("rrf", "zscore")


def hybrid_rankers(
    library: Library, papers: list[Paper], cache: Path, now: datetime
) -> dict[str, Callable[[str], list[str]]]:
    """One ranker per fusion method over ``library``, its vectors stored from ``cache``
    (cache row i is ``papers[i]``); papers the cache lacks are embedded now."""
    store = SqlVectorStore(library.engine, MODEL_ID, DIMENSIONS)
    semantic = SemanticIndex(lambda: load_embedder(threads=2), store)
    if store.count() == 0:
        rows = cached_vectors(cache)[: len(papers)]
        cached = papers[: len(rows)]
        store.insert_new(
            [p.arxiv_id for p in cached], [text_hash(paper_text(p)) for p in cached], rows
        )
    semantic.backfill(library.papers.get_papers)
    semantic.refresh()

    def ranker(method: FusionMethod) -> Callable[[str], list[str]]:
        engine = IndexRanker(library.index, semantic, fusion=method)

        def rank(text: str) -> list[str]:
            return [r.paper.arxiv_id for r in engine.search(parse_query(text), limit=21, now=now)]

        return rank

    return {f"hybrid_{method}": ranker(method) for method in METHODS}
