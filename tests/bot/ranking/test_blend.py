"""Ranking: relevance first, community lift bounded, filters honoured, reasons readable."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.papers import Paper
from bot.ranking.blend import community_lift, rank_papers
from bot.ranking.query import parse_query
from bot.sources.hf.parse import parse_daily_papers_json
from tests.conftest import hf_fixture_files

NOW = datetime(2026, 6, 14, 12, tzinfo=UTC)


def _paper(arxiv_id: str, title: str, **kwargs: object) -> Paper:
    return Paper(arxiv_id=arxiv_id, title=title, sources=frozenset({"hf"}), **kwargs)  # type: ignore[arg-type]  # test factory


def _library() -> list[Paper]:
    papers: list[Paper] = []
    for path in hf_fixture_files():
        papers += parse_daily_papers_json(path.read_text(encoding="utf-8")).papers
    return papers


def test_a_clearly_relevant_paper_ranks_first_for_its_topic() -> None:
    results = rank_papers(parse_query("scaling laws"), _library(), now=NOW)
    assert results[0].paper.title == "Prescriptive Scaling Laws for Data Constrained Training"
    assert results[0].why.startswith('title matches "scaling laws"')


def test_popular_unrelated_paper_never_buries_a_relevant_one() -> None:
    relevant = _paper(
        "2606.00001",
        "Scaling laws for sparse mixture of experts",
        abstract="We study scaling laws.",
        featured_on=date(2026, 5, 1),
    )
    popular = _paper(
        "2606.00002",
        "A video model",
        abstract="Results improve with scaling. Many laws of physics apply.",
        upvotes=5000,
        github_stars=90000,
        featured_on=date(2026, 6, 14),
    )
    results = rank_papers(parse_query("scaling laws"), [popular, relevant], now=NOW)
    assert [r.paper.arxiv_id for r in results] == ["2606.00001", "2606.00002"]


def test_lift_breaks_near_ties_in_favour_of_community_signal() -> None:
    quiet = _paper("2606.00003", "Scaling agents", featured_on=date(2026, 6, 1))
    loved = _paper("2606.00004", "Scaling agents", upvotes=150, featured_on=date(2026, 6, 1))
    results = rank_papers(parse_query("scaling agents"), [quiet, loved], now=NOW)
    assert results[0].paper.arxiv_id == "2606.00004"
    assert "150 upvotes" in results[0].why


def test_lift_is_bounded() -> None:
    huge = _paper("2606.00005", "x", upvotes=10**6, github_stars=10**6, featured_on=NOW.date())
    assert community_lift(huge, NOW) <= 1.6 + 1e-9


def test_every_word_must_match_and_unmatched_papers_are_left_out() -> None:
    results = rank_papers(parse_query("scaling zebra"), _library(), now=NOW)
    assert results == []


def test_stemming_finds_other_word_forms() -> None:
    paper = _paper("2606.00006", "How models scale with data")
    assert rank_papers(parse_query("scaling"), [paper], now=NOW)


def test_filters_and_exclusions() -> None:
    a = _paper("2606.00007", "Diffusion for video", upvotes=3, categories=("cs.CV",))
    b = _paper(
        "2606.00008",
        "Diffusion for text",
        upvotes=30,
        authors=("Ada Lovelace",),
        organization="Analytical Engines",
        categories=("cs.CL",),
        featured_on=date(2026, 6, 10),
    )
    lib = [a, b]
    ids = lambda q: [r.paper.arxiv_id for r in rank_papers(parse_query(q), lib, now=NOW)]  # noqa: E731
    assert ids("diffusion -video") == ["2606.00008"]
    assert ids("diffusion min-upvotes:10") == ["2606.00008"]
    assert ids("author:lovelace") == ["2606.00008"]
    assert ids("org:analytical") == ["2606.00008"]
    assert ids("cat:cs.CV") == ["2606.00007"]
    assert ids("diffusion since:7d") == ["2606.00008"]


def test_phrases_must_appear_in_order() -> None:
    a = _paper("2606.00009", "Laws of scaling")
    b = _paper("2606.00010", "Scaling laws revisited")
    results = rank_papers(parse_query('"scaling laws"'), [a, b], now=NOW)
    assert [r.paper.arxiv_id for r in results] == ["2606.00010"]


def test_withdrawn_papers_are_never_ranked() -> None:
    paper = _paper("2606.00011", "Scaling", withdrawn=True)
    assert rank_papers(parse_query("scaling"), [paper], now=NOW) == []
