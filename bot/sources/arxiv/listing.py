"""Parse arXiv's listing page ``/list/<cat>/new``: the fallback when the feed lags.

The page is built from arXiv-browse's Jinja templates
(github.com/arXiv/arxiv-browse, ``browse/templates/list/``): one ``<dl
id='articles'>`` per section (New / Cross / Replacement submissions), each item a ``<dt>``
(id, "(cross-list from …)" or "(replaced)") followed by a ``<dd>`` with the title, authors,
optional comments, subjects (primary first) and, on ``/new``, the abstract. Titles and
abstracts are already TeX→Unicode converted. No version is shown, so papers carry none.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, time
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from bot.errors import BadPayload
from bot.papers import SOURCE_ARXIV, Paper
from bot.sources.arxiv.ids import parse_arxiv_id
from bot.sources.arxiv.parse import KIND_LISTING, ArxivBatch, is_withdrawn
from bot.text import clean_text

log = logging.getLogger(__name__)

_SHOWING = re.compile(r"Showing new listings for\s+(.+)$", re.IGNORECASE)
_SUBJECT = re.compile(r"\(([a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?)\)\s*$")
_SECTIONS = (("new", "new"), ("cross", "cross"), ("replacement", "replace"))


def _text(node: Any | None, descriptor: str = "") -> str:
    if node is None:
        return ""
    text = clean_text(node.text(deep=True, separator=" ", strip=False))
    if descriptor and text.startswith(descriptor):
        text = text[len(descriptor) :]
    return clean_text(text)


def _subjects(node: Any | None) -> tuple[str, ...]:
    found = []
    for part in _text(node, "Subjects:").split(";"):
        match = _SUBJECT.search(part.strip())
        if match:
            found.append(match.group(1))
    return tuple(dict.fromkeys(found))


def _section_type(dl: Any) -> str:
    heading = _text(dl.css_first("h3")).lower()
    for prefix, announce_type in _SECTIONS:
        if heading.startswith(prefix):
            return announce_type
    return "new"


def _parse_item(
    dt: Any,
    dd: Any,
    *,
    section: str,
    category: str | None,
    day: date | None,
    seen_at: datetime | None,
) -> tuple[Paper, str]:
    anchor = dt.css_first('a[title="Abstract"]')
    raw_id = (anchor.attributes.get("id") or anchor.attributes.get("href")) if anchor else None
    parsed = parse_arxiv_id(raw_id.removeprefix("/abs/")) if raw_id else None
    if parsed is None:
        raise ValueError(f"no usable arXiv id ({raw_id!r})")
    title = _text(dd.css_first("div.list-title"), "Title:")
    if not title:
        raise ValueError(f"{parsed.base} has no title")
    categories = _subjects(dd.css_first("div.list-subjects"))
    announce_type = section
    if section == "replace" and category and categories and categories[0] != category:
        announce_type = "replace-cross"
    comment = _text(dd.css_first("div.list-comments"), "Comments:") or None
    abstract = _text(dd.css_first("p.mathjax"))
    authors_node = dd.css_first("div.list-authors")
    authors = tuple(
        name for name in (_text(a) for a in (authors_node.css("a") if authors_node else [])) if name
    )
    published = (
        datetime.combine(day, time(), tzinfo=UTC) if day and announce_type == "new" else None
    )
    paper = Paper(
        arxiv_id=parsed.base,
        title=title,
        abstract=abstract,
        authors=authors,
        version=parsed.version,
        published_at=published,
        categories=categories,
        arxiv_comment=comment,
        withdrawn=is_withdrawn(comment, abstract),
        sources=frozenset({SOURCE_ARXIV}),
        first_seen=seen_at,
        last_seen=seen_at,
    )
    return paper, announce_type


def _announced_on(tree: LexborHTMLParser) -> date | None:
    for h3 in tree.css("#dlpage h3"):
        match = _SHOWING.search(_text(h3))
        if match:
            try:
                return datetime.strptime(match.group(1).strip(), "%A, %d %B %Y").date()
            except ValueError:
                return None
    return None


def _category(tree: LexborHTMLParser) -> str | None:
    for anchor in tree.css('a[id^="recent-"]'):
        value = (anchor.attributes.get("id") or "").removeprefix("recent-")
        if value:
            return value
    return None


def parse_listing_page(html: str, *, seen_at: datetime | None = None) -> ArxivBatch:
    """Parse ``/list/<cat>/new``; BadPayload when the page is not an arXiv listing."""
    tree = LexborHTMLParser(html)
    if tree.css_first("#dlpage") is None:
        raise BadPayload("This HTML page is not an arXiv listing page (no div#dlpage).")
    batch = ArxivBatch(
        kind=KIND_LISTING, category=_category(tree), announced_on=_announced_on(tree)
    )
    position = 0
    for dl in tree.css("dl"):
        if dl.attributes.get("id") != "articles":
            continue
        section = _section_type(dl)
        current_dt = None
        for child in dl.iter():
            if child.tag == "dt":
                current_dt = child
            elif child.tag == "dd" and current_dt is not None:
                position += 1
                try:
                    paper, announce_type = _parse_item(
                        current_dt,
                        child,
                        section=section,
                        category=batch.category,
                        day=batch.announced_on,
                        seen_at=seen_at,
                    )
                except (ValueError, TypeError, AttributeError) as exc:
                    batch.skipped += 1
                    log.warning("skipping malformed arXiv listing item #%d: %s", position, exc)
                else:
                    batch.add(paper, announce_type)
                current_dt = None
    return batch
