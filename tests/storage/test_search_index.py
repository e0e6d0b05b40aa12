"""The search index's own promises: it analyses text like the query language, and its copy
of each paper reads back exactly."""

from __future__ import annotations

from pathlib import Path

from bot.papers import Paper
from bot.ranking.query import stems
from bot.sources.hf.parse import parse_daily_papers_json
from storage.search_index import TantivyIndex, paper_from_json, paper_to_json
from tests.conftest import hf_fixture_files


def _fixture_papers() -> list[Paper]:
    papers: list[Paper] = []
    for path in hf_fixture_files():
        papers += parse_daily_papers_json(path.read_text(encoding="utf-8")).papers
    return papers


def test_the_index_stems_every_word_as_the_query_language_does(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index", writer_heap_mb=15, threads=1)
    texts = [f"{p.title} {p.abstract}" for p in _fixture_papers()]
    assert texts
    for text in texts:
        assert index.analyze(text) == stems(text)


def test_the_stored_copy_of_a_paper_reads_back_unchanged() -> None:
    for paper in _fixture_papers():
        assert paper_from_json(paper_to_json(paper)) == paper
