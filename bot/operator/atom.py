"""A channel's feed as Atom 1.0 (RFC 4287, https://www.rfc-editor.org/rfc/rfc4287).

Built with :mod:`xml.etree.ElementTree`, which escapes ``& < >`` and quotes in every text and
attribute, so a hostile title stays text. Characters XML 1.0 forbids (NUL, most control
characters, U+FFFE/U+FFFF) are dropped first: they would make the whole feed unreadable.
Required elements: the feed's ``id``, ``title``, ``updated`` and an ``author``; each entry's
``id``, ``title``, ``updated`` and an ``alternate`` link (RFC 4287 §4.1.1, §4.1.2).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.channels import ChannelSettings
from bot.operator.feeds import FeedEntry
from bot.ranking.blend import paper_date

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)
MAX_AUTHORS = 20
MAX_ABSTRACT = 2000
# XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


def _stamp(at: datetime) -> str:
    """An RFC 3339 date-time in UTC (Atom's date construct, RFC 4287 §3.3)."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def render_atom(
    channel: ChannelSettings, entries: Sequence[FeedEntry], *, self_url: str, now: datetime
) -> bytes:
    """The feed document, UTF-8 with an XML declaration."""
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", self_url)
    _add(feed, "title", f"Paperboy: papers for {channel.ref.display}")
    _add(feed, "subtitle", "Research papers Paperboy posted to this channel, newest first.")
    updated = max((entry.delivered_at for entry in entries), default=now)
    _add(feed, "updated", _stamp(updated))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    author = _add(feed, "author")
    _add(author, "name", "Paperboy")
    _add(feed, "generator", "Paperboy")
    for entry in entries:
        _entry(feed, entry)
    ET.indent(feed)
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def _entry(feed: ET.Element, entry: FeedEntry) -> None:
    paper = entry.paper
    node = _add(feed, "entry")
    _add(node, "id", paper.abs_url)
    _add(node, "title", paper.title, type="text")
    _add(node, "link", rel="alternate", type="text/html", href=paper.url)
    _add(node, "link", rel="related", type="application/pdf", href=paper.pdf_url, title="PDF")
    for name in paper.authors[:MAX_AUTHORS]:
        _add(_add(node, "author"), "name", name)
    if len(paper.authors) > MAX_AUTHORS:
        _add(_add(node, "contributor"), "name", f"and {len(paper.authors) - MAX_AUTHORS} more")
    published = paper_date(paper)
    if published is not None:
        _add(node, "published", _stamp(published))
    _add(node, "updated", _stamp(entry.delivered_at))
    for category in paper.categories:
        _add(node, "category", term=category)
    _add(node, "summary", entry.why, type="text")
    if paper.abstract:
        abstract = paper.abstract[:MAX_ABSTRACT]
        _add(node, "content", abstract + ("…" if len(paper.abstract) > MAX_ABSTRACT else ""))
