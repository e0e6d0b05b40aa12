""" "Papers like this one": a paper's own words as a query (lexical more-like-this).

Used when the whole query is a paper (an arXiv id or link, :attr:`Query.like`), when a pasted
query is exactly a paper's title, and by "More like this". The paper's title words and the
abstract's most repeated content words become soft words of which one must match: BM25 gives
the rare, shared words their weight and the coverage bonus rewards sharing many of them.
Dense neighbours (the embedding side) are added by the ranker that has vectors.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from bot.papers import Paper
from bot.ranking.blend import RankedPaper
from bot.ranking.query import STOPWORDS, Query, tokenize

ABSTRACT_WORDS = 5  # the abstract's most frequent content words taken into the query
TITLE_WORDS = 16
_MIN_TITLE_WORDS = 3  # a shorter query is a topic, not a pasted title


def _content(text: str) -> list[str]:
    return [w for w in tokenize(text) if w not in STOPWORDS and len(w) > 1 and not w.isdigit()]


def like_query(paper: Paper) -> Query:
    """A query for papers like ``paper``: its title words, then its abstract's most repeated
    content words (ties: first seen first); any one of them may match."""
    words = list(dict.fromkeys(_content(paper.title)))[:TITLE_WORDS]
    counts = Counter(_content(paper.abstract))
    frequent = sorted(counts, key=lambda w: -counts[w])  # stable: first seen wins a tie
    words += [w for w in frequent if w not in words][:ABSTRACT_WORDS]
    if not words:
        words = tokenize(paper.title) or [paper.arxiv_id]
    return Query(words=tuple(dict.fromkeys(words)), min_match=1)


def is_pasted_title(query: Query, paper: Paper) -> bool:
    """Whether the query is exactly ``paper``'s title (word for word, case and punctuation
    aside) with no operators: the user pasted it, and wants the paper and its neighbours."""
    if query.required or query.phrases or query.excluded or len(query.words) < _MIN_TITLE_WORDS:
        return False
    return tuple(dict.fromkeys(tokenize(paper.title))) == query.words


class Run(Protocol):
    """A ranker's own text search; ``like`` is the paper whose neighbours are wanted, so a
    ranker with vectors can add the paper's nearest neighbours in meaning."""

    def __call__(
        self, query: Query, limit: int, now: datetime, like: Paper | None = None
    ) -> list[RankedPaper]: ...


_TITLE_LOOKS = 3  # how far down the results a pasted title's own paper may sit


def neighbours_query(paper: Paper, query: Query) -> Query:
    """:func:`like_query` for ``paper``, keeping ``query``'s filters."""
    like = like_query(paper)
    return replace(
        query, words=like.words, min_match=1, like=None, required=(), phrases=(), excluded=()
    )


def neighbours(
    paper: Paper, query: Query, limit: int, now: datetime, run: Run
) -> list[RankedPaper]:
    """The best ``limit`` papers like ``paper`` (never the paper itself)."""
    found = run(neighbours_query(paper, query), limit + 1, now, like=paper)
    return [r for r in found if r.paper.arxiv_id != paper.arxiv_id][:limit]


def search_papers(
    query: Query, limit: int, now: datetime, run: Run, find: Callable[[str], Paper | None]
) -> list[RankedPaper]:
    """``run`` (a ranker's own text search), with papers understood: a pasted id or link
    answers with the paper's neighbours (nothing when the library lacks it: the caller
    fetches it first), and a pasted title with that paper first, then its neighbours."""
    if query.like is not None:
        paper = find(query.like)
        return [] if paper is None else neighbours(paper, query, limit, now, run)
    results = run(query, limit, now)
    for hit in results[:_TITLE_LOOKS]:
        if is_pasted_title(query, hit.paper):
            return [hit, *neighbours(hit.paper, query, limit - 1, now, run)]
    return results
