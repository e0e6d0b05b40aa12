"""Plain-text rendering of papers, results and digests.

Every reply carries a complete plain-text form (``Reply.text``): the console prints it, and
rich platforms use it as the notification fallback. Text is truncated to fit a limit rather
than cut mid-paper.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.chat import Reply
from bot.digests.build import Digest, DigestItem
from bot.papers import Paper
from bot.ranking.blend import RankedPaper

MAX_AUTHORS = 3
REPLY_LIMIT = 3000


def format_authors(authors: Sequence[str]) -> str:
    """``A, B, C et al.`` for long lists."""
    if len(authors) <= MAX_AUTHORS:
        return ", ".join(authors)
    return ", ".join(authors[:MAX_AUTHORS]) + " et al."


def paper_links(paper: Paper) -> list[str]:
    """The paper's page, its PDF, code and project page (when known)."""
    links = [paper.url, paper.pdf_url]
    if paper.github_repo:
        links.append(paper.github_repo)
    if paper.project_page:
        links.append(paper.project_page)
    return links


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
    lines.append(f"   {' | '.join(paper_links(paper))}")
    return "\n".join(lines)


def render_item(position: int, item: DigestItem) -> str:
    """A digest item: the ranked paper with its topic and "also in" note."""
    text = render_ranked(position, item.ranked, item.topic)
    if item.also_in:
        text += f"\n   also in {item.also_in}"
    return text


def fit(blocks: Sequence[str], limit: int, *, separator: str = "\n\n") -> str:
    """Join as many whole blocks as fit in ``limit`` characters, saying how many were left."""
    out: list[str] = []
    used = 0
    for index, block in enumerate(blocks):
        more = f"\n… and {len(blocks) - index} more"
        cost = len(block) + (len(separator) if out else 0)
        if used + cost + len(more) > limit and index > 0:
            return separator.join(out) + more
        if used + cost > limit:  # a single huge first block: cut it
            return block[: max(0, limit - 1)] + "…"
        out.append(block)
        used += cost
    return separator.join(out)


def render_digest(digest: Digest, limit: int | None = None) -> str:
    """The whole digest as text; an empty digest says why it is empty."""
    header = f"== {digest.title} — {digest.generated_at:%a %d %b %Y} =="
    if not digest.items:
        return f"{header}\nNo papers today. {digest.empty_reason or ''}".rstrip()
    blocks = [render_item(i, item) for i, item in enumerate(digest.items, 1)]
    notes = [*digest.notes]
    if limit is None:
        return "\n\n".join([header, *blocks, *notes])
    return fit([header, *blocks, *notes], limit)


def render_results(
    results: Sequence[RankedPaper], query_text: str, limit: int | None = None
) -> str:
    """Search results as text, or a helpful line when nothing matched."""
    if not results:
        return f'No papers match "{query_text}". Try fewer words, or fetch more papers first.'
    blocks = [render_ranked(i, r) for i, r in enumerate(results, 1)]
    return "\n\n".join(blocks) if limit is None else fit(blocks, limit)


def error_reply(message: str) -> Reply:
    """A reply saying what went wrong (only the caller sees it), cut to the reply limit."""
    return Reply(text=message[:REPLY_LIMIT], is_error=True)
