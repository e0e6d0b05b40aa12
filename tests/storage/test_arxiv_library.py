"""HF and arXiv batches in the real database: one row per paper, whatever the order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from bot.papers import Paper
from bot.ranking.query import parse_query
from bot.ranking.search import ScanRanker
from bot.sources.arxiv.listing import parse_listing_page
from bot.sources.arxiv.parse import parse_arxiv_feed
from bot.sources.hf.parse import parse_daily_papers_json
from storage.paper_repository import SqlPaperRepository
from tests.conftest import FIXTURES
from tests.kit.arxiv import RSS, SYNTHETIC

HF_DAY = FIXTURES / "hf-daily-papers" / "llm-paper-radar__date_2026-05-08__37items.json"


def _batches() -> dict[str, list[Paper]]:
    def feed(path: str) -> list[Paper]:
        return parse_arxiv_feed((SYNTHETIC / path).read_bytes()).papers

    return {
        "hf": parse_daily_papers_json(HF_DAY.read_text(encoding="utf-8")).papers,
        "api": feed("arxiv-api-id_list-hf-overlap__SYNTHETIC.xml"),
        "rss-synthetic": feed("arxiv-rss-cs.LG-announce-types__SYNTHETIC.xml"),
        "rss-real": parse_arxiv_feed(
            (RSS / "distill__cs.LG__2026-04-27__3items.xml").read_bytes()
        ).papers,
        "listing": parse_listing_page(
            (SYNTHETIC / "arxiv-list-cs.LG-new__SYNTHETIC.html").read_text(encoding="utf-8")
        ).papers,
    }


@pytest.mark.parametrize("reverse", [False, True], ids=["hf-first", "arxiv-first"])
def test_no_paper_is_stored_twice_and_each_source_keeps_its_fields(
    engine: Engine, reverse: bool
) -> None:
    batches = _batches()
    order = list(batches)[::-1] if reverse else list(batches)
    repo = SqlPaperRepository(engine)
    for name in order:
        repo.upsert_papers(batches[name])
    unique_ids = {p.arxiv_id for papers in batches.values() for p in papers}
    assert repo.count() == len(unique_ids) == 37 + 1 + 3 + 2 + 2

    (overlap,) = repo.get_papers(["2605.05242"])
    assert overlap.sources == {"hf", "arxiv"}
    assert (overlap.upvotes, overlap.github_stars, overlap.version) == (86, 101, 3)
    assert overlap.categories == ("cs.IR", "cs.CL", "cs.LG")
    assert overlap.arxiv_comment == "v2: SYNTHETIC comment, 14 pages"

    (cross,) = repo.get_papers(["2604.99002"])  # cross-listed in the feed and the listing
    assert cross.categories[0] == "cs.AI"
    (withdrawn,) = repo.get_papers(["2604.99004"])
    assert withdrawn.withdrawn


def test_withdrawn_papers_never_come_back_from_search(engine: Engine) -> None:
    repo = SqlPaperRepository(engine)
    repo.upsert_papers(_batches()["listing"])
    ranker = ScanRanker(repo)
    now = datetime(2026, 4, 28, tzinfo=UTC)
    assert ranker.search(parse_query("kernel two-sample"), limit=5, now=now) == []
    found = ranker.search(parse_query("planning agents cat:cs.LG"), limit=5, now=now)
    assert [r.paper.arxiv_id for r in found] == ["2604.99002"]
