"""One paper across sources and versions: merging keeps each source's own fields."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from bot.papers import Paper, merge_papers
from bot.sources.arxiv.ids import ArxivId, parse_arxiv_id


def test_id_normalisation_strips_prefixes_and_versions() -> None:
    assert parse_arxiv_id("https://arxiv.org/abs/2401.12345v2") == ArxivId("2401.12345", 2)
    assert parse_arxiv_id("oai:arXiv.org:2604.21952v1") == ArxivId("2604.21952", 1)
    assert parse_arxiv_id("arXiv:1501.00001") == ArxivId("1501.00001", None)
    assert parse_arxiv_id("http://arxiv.org/pdf/cond-mat/0607501v2.pdf") == ArxivId(
        "cond-mat/0607501", 2
    )
    assert parse_arxiv_id("not an id") is None


HF = Paper(
    arxiv_id="2606.00001",
    title="Title from HF",
    upvotes=40,
    github_stars=12,
    featured_on=date(2026, 6, 12),
    sources=frozenset({"hf"}),
)
ARXIV_V2 = Paper(
    arxiv_id="2606.00001",
    title="Title v2",
    version=2,
    categories=("cs.LG", "cs.AI"),
    arxiv_comment="12 pages",
    published_at=datetime(2026, 6, 1, tzinfo=UTC),
    sources=frozenset({"arxiv"}),
)
ARXIV_V1 = Paper(
    arxiv_id="2606.00001",
    title="Title v1",
    version=1,
    categories=("cs.LG",),
    sources=frozenset({"arxiv"}),
)


def test_merge_in_either_order_gives_the_same_paper() -> None:
    one = merge_papers(merge_papers(HF, ARXIV_V2), ARXIV_V1)
    two = merge_papers(merge_papers(ARXIV_V1, ARXIV_V2), HF)
    for merged in (one, two):
        assert merged.upvotes == 40 and merged.github_stars == 12
        assert merged.categories == ("cs.LG", "cs.AI")
        assert merged.version == 2
        assert merged.sources == {"hf", "arxiv"}


def test_hf_refetch_updates_upvotes_and_arxiv_never_resets_them() -> None:
    refreshed = merge_papers(HF, replace(HF, upvotes=55))
    assert refreshed.upvotes == 55
    assert merge_papers(refreshed, ARXIV_V1).upvotes == 55
