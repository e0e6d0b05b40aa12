"""Parsing arXiv's export API and announcement feeds, on every recorded payload."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.errors import BadPayload
from bot.papers import Paper
from bot.sources.arxiv.categories import is_known_category
from bot.sources.arxiv.ids import parse_arxiv_id
from bot.sources.arxiv.parse import (
    KIND_API,
    KIND_RSS,
    ArxivQueryRejected,
    is_withdrawn,
    parse_arxiv_feed,
    split_creators,
)
from tests.kit.arxiv import (
    ATOM,
    RSS,
    SYNTHETIC,
    atom_files,
    recorded,
    recorded_files,
    rss_files,
)


def _assert_clean_papers(papers: list[Paper]) -> None:
    for paper in papers:
        assert parse_arxiv_id(paper.arxiv_id) is not None
        assert paper.sources == {"arxiv"}
        assert paper.title and "\n" not in paper.title and "  " not in paper.title
        assert "  " not in paper.abstract and not paper.abstract.startswith(" ")
        assert paper.authors and all(name == name.strip() for name in paper.authors)
        assert paper.categories and all(is_known_category(c) for c in paper.categories)
        assert paper.version is not None and paper.version >= 1


@pytest.mark.parametrize("path", atom_files(), ids=lambda p: p.name)
def test_every_recorded_api_body_parses_into_clean_papers(path: Path) -> None:
    batch = parse_arxiv_feed(path.read_bytes())
    entries = path.read_text(encoding="utf-8").count("<entry>")
    assert batch.kind == KIND_API
    assert len(batch.papers) == entries and batch.skipped == 0
    _assert_clean_papers(batch.papers)
    assert all(p.published_at is not None for p in batch.papers)


@pytest.mark.parametrize("path", rss_files(), ids=lambda p: p.name)
def test_every_recorded_rss_feed_parses_with_announce_types(path: Path) -> None:
    batch = parse_arxiv_feed(path.read_bytes())
    category = path.name.split("__")[1]
    assert batch.kind == KIND_RSS
    assert batch.category == category
    assert str(batch.announced_on) == "2026-04-27"
    assert len(batch.papers) == 3 and batch.skipped == 0
    assert set(batch.announcements.values()) == {"new"}
    _assert_clean_papers(batch.papers)
    for paper in batch.papers:
        assert paper.categories[0] == category  # "new" in this feed: its primary category
        assert not paper.abstract.startswith(("arXiv:", "Abstract"))


@pytest.mark.parametrize("path", recorded_files(), ids=lambda p: p.name)
def test_every_arxiv_py_recording_is_handled(path: Path) -> None:
    status, body = recorded(path)
    if status == 400:
        with pytest.raises(ArxivQueryRejected, match="incorrect id format for abc"):
            parse_arxiv_feed(body)
        return
    batch = parse_arxiv_feed(body)
    assert batch.kind == KIND_API
    if "0000.0000" in path.name:
        assert batch.papers == [] and batch.total_results == 0
    else:
        assert batch.papers
        _assert_clean_papers(batch.papers)


def test_recorded_single_ids_keep_their_key_and_version() -> None:
    (paper,) = parse_arxiv_feed(recorded("id_2104.12255v1")[1]).papers
    assert (paper.arxiv_id, paper.version, paper.title) == ("2104.12255", 1, "0")
    (latest,) = parse_arxiv_feed(recorded("id_1605.08386")[1]).papers
    assert latest.arxiv_id == "1605.08386" and latest.version is not None
    (old,) = parse_arxiv_feed(recorded("id_astro-ph_0601001")[1]).papers
    assert old.arxiv_id == "astro-ph/0601001" and old.categories == ("astro-ph",)
    assert old.abstract.startswith("We derive the frequencies")  # leading spaces gone


def test_latex_and_unicode_titles_are_kept_as_written() -> None:
    batch = parse_arxiv_feed(recorded("q_testing")[1])
    titles = {p.arxiv_id: p.title for p in batch.papers}
    assert len(batch.papers) == 100
    assert titles["2306.03845"].startswith("$ω$Test: WebView-Oriented Testing")


def test_legacy_format_is_unwrapped_and_keeps_primary_category_first() -> None:
    batch = parse_arxiv_feed((ATOM / "legacy-2016__id_list_1111.2011v2.xml").read_bytes())
    (paper,) = batch.papers
    assert paper.title == (
        "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    )
    assert paper.version == 2
    assert paper.categories == ("cond-mat.str-el", "cond-mat.stat-mech")
    assert paper.arxiv_comment == "8 pages, 3 figures. Published version"
    assert paper.authors == ("James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic")
    two = parse_arxiv_feed(
        (ATOM / "legacy-2016__au_del_maestro_AND_ti_quantum_criticality.xml").read_bytes()
    )
    assert [p.arxiv_id for p in two.papers] == ["1111.2011", "cond-mat/0607501"]


def test_new_format_fields() -> None:
    batch = parse_arxiv_feed(
        (ATOM / "sotawhat__query_transformer_cs.LG__2026-06-14.xml").read_bytes()
    )
    first = batch.papers[0]
    assert batch.total_results == 28946
    assert (first.arxiv_id, first.version) == ("2606.13677", 1)
    assert first.title == "Mana: Dexterous Manipulation of Articulated Tools"
    assert first.categories[0] == "cs.RO"
    assert first.arxiv_comment and first.arxiv_comment.startswith("Project Page")
    assert str(first.published_at) == "2026-06-11 17:59:49+00:00"


def test_rss_item_details() -> None:
    batch = parse_arxiv_feed((RSS / "distill__cs.LG__2026-04-27__3items.xml").read_bytes())
    paper = batch.papers[0]
    assert paper.arxiv_id == "2604.21952" and paper.version == 1
    assert paper.authors[:2] == ("Muhammad Shafique", "Abdul Basit")
    assert paper.categories == ("cs.LG", "cs.AI", "cs.AR", "cs.NE", "cs.RO")
    assert paper.abstract.startswith("This work presents a multi-layered methodology")
    assert "resolution & stride" in paper.abstract
    assert batch.announcements[paper.arxiv_id] == "new"


def test_synthetic_feed_covers_cross_replace_and_withdrawal() -> None:
    batch = parse_arxiv_feed(
        (SYNTHETIC / "arxiv-rss-cs.LG-announce-types__SYNTHETIC.xml").read_bytes()
    )
    assert batch.announcements == {
        "2604.21952": "new",
        "2604.99002": "cross",
        "2605.05242": "replace-cross",
        "2604.99004": "replace-cross",
    }
    assert batch.skipped == 1  # the item with no id; the other four survive
    papers = {p.arxiv_id: p for p in batch.papers}
    assert papers["2604.99002"].authors == ("Jane Doe", "Bob Barthélemy")
    assert papers["2604.99002"].categories[0] == "cs.AI"  # a cross-list keeps its own primary
    assert papers["2604.99004"].withdrawn
    assert papers["2605.05242"].version == 3
    assert papers["2605.05242"].published_at is None  # a replacement is not a new paper
    assert papers["2604.21952"].published_at is not None


def test_weekend_feed_is_empty_not_an_error() -> None:
    batch = parse_arxiv_feed(
        (SYNTHETIC / "arxiv-rss-cs.LG-weekend-empty__SYNTHETIC.xml").read_bytes()
    )
    assert batch.kind == KIND_RSS and batch.papers == []
    assert (batch.category, str(batch.announced_on)) == ("cs.LG", "2026-04-25")


@pytest.mark.parametrize("path", [*atom_files(), *rss_files()], ids=lambda p: p.name)
def test_a_truncated_body_is_rejected_whole(path: Path) -> None:
    body = path.read_bytes()
    with pytest.raises(BadPayload, match=r"not complete XML \(truncated\?\)"):
        parse_arxiv_feed(body[: len(body) // 2])


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"", "is empty"), (b"<html><body>hi</body></html>", "neither an Atom nor an RSS")],
)
def test_a_body_that_is_not_a_feed_gets_a_clear_error(body: bytes, message: str) -> None:
    with pytest.raises(BadPayload, match=message):
        parse_arxiv_feed(body)


def test_one_bad_entry_never_drops_the_batch() -> None:
    body = (ATOM / "brevio__cat_cs.LG_OR_cs.AI__2026-04-30.xml").read_text(encoding="utf-8")
    broken = re.sub(r"<id>http://arxiv.org/abs/[^<]+</id>", "<id>garbage</id>", body, count=1)
    batch = parse_arxiv_feed(broken)
    assert batch.skipped == 1 and len(batch.papers) == 19


def test_creators_split_on_top_level_commas_and_drop_affiliations() -> None:
    creators = "A. One (MIT, CSAIL), B. Two, and C. Thr\\'ee (ETH)"
    assert split_creators(creators) == ("A. One", "B. Two", "C. Thrée")


def test_withdrawn_is_read_from_the_comment_or_a_withdrawal_abstract() -> None:
    assert is_withdrawn("This paper has been withdrawn by the author", "")
    assert is_withdrawn("Withdrawn: error in Lemma 3", "")
    assert is_withdrawn(None, "This paper has been withdrawn due to a crucial error.")
    assert not is_withdrawn("12 pages, 3 figures", "We study withdrawn samples in trials.")


# The Atom variant of the announcement feed (rss.arxiv.org/atom/<cat>), written here from the
# shape in arXiv's atom_specifications
# (https://info.arxiv.org/help/atom_specifications.html): no real recording exists.
ATOM_ANNOUNCEMENTS = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"
      xmlns:dc="http://purl.org/dc/elements/1.1/">
  <id>http://rss.arxiv.org/atom/cs.LG</id>
  <title>cs.LG updates on arXiv.org</title>
  <link href="http://rss.arxiv.org/atom/cs.LG" rel="self" type="application/atom+xml"/>
  <updated>2026-04-28T00:00:00-04:00</updated>
  <entry>
    <id>oai:arXiv.org:2203.01250v3</id>
    <title>A replaced paper</title>
    <updated>2026-04-28T00:00:00-04:00</updated>
    <link href="https://arxiv.org/abs/2203.01250" rel="alternate" type="text/html"/>
    <summary>arXiv:2203.01250v3 Announce Type: replace
Abstract: Still the same paper, version three.</summary>
    <category term="cs.LG"/>
    <category term="stat.ML"/>
    <published>2026-04-28T00:00:00-04:00</published>
    <arxiv:announce_type>replace</arxiv:announce_type>
    <dc:creator>Ann Smith, Bob Jones</dc:creator>
  </entry>
</feed>
"""


def test_atom_announcement_feed_is_read_like_rss() -> None:
    batch = parse_arxiv_feed(ATOM_ANNOUNCEMENTS)
    assert (batch.kind, batch.category, str(batch.announced_on)) == (
        KIND_RSS,
        "cs.LG",
        "2026-04-28",
    )
    (paper,) = batch.papers
    assert (paper.arxiv_id, paper.version, paper.authors) == (
        "2203.01250",
        3,
        ("Ann Smith", "Bob Jones"),
    )
    assert paper.abstract == "Still the same paper, version three."
    assert batch.announcements == {"2203.01250": "replace"}


def test_the_same_paper_twice_in_one_body_is_one_record() -> None:
    body = (ATOM / "legacy-2016__au_del_maestro_AND_ti_quantum_criticality.xml").read_bytes()
    batch = parse_arxiv_feed(body.replace(b"cond-mat/0607501v2", b"1111.2011v1"))
    assert [(p.arxiv_id, p.version) for p in batch.papers] == [("1111.2011", 2)]
    assert batch.papers[0].title.startswith("Quantum Criticality for Extended Nodes")
