"""Digests and search results as Block Kit messages, inside Slack's limits. Pure functions.

Every string that comes from a paper, a topic or a user goes through :func:`escape` (``&``,
``<``, ``>``), so ``<!channel>``, ``<@U123>`` or ``<https://evil|click>`` in a title shows as
text and can never ping anyone or hide a link. URLs are accepted only as plain http(s) and are
re-encoded before they go inside ``<url|label>``.

Limits (https://docs.slack.dev/reference/block-kit/blocks): 50 blocks and ~13k characters of blocks
per message, 3,000 characters per section text, 150 per header, 75 per button label, 2,000 per
button value. Long digests split into parts; the first part is the channel message, the rest go to
its thread."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# Re-exported: the escaping helpers moved to adapters.slack.mrkdwn.
from adapters.slack.mrkdwn import MAX_URL_CHARS as MAX_URL_CHARS
from adapters.slack.mrkdwn import channel_link as channel_link
from adapters.slack.mrkdwn import clip as clip
from adapters.slack.mrkdwn import escape as escape
from adapters.slack.mrkdwn import mention as mention
from adapters.slack.mrkdwn import safe_url as safe_url
from bot.chat import FeedbackKind
from bot.digests.build import Digest
from bot.ranking.blend import RankedPaper

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_MESSAGE_CHARS = 12_000  # serialized blocks; Slack rejects ~13k (msg_blocks_too_long)
MAX_SECTION_CHARS = 3_000
MAX_HEADER_CHARS = 150
MAX_FALLBACK_CHARS = 3_000
MAX_PAPERS_PER_MESSAGE = 10
MAX_BUTTON_VALUE = 2_000
MAX_IMAGE_URL_CHARS = 3_000

FEEDBACK_ACTION_PREFIX = "paperboy_feedback_"
SHARE_ACTION_ID = "paperboy_share"
DIGEST_EVENT_TYPE = "paperboy_digest"

_FEEDBACK_LABELS = {
    FeedbackKind.UP: "👍",
    FeedbackKind.DOWN: "👎",
    FeedbackKind.MORE: "More like this",
}


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One message to send: Block Kit blocks plus the plain-text fallback Slack requires."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def feedback_action_id(kind: FeedbackKind) -> str:
    """The action id of a feedback button; unique within its actions block."""
    return FEEDBACK_ACTION_PREFIX + kind.value


def parse_feedback_action(action_id: str) -> FeedbackKind | None:
    """The feedback kind a button press means, or None for an action that is not ours."""
    if not action_id.startswith(FEEDBACK_ACTION_PREFIX):
        return None
    try:
        return FeedbackKind(action_id[len(FEEDBACK_ACTION_PREFIX) :])
    except ValueError:
        return None


def _authors_line(ranked: RankedPaper) -> str:
    paper = ranked.paper
    names = list(paper.authors[:3])
    shown = ", ".join(names) + (" et al." if len(paper.authors) > 3 else "")
    parts = [clip(shown, 200)] if shown else []
    parts.append(f"▲ {paper.upvotes}")
    if paper.github_stars:
        parts.append(f"★ {paper.github_stars}")
    return " · ".join(parts)


def _links_line(ranked: RankedPaper) -> str:
    paper = ranked.paper
    links = [("PDF", safe_url(paper.pdf_url))]
    repo = paper.github_repo
    links.append(("Code", safe_url(repo)))
    links.append(("Project", safe_url(paper.project_page)))
    return " · ".join(f"<{url}|{label}>" for label, url in links if url)


def paper_section_text(ranked: RankedPaper, topic: str | None, also_in: str | None) -> str:
    """The section text of one paper: title link, authors and counts, reason, summary, links.

    Each part has its own budget, so the whole stays under 3,000 characters even when every
    field is as long and as full of ``&`` as it can be.
    """
    paper = ranked.paper
    title = clip(paper.title, 400) or escape(paper.arxiv_id)
    url = safe_url(paper.url)
    lines = [f"*<{url}|{title}>*" if url else f"*{title}*", _authors_line(ranked)]
    reason = clip(ranked.why, 300) if ranked.why else ""
    if topic:
        reason = f"{reason} · for _{clip(topic, 150)}_" if reason else f"for _{clip(topic, 150)}_"
    if also_in:
        reason = f"{reason} · also in {clip(also_in, 100)}"
    if reason:
        lines.append(reason)
    if paper.ai_summary:
        lines.append("> " + clip(paper.ai_summary.replace("\n", " "), 450))
    links = _links_line(ranked)
    if links:
        lines.append(links)
    text = "\n".join(lines)
    return text if len(text) <= MAX_SECTION_CHARS else "\n".join(lines[:-1])


def paper_blocks(
    ranked: RankedPaper, topic: str | None = None, also_in: str | None = None
) -> list[Block]:
    """One paper: a section (thumbnail as accessory when there is one) and its buttons."""
    paper = ranked.paper
    section: Block = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": paper_section_text(ranked, topic, also_in)},
    }
    thumbnail = safe_url(paper.thumbnail, MAX_IMAGE_URL_CHARS)
    if thumbnail and thumbnail.startswith("https://"):
        section["accessory"] = {
            "type": "image",
            "image_url": paper.thumbnail,
            "alt_text": clip(paper.title, 150) or paper.arxiv_id,
        }
    buttons = [
        {
            "type": "button",
            "action_id": feedback_action_id(kind),
            "text": {"type": "plain_text", "text": label, "emoji": True},
            "value": paper.arxiv_id[:MAX_BUTTON_VALUE],
        }
        for kind, label in _FEEDBACK_LABELS.items()
    ]
    actions: Block = {
        "type": "actions",
        "block_id": f"paperboy_paper:{paper.arxiv_id}"[:255],
        "elements": buttons,
    }
    return [section, actions]


def _size(blocks: Sequence[Block]) -> int:
    return len(json.dumps(list(blocks), ensure_ascii=False))


def _chunk_papers(
    groups: Sequence[list[Block]], room_blocks: int, room_chars: int
) -> list[list[list[Block]]]:
    """Greedy split of per-paper block groups into messages that respect every limit."""
    chunks: list[list[list[Block]]] = []
    current: list[list[Block]] = []
    blocks = chars = 0
    for group in groups:
        size = _size(group) + 1
        fits = (
            len(current) < MAX_PAPERS_PER_MESSAGE
            and blocks + len(group) + 1 <= room_blocks
            and chars + size <= room_chars
        )
        if current and not fits:
            chunks.append(current)
            current, blocks, chars = [], 0, 0
        current.append(group)
        blocks += len(group) + 1
        chars += size
    if current:
        chunks.append(current)
    return chunks


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:MAX_SECTION_CHARS]}]}


def _fallback(title: str, items: Sequence[RankedPaper]) -> str:
    """Plain-text fallback for notifications and old clients; escaped, never a ping."""
    lines = [escape(title)]
    lines += [f"{n}. {clip(r.paper.title, 200)}" for n, r in enumerate(items, 1)]
    text = "\n".join(lines)
    return text if len(text) <= MAX_FALLBACK_CHARS else text[: MAX_FALLBACK_CHARS - 1] + "…"


def render_digest(digest: Digest) -> list[SlackMessage]:
    """The digest as one or more messages: the first for the channel, the rest for its thread."""
    header: Block = {
        "type": "header",
        "text": {"type": "plain_text", "text": digest.title[:MAX_HEADER_CHARS] or "Digest"},
    }
    if not digest.items:
        reason = digest.empty_reason or "No new papers this time."
        return [
            SlackMessage(
                text=f"{escape(digest.title)}: {clip(reason, 1000)}",
                blocks=[
                    header,
                    {"type": "section", "text": {"type": "mrkdwn", "text": clip(reason, 2000)}},
                ],
            )
        ]
    groups = [paper_blocks(item.ranked, item.topic, item.also_in) for item in digest.items]
    intro_blocks = [header]
    if digest.notes:
        intro_blocks.append(_context(clip(" · ".join(digest.notes), 2000)))
    # Room for the header/intro, a "continued" note and a divider per paper.
    chunks = _chunk_papers(
        groups, MAX_BLOCKS - len(intro_blocks) - 2, MAX_MESSAGE_CHARS - _size(intro_blocks) - 400
    )
    messages: list[SlackMessage] = []
    start = 0
    for number, chunk in enumerate(chunks, 1):
        blocks: list[Block] = list(intro_blocks) if number == 1 else []
        if len(chunks) > 1:
            note = f"Papers {start + 1}–{start + len(chunk)} of {len(digest.items)}" + (
                " · the rest are in the thread" if number == 1 else ""
            )
            blocks.append(_context(note))
        for group in chunk:
            blocks.extend(group)
            blocks.append({"type": "divider"})
        blocks.pop()  # no divider after the last paper
        shown = [item.ranked for item in digest.items[start : start + len(chunk)]]
        title = digest.title if number == 1 else f"{digest.title} (part {number}/{len(chunks)})"
        messages.append(SlackMessage(text=_fallback(title, shown), blocks=blocks))
        start += len(chunk)
    return messages


def render_results(
    heading: str | None,
    results: Sequence[RankedPaper],
    *,
    share_value: str | None = None,
    shared_by: str = "",
    notice: str | None = None,
) -> SlackMessage:
    """Search results in one message under the core's ``heading`` (escaped here, like every
    reply); ``notice`` (private: the channel is paused) goes above it; ``share_value`` adds
    the "Share in channel" button.

    Results that do not fit in one message are summarised as "…and N more" rather than
    spread over several replies (``response_url`` allows only five).
    """
    head = heading or "Results"
    blocks: list[Block] = [_context(clip(notice, 2000))] if notice else []
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": clip(head, 2000)}})
    if shared_by:
        blocks.append(_context(f"Shared by {shared_by}"))
    groups = [paper_blocks(r) for r in results]
    chunks = _chunk_papers(groups, MAX_BLOCKS - 5, MAX_MESSAGE_CHARS - 2_500)
    first = chunks[0] if chunks else []
    for group in first:
        blocks.extend(group)
        blocks.append({"type": "divider"})
    if len(first) < len(results):
        blocks.append(
            _context(f"…and {len(results) - len(first)} more; narrow the search to see them.")
        )
    if share_value is not None:
        blocks.append(
            {
                "type": "actions",
                "block_id": "paperboy_share",
                "elements": [
                    {
                        "type": "button",
                        "action_id": SHARE_ACTION_ID,
                        "text": {"type": "plain_text", "text": "Share in channel"},
                        "value": share_value[:MAX_BUTTON_VALUE],
                    }
                ],
            }
        )
    elif blocks[-1]["type"] == "divider":
        blocks.pop()
    return SlackMessage(text=_fallback(head, list(results)), blocks=blocks)
