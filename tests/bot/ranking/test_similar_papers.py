""" "More like this": a paper whose first keyword is its own coinage still finds neighbours."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.commands.service import similar_queries
from bot.papers import Paper
from bot.ranking.blend import rank_papers

NOW = datetime(2026, 5, 11, 9, 0, tzinfo=UTC)
CHINCHILLA = Paper(
    arxiv_id="2605.01640",
    title="Prescriptive Scaling Laws for Data Constrained Training",
    ai_keywords=("Chinchilla scaling law", "training tokens", "overfitting penalty"),
)
NEIGHBOUR = Paper(arxiv_id="2605.09999", title="How many training tokens does a model need?")
LIBRARY = [CHINCHILLA, NEIGHBOUR, Paper(arxiv_id="2605.00001", title="Diffusion for video")]


def test_keywords_come_first_then_the_longest_title_words() -> None:
    queries = similar_queries(CHINCHILLA)

    assert [q.words for q in queries] == [
        ("chinchilla", "scaling", "law"),
        ("training", "tokens"),
        ("overfitting", "penalty"),
        ("prescriptive",),
        ("constrained",),
        ("training",),
    ]


def test_the_first_query_that_finds_another_paper_is_the_answer() -> None:
    found = next(
        others
        for query in similar_queries(CHINCHILLA)
        if (
            others := [
                r
                for r in rank_papers(query, LIBRARY, now=NOW, limit=6)
                if r.paper.arxiv_id != CHINCHILLA.arxiv_id
            ]
        )
    )

    assert [r.paper.arxiv_id for r in found] == [NEIGHBOUR.arxiv_id]


def test_a_paper_without_keywords_or_title_still_gets_a_query() -> None:
    assert similar_queries(Paper(arxiv_id="2605.00002", title="")) != []
