"""Rank papers for a query: text relevance first, community signal and recency as a lift.

The blend (documented here because every future engine keeps it)::

    score = relevance × (1 + 0.30·U + 0.10·S + 0.20·R)

    U = min(1, ln(1 + upvotes) / ln(1 + 200))      community signal on HF
    S = min(1, ln(1 + stars)   / ln(1 + 5000))     GitHub stars
    R = 0.5 ** (age_days / 7)                      recency, a one-week half-life

Why: the lift is multiplicative and capped at 1.6×, so a paper with no text match (relevance
0) never appears, and a popular paper can only overtake a more relevant one when its relevance
is at least 1/1.6 ≈ 62 % of the other's — it lifts near-ties, it never buries a clearly
relevant paper under a popular unrelated one. Logarithms because upvotes and stars are
heavy-tailed: 10 → 100 upvotes matters more than 1,000 → 1,090.

Relevance is BM25 (k1 = 1.2, b = 0.75) per field, weighted title 2, AI keywords 2, authors 2,
abstract 1, over the stemmed query words (each with its singular/plural), plus a bonus per
query word the paper contains. Plain words are soft: a paper needs only
:func:`bot.ranking.query.min_should_match` of the content words (all of up to three, a
third of longer queries, at least three; stopwords never count), while phrases and
``+words`` are required. The engine that computes relevance is replaceable
(``bot.ports.Ranker``); the blend and the reason line are not.

Two engines compute it. :func:`rank_papers` (the scan) computes BM25 over the papers it is
given. :class:`bot.ranking.search.IndexRanker` asks the search index, whose BM25 uses statistics of
the whole library (the same formula and weights), for the ``max(10 × limit, 100)`` best text
matches and blends those: since the lift is at most ×1.6, a paper further down the text
ranking could only enter the top by being a near-tie anyway — text relevance first.

``author:`` and ``org:`` match whole words in order inside one author's name or the
organisation (``author:hinton``, ``author:"geoffrey hinton"``; not ``author:hint``), the
same rule in the scan and in the index.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.papers import Paper
from bot.ranking.query import MatchPlan, Query, content_words, match_plan, stems, tokenize
from bot.ranking.reasons import contains_run, field_tokens, match_words, matched_field

FIELD_WEIGHTS = {"title": 2.0, "keywords": 2.0, "authors": 2.0, "abstract": 1.0}
_K1 = 1.2
_B = 0.75
UPVOTE_WEIGHT = 0.30
STAR_WEIGHT = 0.10
RECENCY_WEIGHT = 0.20
RECENCY_HALF_LIFE_DAYS = 7.0
# Relevance gains COVERAGE_BONUS × idf per soft query word a paper contains: covering more of
# the query ranks higher, beyond what BM25's sum already gives (measured in bench/README.md).
COVERAGE_BONUS = 1.0


def coverage(df: int, count: int) -> float:
    """The bonus for containing a word found in ``df`` of ``count`` papers (BM25's idf)."""
    if count <= 0:
        return 0.0
    df = min(df, count)  # an index may still count deleted papers
    return COVERAGE_BONUS * math.log(1 + (count - df + 0.5) / (df + 0.5))


@dataclass(frozen=True, slots=True)
class RankedPaper:
    """A paper with its final score, its text relevance and the human reason it was picked."""

    paper: Paper
    score: float
    relevance: float
    why: str
    matched_field: str | None = None


def content_stems(words: Sequence[str]) -> list[str]:
    """Stems of the query words that carry meaning (stopwords only when nothing else is
    left): what a paper is checked against."""
    return list(dict.fromkeys(s for w in content_words(list(words)) for s in stems(w)))


def passes_filters(paper: Paper, query: Query, now: datetime) -> bool:
    """Whether ``paper`` satisfies the query's filters and exclusions (not its words)."""
    if paper.withdrawn:
        return False
    if query.min_upvotes is not None and paper.upvotes < query.min_upvotes:
        return False
    if query.categories and not any(
        c.lower() in (pc.lower() for pc in paper.categories) for c in query.categories
    ):
        return False
    names = [f" {' '.join(tokenize(a))} " for a in paper.authors]
    for wanted in query.authors:
        words = f" {' '.join(tokenize(wanted))} "
        if not any(words in name for name in names):
            return False
    organization = f" {' '.join(tokenize(paper.organization or ''))} "
    for wanted in query.orgs:
        if f" {' '.join(tokenize(wanted))} " not in organization:
            return False
    if query.since is not None:
        when = paper_date(paper)
        if when is None or when.date() < query.since.resolve(now):
            return False
    if query.excluded:
        text = " ".join([*stems(paper.title), *stems(" ".join(paper.ai_keywords))])
        text += " " + " ".join(stems(paper.abstract))
        padded = f" {text} "
        for phrase in query.excluded:
            if f" {' '.join(stems(phrase))} " in padded:
                return False
    return True


def paper_date(paper: Paper) -> datetime | None:
    """The date that counts for recency: featured on HF, else published on arXiv."""
    if paper.featured_on is not None:
        return datetime(
            paper.featured_on.year, paper.featured_on.month, paper.featured_on.day, tzinfo=UTC
        )
    return paper.published_at


def community_lift(paper: Paper, now: datetime) -> float:
    """The multiplicative lift ``1 + 0.3·U + 0.1·S + 0.2·R`` described in the module doc."""
    return lift_of(paper.upvotes, paper.github_stars or 0, paper_date(paper), now)


def lift_of(upvotes: int, stars: int, when: datetime | None, now: datetime) -> float:
    """:func:`community_lift` from the bare signals (what a search index keeps per paper)."""
    up = min(1.0, math.log1p(max(upvotes, 0)) / math.log1p(200))
    st = min(1.0, math.log1p(max(stars, 0)) / math.log1p(5000))
    age_days = max(0.0, (now - when).total_seconds() / 86400) if when else 365.0
    recency = float(0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS))
    return 1 + UPVOTE_WEIGHT * up + STAR_WEIGHT * st + RECENCY_WEIGHT * recency


MAX_LIFT = 1 + UPVOTE_WEIGHT + STAR_WEIGHT + RECENCY_WEIGHT


def _age_words(paper: Paper, now: datetime) -> str | None:
    when = paper_date(paper)
    if when is None:
        return None
    days = (now.date() - when.date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "1 day old"
    return f"{days} days old"


def _count(value: int, unit: str) -> str:
    shown = f"{value / 1000:.1f}k" if value >= 1000 else str(value)
    return f"{shown} {unit}{'' if value == 1 else 's'}"


def reason_line(paper: Paper, query: Query, matched_field: str | None, now: datetime) -> str:
    """A short human reason: ``title has "scaling laws" · 86 upvotes · 2 days old``; the
    words named are those really found in the paper (:mod:`bot.ranking.reasons`)."""
    parts = match_words(paper, query, matched_field)
    if query.authors:
        parts.append("by " + ", ".join(query.authors))
    if query.categories:
        parts.append("in " + ", ".join(query.categories))
    if paper.upvotes:
        parts.append(_count(paper.upvotes, "upvote"))
    if paper.github_stars:
        parts.append(_count(paper.github_stars, "GitHub star"))
    age = _age_words(paper, now)
    if age:
        parts.append(age)
    return " · ".join(parts)


class _Bm25:
    """BM25 statistics over one candidate set (document frequency and mean field length)."""

    def __init__(self, docs: Sequence[dict[str, list[str]]]) -> None:
        self.count = len(docs)
        self.df: dict[str, int] = {}
        self.avg_len: dict[str, float] = {}
        for name in FIELD_WEIGHTS:
            total = 0
            for doc in docs:
                total += len(doc[name])
            self.avg_len[name] = total / self.count if self.count else 0.0
        for doc in docs:
            for term in {t for tokens in doc.values() for t in tokens}:
                self.df[term] = self.df.get(term, 0) + 1

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.count - df + 0.5) / (df + 0.5))

    def field_score(self, term: str, tokens: list[str], name: str) -> float:
        tf = tokens.count(term)
        if tf == 0:
            return 0.0
        norm = 1 - _B + _B * len(tokens) / (self.avg_len[name] or 1.0)
        return self.idf(term) * tf * (_K1 + 1) / (tf + _K1 * norm)


def rank_papers(
    query: Query,
    papers: Iterable[Paper],
    *,
    now: datetime,
    limit: int | None = 10,
) -> list[RankedPaper]:
    """Rank ``papers`` for ``query``: filter, match, score relevance, blend, explain. Pure."""
    candidates = [p for p in papers if passes_filters(p, query, now)]
    if not candidates:
        return []
    docs = [field_tokens(p) for p in candidates]
    stats = _Bm25(docs)
    plan = match_plan(query)
    phrases = [stems(p) for p in query.phrases]
    ranked: list[RankedPaper] = []
    for paper, doc in zip(candidates, docs, strict=True):
        relevance = _relevance(doc, plan, phrases, stats) if query.has_text else 1.0
        if relevance <= 0:
            continue
        score = relevance * community_lift(paper, now)
        field = matched_field(paper, query)
        ranked.append(
            RankedPaper(paper, score, relevance, reason_line(paper, query, field, now), field)
        )
    ranked.sort(key=lambda r: (-r.score, -r.paper.upvotes, r.paper.arxiv_id))
    return ranked if limit is None else ranked[:limit]


def _word_score(doc: dict[str, list[str]], choices: tuple[str, ...], stats: _Bm25) -> float:
    """BM25 of one query word (any of its stems) over the weighted fields."""
    return sum(
        weight * stats.field_score(term, doc[name], name)
        for term in choices
        for name, weight in FIELD_WEIGHTS.items()
    )


def _relevance(
    doc: dict[str, list[str]], plan: MatchPlan, phrases: list[list[str]], stats: _Bm25
) -> float:
    """BM25 over the weighted fields plus :func:`coverage` per soft word found; 0 when
    the paper misses a ``+word`` or a phrase, or has fewer soft words than the plan needs —
    the same rule the search index applies (``storage/search_index.py``)."""
    total = 0.0
    for choices in plan.required:
        part = _word_score(doc, choices, stats)
        if part <= 0:
            return 0.0
        total += part
    found = 0
    partial = plan.soft_needed < len(plan.soft)  # else every match has every word: no bonus
    for choices in plan.soft:
        part = _word_score(doc, choices, stats)
        if part > 0:
            found += 1
            total += part
            if partial:
                total += coverage(max(stats.df.get(c, 0) for c in choices), stats.count)
    if found < plan.soft_needed:
        return 0.0
    for phrase in phrases:
        hit = [n for n in FIELD_WEIGHTS if contains_run(doc[n], phrase)]
        if not hit:
            return 0.0
        total += sum(FIELD_WEIGHTS[n] * sum(stats.idf(t) for t in phrase) for n in hit)
    return total
