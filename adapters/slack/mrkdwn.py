"""Slack mrkdwn made safe: escaping, clipping, checked URLs, mentions and channel links
(split from :mod:`adapters.slack.blocks`, which re-exports them)."""

from __future__ import annotations

import re

MAX_URL_CHARS = 400

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_URL_OK = re.compile(r"^https?://[^\s<>|\"'`]+$", re.IGNORECASE)
_USER_ID = re.compile(r"^[UW][A-Z0-9]{1,20}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{1,20}$")


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn gives meaning to (``&``, ``<``, ``>``)."""
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def clip(text: str, limit: int) -> str:
    """``text`` escaped and cut to at most ``limit`` characters, never inside an entity."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    out: list[str] = []
    used = 0
    for ch in text:
        piece = _ESCAPES.get(ch, ch)
        if used + len(piece) > limit - 1:
            break
        out.append(piece)
        used += len(piece)
    return "".join(out) + "…"


def safe_url(url: str | None, limit: int = MAX_URL_CHARS) -> str | None:
    """A URL fit to go inside ``<url|label>``: plain http(s), no spaces, pipes or brackets.

    Anything else is dropped rather than repaired: a paper record is not trusted input.
    """
    if not url or len(url) > limit or not _URL_OK.match(url):
        return None
    return url.replace("&", "&amp;")


def mention(user_id: str) -> str:
    """``<@U123>`` for a real Slack user id, else nothing (never echo arbitrary text)."""
    return f"<@{user_id}>" if _USER_ID.match(user_id) else ""


def channel_link(channel_id: str) -> str:
    """``<#C123>`` for a real Slack channel id, else the id escaped as plain text."""
    return f"<#{channel_id}>" if _CHANNEL_ID.match(channel_id) else escape(channel_id)
