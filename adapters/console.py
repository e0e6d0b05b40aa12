"""The console adapter: digests and command replies as readable plain text on a stream.

It is the embedded default (no accounts, no network) and the adapter the tests post through.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from bot.digest import Digest, DigestItem
from bot.papers import Paper
from bot.ranking import RankedPaper

MAX_AUTHORS = 3


def format_authors(authors: Sequence[str]) -> str:
    """``A, B, C et al.`` for long lists."""
    if len(authors) <= MAX_AUTHORS:
        return ", ".join(authors)
    return ", ".join(authors[:MAX_AUTHORS]) + " et al."


def _links(paper: Paper) -> str:
    links = [paper.url, paper.pdf_url]
    if paper.github_repo:
        links.append(paper.github_repo)
    if paper.project_page:
        links.append(paper.project_page)
    return " | ".join(links)


def render_ranked(position: int, ranked: RankedPaper, topic: str | None = None) -> str:
    """One paper as a few indented lines."""
    paper = ranked.paper
    lines = [f"{position}. {paper.title}"]
    if paper.authors:
        lines.append(f"   {format_authors(paper.authors)}")
    why = ranked.why
    if topic:
        why = f"[{topic}] {why}" if why else f"[{topic}]"
    if why:
        lines.append(f"   why: {why}")
    if paper.ai_summary:
        lines.append(f"   tl;dr: {paper.ai_summary}")
    lines.append(f"   {_links(paper)}")
    return "\n".join(lines)


def render_item(position: int, item: DigestItem) -> str:
    """A digest item: the ranked paper with its topic and "also in" note."""
    text = render_ranked(position, item.ranked, item.topic)
    if item.also_in:
        text += f"\n   also in {item.also_in}"
    return text


def render_digest(digest: Digest) -> str:
    """The whole digest as text; an empty digest says why it is empty."""
    header = f"== {digest.title} — {digest.generated_at:%a %d %b %Y} =="
    if not digest.items:
        return f"{header}\nNo papers today. {digest.empty_reason or ''}".rstrip()
    body = "\n\n".join(render_item(i, item) for i, item in enumerate(digest.items, 1))
    notes = "".join(f"\n{note}" for note in digest.notes)
    return f"{header}\n\n{body}{notes}"


def render_results(results: Sequence[RankedPaper], query_text: str) -> str:
    """Search results as text, or a helpful line when nothing matched."""
    if not results:
        return f'No papers match "{query_text}". Try fewer words, or fetch more papers first.'
    return "\n\n".join(render_ranked(i, r) for i, r in enumerate(results, 1))


class ConsoleAdapter:
    """Posts digests and replies to a text stream (stdout by default)."""

    platform = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stdout

    def post_digest(self, channel_name: str, digest: Digest) -> str:
        """Write the digest under a channel header; return a message reference."""
        self._stream.write(f"#{channel_name}\n{render_digest(digest)}\n\n")
        self._stream.flush()
        return f"console:{channel_name}"
