"""How one paper fares in each of a channel's topics: its rank, the cut-off, its words.

Part of :mod:`bot.operator.why`: the ranking is the digest's own (the same ranker, the same
:data:`bot.digests.build.CANDIDATES_PER_TOPIC`), looked at further down to say by how much a
paper missed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.digests.build import CANDIDATES_PER_TOPIC, Topic
from bot.papers import Paper
from bot.ports import Ranker
from bot.ranking.blend import RankedPaper, content_stems, passes_filters
from bot.ranking.query import match_plan, parse_query, stems
from bot.ranking.reasons import field_tokens

# How far past the digest's candidates to look for the paper, to say how far it missed by.
DEEP_LIMIT = 500


@dataclass(frozen=True, slots=True)
class TopicFit:
    """How the paper fares in one topic's ranking.

    ``rank`` is its place (1-based) when the ranker returns it within :data:`DEEP_LIMIT`;
    ``score`` its blended score then, and ``cutoff`` the score of the last paper a digest
    considers for the topic (None when fewer than that many match). ``words`` is how many
    of the topic's words and phrases the paper contains, of ``total``; ``filters_ok`` whether
    it passes the topic's own filters (``cat:``, ``author:``, ``min-upvotes:``…).
    """

    topic: str
    rank: int | None
    score: float | None
    cutoff: float | None
    words: int
    total: int
    filters_ok: bool

    @property
    def candidate(self) -> bool:
        """Whether a digest considers the paper for this topic at all."""
        return self.rank is not None and self.rank <= CANDIDATES_PER_TOPIC


def topic_fit(
    topic: Topic,
    ranked: list[RankedPaper],
    paper: Paper,
    ranker: Ranker,
    now: datetime,
    *,
    in_window: bool,
) -> TopicFit:
    """The paper's place in the topic's ranking, looking past the digest's candidates (and,
    for a paper outside the window, without the window) to say by how much it missed."""
    own = parse_query(topic.text)  # the topic as written: its own filters, not the window
    cutoff = ranked[-1].score if len(ranked) >= CANDIDATES_PER_TOPIC else None
    rank, score = _find(ranked, paper.arxiv_id)
    if rank is None:
        deeper = ranker.search(topic.query if in_window else own, limit=DEEP_LIMIT, now=now)
        rank, score = _find(deeper, paper.arxiv_id)
    words, total = _word_coverage(own.words, own.phrases, paper)
    unfiltered = replace(own, words=(), phrases=(), excluded=(), since=None)
    filters_ok = passes_filters(replace(paper, withdrawn=False), unfiltered, now)
    return TopicFit(topic.text, rank, score, cutoff, words, total, filters_ok)


def _find(ranked: list[RankedPaper], paper_id: str) -> tuple[int | None, float | None]:
    for position, hit in enumerate(ranked, 1):
        if hit.paper.arxiv_id == paper_id:
            return position, hit.score
    return None, None


def _word_coverage(
    words: tuple[str, ...], phrases: tuple[str, ...], paper: Paper
) -> tuple[int, int]:
    """How many of the topic's content words and phrases appear anywhere in the paper."""
    fields = [f" {' '.join(tokens)} " for tokens in field_tokens(paper).values()]
    wanted = [[s] for s in content_stems(list(words))] + [stems(p) for p in phrases]
    wanted = [w for w in wanted if w]
    found = sum(1 for w in wanted if any(f" {' '.join(w)} " in text for text in fields))
    return found, len(wanted)


def _needed(topic: str) -> int:
    """How many of the topic's words and phrases a paper must contain to match it."""
    query = parse_query(topic)
    plan = match_plan(query)
    return len(plan.required) + plan.soft_needed + len(query.phrases)


def no_topic_reason(fits: tuple[TopicFit, ...]) -> str:
    """Why no topic brought the paper in: the closest topic and what it lacked (a rank past
    the cut-off, some of its words, or its filters)."""
    ranked = [fit for fit in fits if fit.rank is not None]
    if ranked:
        best = min(ranked, key=lambda fit: fit.rank or 0)
        cut = f"{best.cutoff:.2f}" if best.cutoff is not None else "n/a"
        return (
            f'matched no topic closely enough: best "{best.topic}" ranks #{best.rank} '
            f"(score {best.score or 0:.2f} vs cut-off {cut}, the {CANDIDATES_PER_TOPIC}th "
            "candidate a digest considers)"
        )
    passing = [fit for fit in fits if fit.filters_ok]
    if not passing:
        return f'matched no topic: it fails the filters of every topic (e.g. "{fits[0].topic}")'
    best = max(passing, key=lambda fit: fit.words / fit.total if fit.total else 0.0)
    if best.total == 0 or best.words == best.total:
        detail = "it is not among the papers the ranker returns for it"
    else:
        detail = f"{best.words} of {best.total} words (it needs {_needed(best.topic)})"
    return f'matched no topic: closest is "{best.topic}" with {detail}'
