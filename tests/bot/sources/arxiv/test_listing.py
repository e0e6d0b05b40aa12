"""The listing page fallback, and telling a saved arXiv body's kind from its bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import BadPayload
from bot.sources.arxiv.listing import parse_listing_page
from bot.sources.arxiv.parse import KIND_API, KIND_LISTING, KIND_RSS, ArxivQueryRejected
from bot.sources.arxiv.saved_body import parse_saved_arxiv_body
from tests.kit.arxiv import SYNTHETIC, atom_files, recorded, rss_files

LISTING = SYNTHETIC / "arxiv-list-cs.LG-new__SYNTHETIC.html"
EMPTY_LISTING = SYNTHETIC / "arxiv-list-cs.LG-new-empty__SYNTHETIC.html"


def test_listing_sections_become_announce_types() -> None:
    batch = parse_listing_page(LISTING.read_text(encoding="utf-8"))
    assert (batch.kind, batch.category, str(batch.announced_on)) == (
        KIND_LISTING,
        "cs.LG",
        "2026-04-27",
    )
    assert batch.announcements == {
        "2604.21952": "new",
        "2604.99001": "new",
        "2604.99002": "cross",
        "2604.99003": "replace",
        "2604.99004": "replace-cross",  # replaced, and its primary is stat.ML
    }
    assert batch.skipped == 1  # the item whose id was lost; the rest survive


def test_listing_item_fields() -> None:
    papers = {p.arxiv_id: p for p in parse_listing_page(LISTING.read_text("utf-8")).papers}
    sigma = papers["2604.99001"]
    assert sigma.title == "Σ-Flow: Learning ω-Regular Objectives with Diffusion"
    assert sigma.authors == ("Zoë Müller", "José Álvarez")
    assert sigma.arxiv_comment == "12 pages, 4 figures"
    assert sigma.abstract == "We learn ω-regular objectives with diffusion policies."
    assert sigma.sources == {"arxiv"} and sigma.version is None
    assert papers["2604.21952"].categories == ("cs.LG", "cs.AI", "cs.AR")
    assert papers["2604.99002"].categories == ("cs.AI", "cs.LG")
    assert papers["2604.99004"].withdrawn
    assert papers["2604.99003"].published_at is None  # replacements are not new papers


def test_a_listing_with_no_updates_is_empty_and_dated() -> None:
    batch = parse_listing_page(EMPTY_LISTING.read_text(encoding="utf-8"))
    assert batch.papers == [] and str(batch.announced_on) == "2026-12-25"


def test_an_html_page_that_is_not_a_listing_is_refused() -> None:
    with pytest.raises(BadPayload, match="not an arXiv listing page"):
        parse_listing_page("<html><body><p>Just a page</p></body></html>")


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        *[(p, KIND_API) for p in atom_files()],
        *[(p, KIND_RSS) for p in rss_files()],
        (LISTING, KIND_LISTING),
        (SYNTHETIC / "arxiv-rss-cs.LG-weekend-empty__SYNTHETIC.xml", KIND_RSS),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_saved_bodies_are_recognised(path: Path, kind: str) -> None:
    assert parse_saved_arxiv_body(path.read_bytes()).kind == kind


def test_saved_error_feed_and_garbage_get_clear_errors() -> None:
    with pytest.raises(ArxivQueryRejected, match="incorrect id format"):
        parse_saved_arxiv_body(recorded("id_abc")[1])
    with pytest.raises(BadPayload, match="neither an arXiv API"):
        parse_saved_arxiv_body(b'{"not": "arxiv"}')
    with pytest.raises(BadPayload, match="empty"):
        parse_saved_arxiv_body(b"\n \n")
    with pytest.raises(BadPayload, match="truncated"):
        parse_saved_arxiv_body(b"<?xml version='1.0' encoding='UTF-8'?>\n<fe")
