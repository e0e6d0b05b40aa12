"""The Hugging Face parsers on every recorded payload, plus malformed and hostile bodies."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from bot.errors import BadPayload
from bot.sources.hf.parse import parse_daily_papers_json, parse_papers_page, parse_saved_body
from tests.conftest import FIXTURES, hf_fixture_files


@pytest.mark.parametrize("path", hf_fixture_files(), ids=lambda p: p.name)
def test_every_recorded_payload_parses_completely(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    result = parse_daily_papers_json(path.read_text(encoding="utf-8"))
    assert result.skipped == 0
    assert len(result.papers) == len(raw)
    for paper, entry in zip(result.papers, raw, strict=True):
        assert paper.arxiv_id == entry["paper"]["id"]
        assert paper.title and "\n" not in paper.title
        assert paper.upvotes == entry["paper"]["upvotes"]
        assert len(paper.authors) == len(entry["paper"]["authors"])  # hidden authors kept
        assert paper.featured_on is not None
        assert paper.sources == {"hf"}


def test_featured_day_comes_from_submitted_on_daily_not_entry_published_at() -> None:
    path = FIXTURES / "hf-daily-papers" / "sotawhat__limit30__2026-06-12.json"
    papers = parse_daily_papers_json(path.read_text(encoding="utf-8")).papers
    assert {p.featured_on.isoformat() for p in papers if p.featured_on} == {"2026-06-12"}
    first = papers[0]
    assert first.published_at is not None and first.published_at.hour == 0


def test_missing_ai_fields_are_absent_not_errors() -> None:
    path = FIXTURES / "hf-daily-papers" / "all-news-ai__date_2026-07-31__5items.json"
    papers = parse_daily_papers_json(path.read_text(encoding="utf-8")).papers
    assert all(p.ai_summary is None and p.ai_keywords == () for p in papers)
    assert any("Σ" in p.title or "β" in p.title for p in papers)  # non-ASCII survives


def test_optional_fields_are_read_when_present() -> None:
    path = FIXTURES / "hf-daily-papers" / "sotawhat__limit30__2026-06-12.json"
    papers = parse_daily_papers_json(path.read_text(encoding="utf-8")).papers
    assert sum(1 for p in papers if p.github_repo) == 16
    assert sum(1 for p in papers if p.project_page) == 13
    assert all(p.thumbnail and p.thumbnail.startswith("https://") for p in papers)
    assert any(p.organization for p in papers)


def test_one_malformed_entry_is_skipped_not_the_batch() -> None:
    path = FIXTURES / "hf-daily-papers" / "newsassistant__2026-08-03__3items.json"
    entries = json.loads(path.read_text(encoding="utf-8"))
    entries.insert(1, {"paper": {"title": "no id"}})
    entries.append("not even an object")
    entries.append({"paper": {"id": "2608.00001", "title": "   "}})
    result = parse_daily_papers_json(json.dumps(entries))
    assert len(result.papers) == 3
    assert result.skipped == 3


def test_unknown_keys_and_wrong_types_are_tolerated() -> None:
    entry = {
        "paper": {
            "id": "2608.00002v3",
            "title": "A  title\nwrapped",
            "upvotes": "many",
            "githubStars": True,
            "authors": [{"name": "A"}, {"nope": 1}, "x"],
            "brandNewField": {"x": 1},
        },
        "somethingElse": [],
    }
    (paper,) = parse_daily_papers_json(json.dumps([entry])).papers
    assert paper.arxiv_id == "2608.00002"
    assert paper.title == "A title wrapped"
    assert paper.upvotes == 0 and paper.github_stars is None
    assert paper.authors == ("A",)


@pytest.mark.parametrize(
    "body",
    ['[{"paper": {"id": "2606.1', "<html>", "", "null", '{"error": "x"}'],
    ids=["truncated", "html-no-block", "empty", "null", "object"],
)
def test_bad_bodies_raise_one_clear_error(body: str) -> None:
    with pytest.raises(BadPayload) as info:
        parse_saved_body(body)
    assert info.value.message and "Traceback" not in info.value.message


def _synthetic_page(entries: list[object]) -> str:
    """SYNTHETIC: a real payload embedded in data-props the way docs/sources.md describes."""
    props = html.escape(json.dumps({"dateString": "2026-06-12", "dailyPapers": entries}))
    return (
        "<!doctype html><html><body><main>"
        f'<div class="SVELTE_HYDRATER contents" data-target="DailyPapers" data-props="{props}">'
        "</div></main></body></html>"
    )


def test_html_page_with_real_payload_in_data_props() -> None:
    path = FIXTURES / "hf-daily-papers" / "sotawhat__limit30__2026-06-12.json"
    entries = json.loads(path.read_text(encoding="utf-8"))
    from_page = parse_papers_page(_synthetic_page(entries)).papers
    from_api = parse_daily_papers_json(path.read_text(encoding="utf-8")).papers
    assert from_page == from_api


def test_html_page_without_papers_block() -> None:
    with pytest.raises(BadPayload, match="no Daily Papers block"):
        parse_papers_page("<html><div data-target='Other' data-props='{}'></div></html>")
