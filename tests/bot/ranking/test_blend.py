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
    assert results[0].why.startswith('title has "scaling laws"')


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


def test_two_word_queries_need_both_words_so_topics_stay_on_topic() -> None:
    results = rank_papers(parse_query("scaling zebra"), _library(), now=NOW)
    assert results == []
    diffusion = _paper("2606.00020", "Diffusion models for audio")
    unrelated = _paper("2606.00021", "Language models that reason")
    found = rank_papers(parse_query("diffusion models"), [diffusion, unrelated], now=NOW)
    assert [r.paper.arxiv_id for r in found] == ["2606.00020"]


def test_a_sentence_finds_the_paper_without_every_word() -> None:
    zero = _paper(
        "2606.00022",
        "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models",
        abstract="Large deep learning models offer significant accuracy gains, but training "
        "billions to trillions of parameters is challenging: the memory of each GPU is the "
        "limit. ZeRO removes memory redundancies across data-parallel processes.",
    )
    other = _paper("2606.00023", "Reducing hallucinations in captioning")
    results = rank_papers(
        parse_query("reducing GPU memory when training large models"), [zero, other], now=NOW
    )
    assert [r.paper.arxiv_id for r in results] == ["2606.00022"]
    assert "when" not in results[0].why and "reducing" not in results[0].why


def test_covering_more_of_the_query_ranks_higher() -> None:
    one = _paper("2606.00024", "Sparse attention kernels", abstract="Attention is costly.")
    all_three = _paper(
        "2606.00025", "Sparse attention", abstract="A kernel for long context inference."
    )
    query = parse_query("sparse attention long context inference")
    ids = [r.paper.arxiv_id for r in rank_papers(query, [one, all_three], now=NOW)]
    assert ids == ["2606.00025"]  # "one" covers 2 of 5 words: under the minimum
    query = parse_query("sparse attention kernels costly")
    ids = [r.paper.arxiv_id for r in rank_papers(query, [one, all_three], now=NOW)]
    assert ids == ["2606.00024", "2606.00025"]  # 4 of 4 words above 3 of 4


def test_plural_and_singular_agree_and_stopwords_never_decide() -> None:
    paper = _paper("2606.00026", "Training on a single GPU")
    assert rank_papers(parse_query("gpus"), [paper], now=NOW)
    plural = _paper("2606.00027", "Scheduling jobs on 10,000 GPUs")
    assert rank_papers(parse_query("gpu scheduling"), [plural], now=NOW)
    assert rank_papers(parse_query("the gpu"), [paper], now=NOW)
    assert not rank_papers(parse_query("the of and"), [paper], now=NOW)


def test_plus_requires_a_word_and_a_colon_word_is_text() -> None:
    a = _paper("2606.00028", "FewRel: a large-scale relation classification dataset")
    b = _paper("2606.00029", "Relation classification with few examples")
    lib = [a, b]
    ids = lambda q: [r.paper.arxiv_id for r in rank_papers(parse_query(q), lib, now=NOW)]  # noqa: E731
    assert sorted(ids("relation classification")) == ["2606.00028", "2606.00029"]
    assert ids("relation classification +fewrel") == ["2606.00028"]
    assert (
        ids("FewRel: A Large-Scale Supervised Few-Shot Relation Classification Dataset")[0]
        == "2606.00028"
    )


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
