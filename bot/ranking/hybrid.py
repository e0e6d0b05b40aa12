"""Hybrid retrieval: the lexical candidates ∪ the nearest neighbours in meaning, fused.

Why both: words find what was typed ("KV cache" in an abstract), meaning finds what was meant
("fault tolerance" → a checkpointing paper that never says it). The dense side's neighbours
go through the search index once more with the query's plain words dropped, so every filter,
exclusion, quoted phrase and required word still holds for them exactly as for a lexical
match — meaning adds candidates, it never overrides what the user made hard. The two lists
are then fused (:mod:`bot.ranking.fusion`) into a relevance that the usual bounded lift
(:mod:`bot.ranking.blend`) multiplies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.papers import Paper
from bot.ports import Candidate, SearchIndex
from bot.ranking.fusion import FusionMethod, fuse
from bot.ranking.query import Query
from bot.ranking.reasons import MEANING_REASON as MEANING_REASON  # one owner: the reasons
from bot.ranking.semantic import MIN_SIMILARITY, VectorIndex

# Neighbours asked per result wanted (at least _MIN_DENSE): fewer than the lexical side's,
# since each costs a stored-document read to be checked against the filters.
DENSE_PER_RESULT = 5
_MIN_DENSE = 50


@dataclass(frozen=True, slots=True)
class HybridCandidates:
    """The fused candidates (relevance replaced by the fused one), the papers already read,
    and which candidates only the dense side brought in (their reason is meaning)."""

    candidates: list[Candidate]
    papers: dict[int, Paper]
    by_meaning: frozenset[int]


def query_text(query: Query) -> str:
    """What the model reads of a query: its words and phrases, not its filters."""
    return " ".join([*query.words, *query.required, *query.phrases])


def hybrid_candidates(
    index: SearchIndex,
    vectors: VectorIndex,
    query: Query,
    lexical: Sequence[Candidate],
    *,
    limit: int,
    now: datetime,
    method: FusionMethod,
    like: str | None = None,
) -> HybridCandidates:
    """Fuse ``lexical`` (the index's best text matches) with ``query``'s nearest neighbours
    — or, for "papers like this one", the neighbours of paper ``like``'s own vector (its
    title and abstract, richer than any query made of its words)."""
    wanted = max(limit * DENSE_PER_RESULT, _MIN_DENSE)
    nearest = vectors.nearest_to_paper(like, limit=wanted) if like else []
    if not nearest:  # not a paper, or one without a vector yet
        nearest = vectors.nearest_to_text(query_text(query), limit=wanted)
    neighbours = [n for n in nearest if n.similarity >= MIN_SIMILARITY]
    similarity = {n.arxiv_id: n.similarity for n in neighbours}
    checked = index.candidates_among(query, [n.arxiv_id for n in neighbours], now=now)
    by_key: dict[object, Candidate] = {c.key: c for c in lexical}
    papers: dict[object, Paper] = {}
    dense: list[tuple[object, float]] = []
    for candidate, paper in checked:
        by_key.setdefault(candidate.key, candidate)
        papers[candidate.key] = paper
        dense.append((candidate.key, similarity[paper.arxiv_id]))
    dense.sort(key=lambda pair: -pair[1])
    lexical_keys = [(c.key, c.relevance) for c in lexical]
    fused = fuse(lexical_keys, dense, method=method)
    lexical_set = {c.key for c in lexical}
    out: list[Candidate] = []
    known: dict[int, Paper] = {}
    meaning: set[int] = set()
    for key, relevance in fused.items():
        candidate = replace(by_key[key], relevance=relevance)
        out.append(candidate)
        if key in papers:
            known[id(candidate)] = papers[key]
        if key not in lexical_set:
            meaning.add(id(candidate))
    return HybridCandidates(out, known, frozenset(meaning))
