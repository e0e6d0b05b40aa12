"""One paper across HF and arXiv, in any order and any version (merge_papers, no database)."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from bot.papers import Paper, merge_papers
from bot.sources.arxiv.parse import parse_arxiv_feed
from bot.sources.hf.parse import parse_daily_papers_json
from tests.conftest import FIXTURES
from tests.kit.arxiv import ATOM, SYNTHETIC

HF_DAY = FIXTURES / "hf-daily-papers" / "llm-paper-radar__date_2026-05-08__37items.json"
OVERLAP = "2605.05242"


def _hf() -> Paper:
    papers = parse_daily_papers_json(HF_DAY.read_text(encoding="utf-8")).papers
    return next(p for p in papers if p.arxiv_id == OVERLAP)


def _from(path_name: str) -> Paper:
    batch = parse_arxiv_feed((SYNTHETIC / path_name).read_bytes())
    return next(p for p in batch.papers if p.arxiv_id == OVERLAP)


HF = _hf()
API_V2 = _from("arxiv-api-id_list-hf-overlap__SYNTHETIC.xml")
RSS_V3 = _from("arxiv-rss-cs.LG-announce-types__SYNTHETIC.xml")


def _merge_all(records: tuple[Paper, ...]) -> Paper:
    merged = records[0]
    for record in records[1:]:
        merged = merge_papers(merged, record)
    return merged


@pytest.mark.parametrize(
    "order", list(itertools.permutations((HF, API_V2, RSS_V3))), ids=lambda o: "-"
)
def test_hf_api_and_feed_records_merge_the_same_in_every_order(order: tuple[Paper, ...]) -> None:
    merged = _merge_all(order)
    assert merged.arxiv_id == OVERLAP
    assert merged.sources == {"hf", "arxiv"}
    assert (merged.upvotes, merged.github_stars) == (HF.upvotes, HF.github_stars) == (86, 101)
    assert merged.ai_summary == HF.ai_summary is not None
    assert merged.version == 3
    assert merged.categories == RSS_V3.categories  # the newest version's categories
    # The feed has no comment; it must not erase the one the API gave.
    assert merged.arxiv_comment == "v2: SYNTHETIC comment, 14 pages"
    assert not merged.withdrawn


def test_an_older_version_arriving_late_changes_nothing_it_owns() -> None:
    v1 = replace(API_V2, version=1, title="Old title", categories=("cs.IR",), arxiv_comment="v1")
    for merged in (merge_papers(API_V2, v1), merge_papers(v1, API_V2)):
        assert merged.version == 2
        assert merged.title == API_V2.title
        assert merged.categories == API_V2.categories
        assert merged.arxiv_comment == API_V2.arxiv_comment


def test_two_real_versions_of_a_legacy_paper_are_one_paper() -> None:
    v2 = parse_arxiv_feed((ATOM / "legacy-2016__id_list_1111.2011v2.xml").read_bytes()).papers[0]
    v1 = replace(v2, version=1, arxiv_comment="8 pages, 3 figures")
    merged = merge_papers(v1, v2)
    assert (merged.arxiv_id, merged.version) == ("1111.2011", 2)
    assert merged.arxiv_comment == "8 pages, 3 figures. Published version"


def test_withdrawn_stays_marked_whatever_arrives_next() -> None:
    withdrawn_v3 = replace(RSS_V3, withdrawn=True)
    for other in (HF, API_V2, replace(RSS_V3, withdrawn=False), replace(RSS_V3, version=4)):
        assert merge_papers(withdrawn_v3, other).withdrawn
        assert merge_papers(other, withdrawn_v3).withdrawn
    hf_withdrawn = replace(HF, withdrawn=True)  # HF's withdrawnAt counts too
    assert merge_papers(API_V2, hf_withdrawn).withdrawn
    assert merge_papers(hf_withdrawn, API_V2).withdrawn
