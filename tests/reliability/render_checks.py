"""What "safe to post" means, checked on the exact payloads the Slack and Discord renderers
produce: no ping, no link we did not make, every platform limit respected."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Iterator
from typing import Any

from adapters.discord.rendering import OutgoingMessage
from adapters.slack.blocks import SlackMessage
from tests.kit.slack import slack_would_reject

# Link targets Paperboy itself makes: the paper's pages, its (checked) code repository.
OUR_LINKS = ("https://huggingface.co/", "https://arxiv.org/", "https://github.com/example/")
_SLACK_ANGLE = re.compile(r"<([^<>]*)>")
_MARKDOWN_LINK = re.compile(r"(?<!\\)\[[^\[\]]*\]\(\s*<?(https?://[^)\s>]+)", re.IGNORECASE)
_DISCORD_PING = re.compile(r"@(everyone|here)\b|<@[!&]?\d+>")
SLACK_TEXT_LIMIT = 40_000  # chat.postMessage truncates text beyond this


def _strings(value: Any, *, markup_only: bool = False) -> Iterator[tuple[str, str]]:
    """Every (key, string) pair inside a JSON-like value (``markup_only``: not inside a
    ``plain_text`` object, where Slack shows ``<!channel>`` literally and never pings)."""
    if isinstance(value, dict):
        if markup_only and value.get("type") == "plain_text":
            return
        for key, item in value.items():
            if isinstance(item, str):
                yield key, item
            else:
                yield from _strings(item, markup_only=markup_only)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, markup_only=markup_only)


def slack_problems(
    message: SlackMessage | dict[str, Any], allowed: Collection[str] = ()
) -> list[str]:
    """Why this Slack message (or ``respond`` body) is unsafe; empty when it is fine.

    ``allowed``: further link targets Paperboy may make (a paper's own code/project URL).
    """
    body = (
        message if isinstance(message, dict) else {"text": message.text, "blocks": message.blocks}
    )
    problems = []
    rejected = slack_would_reject(dict(body))
    if rejected:
        problems.append(f"Slack would refuse it: {rejected}")
    if len(str(body.get("text") or "")) > SLACK_TEXT_LIMIT:
        problems.append("text over 40,000 characters")
    for key, text in _strings(body, markup_only=True):
        if key == "url" and not _ours(text, allowed):
            problems.append(f"button link to {text[:60]!r}")
        for found in _SLACK_ANGLE.finditer(text):
            target = found.group(1).split("|")[0]
            if target.startswith("#C") and re.fullmatch(r"#C[A-Z0-9]+", target):
                continue  # a channel link we made (<#C123>), never a ping
            if not _ours(target, allowed):
                context = text[max(0, found.start() - 80) : found.end() + 20]
                problems.append(f"live Slack markup <{found.group(1)[:60]}> in {context!r}")
    return problems


def _ours(url: str, allowed: Collection[str]) -> bool:
    return url.startswith(OUR_LINKS) or url in allowed


def discord_problems(
    message: OutgoingMessage, allowed: Collection[str] = (), *, links: bool = True
) -> list[str]:
    """Why this Discord message is unsafe or over a limit; empty when it is fine.

    Masked links (``[label](url)``) render in content, descriptions and field values only;
    ``links=False`` skips that check (see the known issue in test_hostile_input).
    """
    problems = []
    content = message.content or ""
    if len(content) > 2000:
        problems.append("content over 2,000 characters")
    if len(message.embeds) > 10:
        problems.append("more than 10 embeds")
    total = 0
    # Content can show "@everyone" as typed: every send passes AllowedMentions.none() (and the
    # client's default is none), so Discord never notifies. Embed text is escaped as well.
    texts: list[tuple[str, str]] = []
    linkable = [content]
    for embed in message.embeds:
        data = embed.to_dict()
        title = str(data.get("title", ""))
        description = str(data.get("description", ""))
        footer = str((data.get("footer") or {}).get("text", ""))
        author = str((data.get("author") or {}).get("name", ""))
        fields = data.get("fields") or []
        limits = [
            (title, 256, "title"),
            (description, 4096, "description"),
            (footer, 2048, "footer"),
            (author, 256, "author"),
        ]
        limits += [(str(f["name"]), 256, "field name") for f in fields]
        limits += [(str(f["value"]), 1024, "field value") for f in fields]
        problems += [
            f"embed {what} over {limit}" for text, limit, what in limits if len(text) > limit
        ]
        if len(fields) > 25:
            problems.append("more than 25 fields")
        total += sum(len(text) for text, _, _ in limits)
        url = data.get("url")
        if url and not _ours(str(url), allowed):
            problems.append(f"embed links to {str(url)[:60]!r}")
        texts += [(what, text) for text, _, what in limits]
        linkable += [description, *(str(f["value"]) for f in fields)]
    if total > 6000:
        problems.append(f"embeds total {total} characters (> 6,000)")
    for where, text in texts:
        if _DISCORD_PING.search(text):
            problems.append(f"a ping in the {where}: {_DISCORD_PING.search(text)}")
    for text in linkable if links else []:
        for target in _MARKDOWN_LINK.findall(text):
            if not _ours(target, allowed):
                problems.append(f"masked link to {target[:60]!r}")
    return problems


def invisible_characters(payload: Any) -> list[str]:
    """Control and bidi-format characters left in any string of ``payload``."""
    found = []
    for _, text in _strings(json.loads(json.dumps(payload, default=str))):
        for ch in text:
            # U+200B is Discord's own mention escape (escape_mentions), deliberately kept.
            if ch not in "\n\t\u200b" and unicodedata.category(ch) in ("Cc", "Cf"):
                found.append(f"U+{ord(ch):04X}")
    return found
