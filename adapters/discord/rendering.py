"""Digests and command replies as Discord messages: embeds within Discord's limits.

Pure functions (no I/O) so the limits can be tested with worst-case input. Every piece of
paper text is escaped (markdown and mentions) because titles come from the internet: a title
``@everyone [click](https://evil)`` must render as text, never ping or link.

Limits (discord-api-docs, message.mdx § Embed Limits): ≤ 10 embeds per message, title ≤ 256,
description ≤ 4,096, footer ≤ 2,048, ≤ 6,000 characters summed over a message's embeds,
``content`` ≤ 2,000. A message also holds at most 5 rows of buttons; each paper gets one row
(👍 / 👎 / more like this), so a message carries at most 5 papers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import discord

from bot.chat import Dialect
from bot.commands.render import format_authors
from bot.digests.build import Digest, DigestItem
from bot.papers import Paper
from bot.ranking.blend import RankedPaper

MAX_EMBEDS = 10
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FOOTER = 2048
MAX_MESSAGE_EMBED_CHARS = 6000
MAX_CONTENT = 2000
MAX_BUTTON_ROWS = 5
# Our own caps, well under Discord's: a digest card is a teaser, not the abstract.
# Each line is clipped on its own so markup (*why*) is never cut open; the sum stays < 1,500.
AUTHORS_CHARS = 150
WHY_CHARS = 200
SUMMARY_CHARS = 300
CARD_FOOTER = 200
MAX_URL = 300
EMBED_COLOUR = 0xFFD21E  # Hugging Face yellow
_SAFE_URL = re.compile(r"^https?://[^\s<>()\[\]`\"']+$")


@dataclass(frozen=True, slots=True)
class PaperCard:
    """One paper's embed and the paper id its feedback buttons carry."""

    embed: discord.Embed
    paper_id: str
    position: int


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One Discord message: text, embeds, and the papers that get a row of buttons."""

    content: str | None = None
    cards: tuple[PaperCard, ...] = ()

    @property
    def embeds(self) -> list[discord.Embed]:
        """The embeds in posting order."""
        return [card.embed for card in self.cards]


# A "[" that is not escaped: preceded by an even number of backslashes (none, or "\\").
_UNESCAPED_BRACKET = re.compile(r"(?<!\\)((?:\\\\)*)\[")


def defang(text: str) -> str:
    """Masked links and mentions made inert, the rest of the markdown kept: for text the core
    wrote (its own backticks and bold stay) that may still echo what a user typed, such as an
    error quoting the command. The user's strings in it are already escaped (Dialect)."""
    return discord.utils.escape_mentions(_UNESCAPED_BRACKET.sub(r"\1\\[", text))


def escape_text(text: str) -> str:
    """Markdown and mentions neutralised: ``@everyone`` cannot ping, ``[a](b)`` cannot link.

    ``escape_markdown`` escapes only the first ``[`` of a string that holds several masked
    links (its pattern is greedy), so every remaining ``[`` is escaped here too.
    """
    return defang(discord.utils.escape_markdown(text))


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, never ending in a lone ``\\``.

    Escaped text must not be cut between a backslash and the character it escapes, or the
    next character of our own markup would be escaped instead.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    trailing = len(cut) - len(cut.rstrip("\\"))
    if trailing % 2:
        cut = cut[:-1]
    return cut.rstrip() + "…"


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) URL that cannot break a markdown link, else None."""
    if url and len(url) <= MAX_URL and _SAFE_URL.match(url):
        return url
    return None


def _links(paper: Paper) -> str:
    links = [("Hugging Face", paper.hf_url), ("arXiv", paper.abs_url), ("PDF", paper.pdf_url)]
    for label, url in (("Code", paper.github_repo), ("Project", paper.project_page)):
        checked = safe_url(url)
        if checked:
            links.append((label, checked))
    return " · ".join(f"[{label}]({url})" for label, url in links)


def paper_card(
    position: int, ranked: RankedPaper, topic: str | None = None, also_in: str | None = None
) -> PaperCard:
    """The embed for one paper: linked title, authors, why, a short summary, the links."""
    paper = ranked.paper
    title = clip(f"{position}. {escape_text(paper.title)}", MAX_TITLE)
    lines: list[str] = []
    if paper.authors:
        lines.append(clip(escape_text(format_authors(paper.authors)), AUTHORS_CHARS))
    why = " · ".join(part for part in (topic, ranked.why) if part)
    if why:
        lines.append(f"*{clip(escape_text(why), WHY_CHARS)}*")
    summary = paper.ai_summary or paper.abstract
    if summary:
        lines.append(clip(escape_text(" ".join(summary.split())), SUMMARY_CHARS))
    lines.append(_links(paper))
    description = clip("\n".join(lines), MAX_DESCRIPTION)
    embed = discord.Embed(title=title, url=paper.url, description=description, colour=EMBED_COLOUR)
    footer = [f"▲ {paper.upvotes}"]
    if paper.github_stars is not None:
        footer.append(f"★ {paper.github_stars}")
    if also_in:
        footer.append(f"also in {discord.utils.escape_mentions(also_in)}")
    embed.set_footer(text=clip(" · ".join(footer), CARD_FOOTER))
    thumbnail = safe_url(paper.thumbnail)
    if thumbnail:
        embed.set_thumbnail(url=thumbnail)
    return PaperCard(embed=embed, paper_id=paper.arxiv_id, position=position)


def pack_cards(
    cards: Iterable[PaperCard], *, first_content: str | None = None
) -> list[OutgoingMessage]:
    """Pack cards into as few messages as the limits allow, keeping their order."""
    messages: list[OutgoingMessage] = []
    batch: list[PaperCard] = []
    used = 0
    content = first_content
    for card in cards:
        size = len(card.embed)
        full = len(batch) >= min(MAX_EMBEDS, MAX_BUTTON_ROWS)
        if batch and (full or used + size > MAX_MESSAGE_EMBED_CHARS):
            messages.append(OutgoingMessage(content=content, cards=tuple(batch)))
            batch, used, content = [], 0, None
        batch.append(card)
        used += size
    if batch or content:
        messages.append(OutgoingMessage(content=content, cards=tuple(batch)))
    return messages


def split_text(text: str, limit: int = MAX_CONTENT) -> list[str]:
    """Plain text in ≤ ``limit`` chunks, cut at line breaks where possible."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines():
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current or not chunks:
        chunks.append(current)
    return chunks


def digest_messages(digest: Digest) -> list[OutgoingMessage]:
    """A digest as messages: a header line, then the paper cards, notes at the end."""
    header = f"**{escape_text(digest.title)}** — {digest.generated_at:%a %d %b %Y}"
    if not digest.items:
        reason = escape_text(digest.empty_reason or "")
        return [
            OutgoingMessage(
                content=clip(f"{header}\nNo papers today. {reason}".rstrip(), MAX_CONTENT)
            )
        ]
    cards = [_item_card(position, item) for position, item in enumerate(digest.items, 1)]
    messages = pack_cards(cards, first_content=clip(header, MAX_CONTENT))
    if digest.notes:
        notes = clip("\n".join(escape_text(note) for note in digest.notes), MAX_CONTENT)
        messages.append(OutgoingMessage(content=notes))
    return messages


def _item_card(position: int, item: DigestItem) -> PaperCard:
    return paper_card(position, item.ranked, item.topic, item.also_in)


def results_messages(
    results: Sequence[RankedPaper], heading: str | None = None
) -> list[OutgoingMessage]:
    """Search results (or "more like this") as cards under an optional heading, which is
    Discord markdown as the core wrote it (the user's query already escaped by
    :data:`DIALECT`, so escaping it again would show backslashes)."""
    cards = [paper_card(position, ranked) for position, ranked in enumerate(results, 1)]
    content = clip(heading, MAX_CONTENT) if heading else None
    return pack_cards(cards, first_content=content)


# How the core writes replies for Discord: bold is **, arguments are named options, and
# every user-supplied string is escaped like paper text.
DIALECT = Dialect(quote=escape_text, bold="**", options=True)
