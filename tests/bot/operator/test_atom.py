"""The Atom document itself: RFC 4287's required elements, and hostile text kept as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import feedparser

from bot.channels import ChannelSettings, Subscription
from bot.chat import ChannelRef
from bot.operator.atom import ATOM, render_atom
from bot.operator.feeds import FeedEntry, feed_entries, feed_url, token_from_path
from bot.papers import Paper

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
NS = {"a": ATOM}
SELF = "https://paperboy.example.com/feeds/" + "t" * 43 + ".atom"


def channel(name: str = "general", *topics: str) -> ChannelSettings:
    subs = tuple(Subscription(i, t) for i, t in enumerate(topics, 1))
    return ChannelSettings(pk=1, ref=ChannelRef("console", name, name=name), topics=subs)


def test_required_elements_of_feed_and_entries() -> None:
    paper = Paper(arxiv_id="2611.00001", title="Scaling laws", featured_on=date(2026, 11, 26))
    body = render_atom(channel(), [FeedEntry(paper, NOW, "why")], self_url=SELF, now=NOW)
    root = ET.fromstring(body)
    assert root.tag == f"{{{ATOM}}}feed"
    for tag in ("a:id", "a:title", "a:updated", "a:author/a:name"):
        assert root.find(tag, NS) is not None, tag
    entry = root.find("a:entry", NS)
    assert entry is not None
    for tag in ("a:id", "a:title", "a:updated", "a:summary"):
        assert entry.find(tag, NS) is not None, tag
    alternate = entry.find("a:link[@rel='alternate']", NS)
    assert alternate is not None and alternate.get("href") == paper.abs_url
    assert body.startswith(b"<?xml version='1.0' encoding='utf-8'?>")


def test_characters_xml_cannot_carry_are_dropped_and_markup_stays_text() -> None:
    title = "A\x00B\x1b<i>C</i>\ufffe&amp;"
    paper = Paper(arxiv_id="2611.00001", title=title, authors=("</name><x>",))
    body = render_atom(
        channel('ev"il<chan>'), [FeedEntry(paper, NOW, "<b>why</b>")], self_url=SELF, now=NOW
    )
    parsed = feedparser.parse(body)
    assert not parsed.bozo
    assert parsed.feed.title == 'Paperboy: papers for #ev"il<chan>'
    assert parsed.entries[0].title == "AB<i>C</i>&amp;"
    assert parsed.entries[0].authors[0].name == "</name><x>"
    assert parsed.entries[0].summary == "<b>why</b>"


def test_entries_say_why_with_the_digests_reason_line() -> None:
    paper = Paper(arxiv_id="2611.00001", title="Scaling laws", upvotes=3)
    unrelated = Paper(arxiv_id="2611.00002", title="Robots")
    entries = feed_entries(channel("general", "scaling"), [(paper, NOW), (unrelated, NOW)], NOW)
    assert [e.why for e in entries] == ['title has "scaling" · 3 upvotes', "posted in #general"]


def test_token_paths() -> None:
    assert token_from_path("t" * 43 + ".atom") == "t" * 43
    for bad in ("t" * 43, "t" * 10 + ".atom", "../x.atom", "t" * 65 + ".atom", ".atom"):
        assert token_from_path(bad) is None
    assert feed_url("https://x.example/base/", "abc") == "https://x.example/base/feeds/abc.atom"
