"""Parse Hugging Face Daily Papers payloads: the JSON API body and the papers HTML page.

Both carry the same entry objects (docs/sources.md, "Hugging Face"). Parsing is lenient: optional
fields may be missing, unknown keys are ignored, and one malformed entry is skipped with one log
line instead of failing the batch.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from bot.errors import BadPayload
from bot.papers import SOURCE_HF, Paper
from bot.sources.arxiv.ids import base_id
from bot.text import clean_text

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ParseResult:
    """Papers parsed from one body, and how many entries were skipped as malformed."""

    papers: list[Paper] = field(default_factory=list)
    skipped: int = 0


def parse_timestamp(value: object) -> datetime | None:
    """Parse an ISO timestamp with a ``Z`` suffix (any precision); None when absent or bad."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _opt_str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _opt_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    return value if isinstance(value, int) else None


def _org_name(value: object) -> str | None:
    if isinstance(value, dict):
        return _opt_str(value.get("fullname")) or _opt_str(value.get("name"))
    return None


def parse_entry(entry: Any, *, seen_at: datetime | None = None) -> Paper:
    """Turn one ``/api/daily_papers`` entry into a :class:`Paper`; raise ValueError if unusable."""
    if not isinstance(entry, dict):
        raise ValueError("entry is not an object")
    paper = entry.get("paper")
    if not isinstance(paper, dict):
        raise ValueError("entry has no 'paper' object")
    raw_id = paper.get("id")
    arxiv_id = base_id(raw_id) if isinstance(raw_id, str) else None
    if arxiv_id is None:
        raise ValueError(f"no usable arXiv id ({raw_id!r})")
    title = clean_text(_opt_str(paper.get("title")) or _opt_str(entry.get("title")) or "")
    if not title:
        raise ValueError(f"{arxiv_id} has no title")
    authors = tuple(
        clean_text(a["name"])
        for a in paper.get("authors") or []
        if isinstance(a, dict) and isinstance(a.get("name"), str) and a["name"].strip()
    )
    keywords = tuple(
        k.strip() for k in paper.get("ai_keywords") or [] if isinstance(k, str) and k.strip()
    )
    featured = parse_timestamp(paper.get("submittedOnDailyAt"))
    stars = _opt_int(paper.get("githubStars"))
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        abstract=clean_text(_opt_str(paper.get("summary")) or _opt_str(entry.get("summary")) or ""),
        authors=authors,
        published_at=parse_timestamp(paper.get("publishedAt")),
        featured_on=featured.date() if featured else None,
        upvotes=max(0, _opt_int(paper.get("upvotes")) or 0),
        num_comments=max(0, _opt_int(entry.get("numComments")) or 0),
        github_repo=_opt_str(paper.get("githubRepo")),
        github_stars=stars if stars is None else max(0, stars),
        project_page=_opt_str(paper.get("projectPage")),
        ai_summary=_opt_str(paper.get("ai_summary")),
        ai_keywords=keywords,
        organization=_org_name(paper.get("organization")) or _org_name(entry.get("organization")),
        thumbnail=_opt_str(entry.get("thumbnail")),
        withdrawn=paper.get("withdrawnAt") is not None,
        sources=frozenset({SOURCE_HF}),
        first_seen=seen_at,
        last_seen=seen_at,
    )


def parse_entries(entries: Any, *, seen_at: datetime | None = None) -> ParseResult:
    """Parse a list of entries, skipping (and logging once each) the malformed ones."""
    if not isinstance(entries, list):
        raise BadPayload("The Hugging Face response is not a list of papers.")
    result = ParseResult()
    seen: dict[str, int] = {}
    for position, entry in enumerate(entries):
        try:
            paper = parse_entry(entry, seen_at=seen_at)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            result.skipped += 1
            log.warning("skipping malformed Hugging Face entry #%d: %s", position, exc)
            continue
        if paper.arxiv_id in seen:  # the same paper twice in one body: keep the later one
            result.papers[seen[paper.arxiv_id]] = paper
        else:
            seen[paper.arxiv_id] = len(result.papers)
            result.papers.append(paper)
    return result


def parse_daily_papers_json(body: str, *, seen_at: datetime | None = None) -> ParseResult:
    """Parse a ``/api/daily_papers`` body (a JSON array; ``{"dailyPapers": [...]}`` also works)."""
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise BadPayload(
            f"The Hugging Face response is not valid JSON (truncated?): {exc.msg} "
            f"at line {exc.lineno}, column {exc.colno}."
        ) from None
    if isinstance(data, dict) and "dailyPapers" in data:
        data = data["dailyPapers"]
    return parse_entries(data, seen_at=seen_at)


def parse_papers_page(html: str, *, seen_at: datetime | None = None) -> ParseResult:
    """Parse an HF papers HTML page: the JSON in ``div[data-target="DailyPapers"]`` data-props.

    selectolax's Lexbor parser returns the attribute already entity-decoded (docs/sources.md).
    """
    node = LexborHTMLParser(html).css_first('div[data-target="DailyPapers"]')
    props = node.attributes.get("data-props") if node is not None else None
    if not props:
        raise BadPayload(
            "This HTML page has no Daily Papers block "
            '(div[data-target="DailyPapers"] with data-props).'
        )
    try:
        data = json.loads(props)
    except json.JSONDecodeError as exc:
        raise BadPayload(f"The Daily Papers block holds invalid JSON: {exc.msg}.") from None
    if not isinstance(data, dict) or not isinstance(data.get("dailyPapers"), list):
        raise BadPayload("The Daily Papers block has no 'dailyPapers' list.")
    return parse_entries(data["dailyPapers"], seen_at=seen_at)


def parse_saved_body(body: str, *, seen_at: datetime | None = None) -> ParseResult:
    """Parse a saved body of either kind, telling JSON from HTML by its first character."""
    stripped = body.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise BadPayload("The file is empty.")
    if stripped[0] in "[{":
        return parse_daily_papers_json(stripped, seen_at=seen_at)
    if stripped[0] == "<":
        return parse_papers_page(stripped, seen_at=seen_at)
    raise BadPayload("The file is neither Hugging Face JSON nor an HF papers HTML page.")
