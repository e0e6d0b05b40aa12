"""Parse arXiv feeds: the export API (Atom, new and legacy formats) and announcement feeds.

Sources: https://info.arxiv.org/help/api/user-manual.html (API, error feed) and
https://info.arxiv.org/help/rss_specifications.html (RSS/Atom announcement feeds). feedparser reads
both by namespace, not element order, so the pre-2016 layout and the 2025 backend parse the same
way. One malformed entry is skipped with one log line; a body that is not complete XML is rejected
whole, so a truncated download never half-updates the library.
"""

from __future__ import annotations

import logging
import re
import xml.sax
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser

from bot.errors import BadPayload, UserError
from bot.papers import SOURCE_ARXIV, Paper, merge_papers
from bot.sources.arxiv.ids import parse_arxiv_id

# Re-exported: the text clean-up moved to bot.sources.arxiv.text.
from bot.sources.arxiv.text import is_withdrawn as is_withdrawn
from bot.sources.arxiv.text import split_creators as split_creators
from bot.sources.arxiv.text import tex_accents_to_unicode as tex_accents_to_unicode
from bot.sources.hf.parse import parse_timestamp
from bot.text import clean_text

log = logging.getLogger(__name__)

ANNOUNCE_TYPES = frozenset({"new", "cross", "replace", "replace-cross", "absonly"})
KIND_API = "api"
KIND_RSS = "rss"
KIND_LISTING = "listing"

_ERROR_ID = "arxiv.org/api/errors"
# arXiv categories look like ``cs.LG``, ``cond-mat.str-el``, ``hep-th``; the API also lists
# ACM (``I.2.7``) and MSC (``68T05``) classes as <category>, which are not arXiv categories.
_CATEGORY = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?$")
_RSS_PREFIX = re.compile(
    r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*)?",
    re.IGNORECASE,
)


class ArxivQueryRejected(UserError):
    """arXiv answered with its error feed (HTTP 400): the query itself is wrong."""


@dataclass(slots=True)
class ArxivBatch:
    """Papers parsed from one arXiv body, with what the body says about itself.

    ``announcements`` maps each paper id to its announce type (new, cross, replace,
    replace-cross) for announcement feeds and listing pages; API results have none.
    """

    kind: str
    papers: list[Paper] = field(default_factory=list)
    announcements: dict[str, str] = field(default_factory=dict)
    skipped: int = 0
    total_results: int | None = None
    category: str | None = None
    announced_on: date | None = None
    _positions: dict[str, int] = field(default_factory=dict, repr=False)

    def add(self, paper: Paper, announce_type: str | None = None) -> None:
        """Add a paper; the same paper twice in one body (v1 and v2) becomes one record."""
        position = self._positions.get(paper.arxiv_id)
        if position is None:
            self._positions[paper.arxiv_id] = len(self.papers)
            self.papers.append(paper)
        else:
            self.papers[position] = merge_papers(self.papers[position], paper)
        if announce_type is not None:
            self.announcements[paper.arxiv_id] = announce_type


def _categories(primary: str | None, terms: list[str]) -> tuple[str, ...]:
    ordered = [primary] if primary else []
    ordered += terms
    return tuple(dict.fromkeys(c for c in ordered if c and _CATEGORY.match(c)))


def _terms(entry: Any) -> list[str]:
    return [str(t.get("term") or "").strip() for t in entry.get("tags") or []]


def _require_id(raw: object) -> tuple[str, int | None]:
    parsed = parse_arxiv_id(raw) if isinstance(raw, str) else None
    if parsed is None:
        raise ValueError(f"no usable arXiv id ({raw!r})")
    return parsed.base, parsed.version


def _require_title(entry: Any, arxiv_id: str) -> str:
    title = clean_text(str(entry.get("title") or ""))
    if not title:
        raise ValueError(f"{arxiv_id} has no title")
    return title


def parse_api_entry(entry: Any, *, seen_at: datetime | None = None) -> Paper:
    """One export-API ``<entry>`` as a :class:`Paper`; ValueError when it is unusable."""
    arxiv_id, version = _require_id(entry.get("id") or entry.get("link"))
    title = _require_title(entry, arxiv_id)
    abstract = clean_text(str(entry.get("summary") or ""))
    comment = clean_text(str(entry.get("arxiv_comment") or "")) or None
    primary = (entry.get("arxiv_primary_category") or {}).get("term")
    authors = tuple(
        clean_text(str(a.get("name") or ""))
        for a in entry.get("authors") or []
        if str(a.get("name") or "").strip()
    )
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        authors=authors,
        version=version,
        published_at=parse_timestamp(entry.get("published")),
        categories=_categories(primary, _terms(entry)),
        arxiv_comment=comment,
        withdrawn=is_withdrawn(comment, abstract),
        sources=frozenset({SOURCE_ARXIV}),
        first_seen=seen_at,
        last_seen=seen_at,
    )


def parse_announcement_entry(
    entry: Any, *, feed_category: str | None, seen_at: datetime | None = None
) -> tuple[Paper, str]:
    """One announcement-feed item as (paper, announce type); ValueError when unusable.

    The feed's own category is the primary one for ``new`` and ``replace`` items, so it goes
    first; ``published_at`` is the announcement day only for a first announcement (a
    replacement of a years-old paper must not look new).
    """
    description = str(entry.get("summary") or "")
    prefix = _RSS_PREFIX.match(description)
    raw_id = entry.get("id") or (prefix.group("id") if prefix else None) or entry.get("link")
    arxiv_id, version = _require_id(raw_id)
    title = _require_title(entry, arxiv_id)
    announce_type = str(
        entry.get("arxiv_announce_type") or (prefix.group("type") if prefix else "")
    ).lower()
    if announce_type not in ANNOUNCE_TYPES:
        raise ValueError(f"{arxiv_id} has an unknown announce type {announce_type!r}")
    abstract = clean_text(description[prefix.end() :] if prefix else description)
    primary = feed_category if announce_type in ("new", "replace") else None
    first_announcement = announce_type in ("new", "cross") and version in (None, 1)
    return (
        Paper(
            arxiv_id=arxiv_id,
            title=title,
            abstract=abstract,
            authors=split_creators(str(entry.get("author") or "")),
            version=version,
            published_at=_rfc822(entry.get("published")) if first_announcement else None,
            categories=_categories(primary, _terms(entry)),
            withdrawn=is_withdrawn(None, abstract),
            sources=frozenset({SOURCE_ARXIV}),
            first_seen=seen_at,
            last_seen=seen_at,
        ),
        announce_type,
    )


def _rfc822(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return parse_timestamp(value)


def _feed_category(feed: Any) -> str | None:
    for link in [feed.get("link"), *[x.get("href") for x in feed.get("links") or []]]:
        if isinstance(link, str) and ("/rss/" in link or "/atom/" in link):
            return link.rstrip("/").rsplit("/", 1)[-1] or None
    title = str(feed.get("title") or "")  # "cs.LG updates on arXiv.org"
    if " updates on arXiv" not in title:
        return None
    return title.split(" updates on arXiv", 1)[0].strip() or None


def _load(body: bytes | str, what: str) -> Any:
    data = body.encode("utf-8") if isinstance(body, str) else body
    if not data.strip():
        raise BadPayload(f"The {what} is empty.")
    doc = feedparser.parse(data)  # bytes: never treated as a URL or a file name
    exc = doc.get("bozo_exception")
    if doc.get("bozo") and isinstance(exc, xml.sax.SAXParseException):
        raise BadPayload(
            f"The {what} is not complete XML (truncated?): {exc.getMessage()} "
            f"at line {exc.getLineNumber()}."
        )
    if not str(doc.get("version") or "").startswith(("atom", "rss")):
        raise BadPayload(f"The {what} is neither an Atom nor an RSS feed.")
    return doc


def _raise_if_error_feed(doc: Any) -> None:
    for entry in doc.entries:
        if _ERROR_ID in str(entry.get("id") or ""):
            reason = clean_text(str(entry.get("summary") or "")) or "no reason given"
            raise ArxivQueryRejected(
                f"arXiv rejected the query: {reason}.",
                example="paperboy fetch arxiv --id 2401.12345 --id cond-mat/0607501",
            )


def _int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def parse_arxiv_feed(
    body: bytes | str, *, seen_at: datetime | None = None, what: str = "arXiv response"
) -> ArxivBatch:
    """Parse an export-API Atom body or an announcement feed (RSS 2.0 or Atom).

    Raises :class:`ArxivQueryRejected` for arXiv's error feed and :class:`BadPayload` for a
    body that is not a complete feed. Zero entries is a valid, empty batch.
    """
    doc = _load(body, what)
    _raise_if_error_feed(doc)
    announcements = str(doc.version).startswith("rss") or any(
        e.get("arxiv_announce_type") for e in doc.entries
    )
    batch = ArxivBatch(kind=KIND_RSS if announcements else KIND_API)
    if announcements:
        batch.category = _feed_category(doc.feed)
        published = _rfc822(doc.feed.get("published") or doc.feed.get("updated"))
        batch.announced_on = published.date() if published else None
    else:
        batch.total_results = _int(doc.feed.get("opensearch_totalresults"))
    for position, entry in enumerate(doc.entries):
        try:
            if announcements:
                paper, announce_type = parse_announcement_entry(
                    entry, feed_category=batch.category, seen_at=seen_at
                )
                batch.add(paper, announce_type)
            else:
                batch.add(parse_api_entry(entry, seen_at=seen_at))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            batch.skipped += 1
            log.warning("skipping malformed arXiv entry #%d: %s", position, exc)
    return batch
