"""Server-rendered HTML for the operator page: one Jinja2 environment, escaping always on.

Every response carries headers that make the page inert outside itself: a Content Security
Policy without scripts (https://www.w3.org/TR/CSP3/) — the page has none, so an injected
``<script>`` could not run even if escaping ever failed — no framing, no caching, no sniffing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import jinja2
from aiohttp import web

from bot.chat import ChannelRef

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _when(value: datetime | None) -> str:
    """``2026-11-29 14:05 UTC``, or an em dash for never."""
    if value is None:
        return "—"
    if value.tzinfo is None:  # SQLite hands stored UTC times back naive
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def channel_url(ref: ChannelRef) -> str:
    """The channel's page: platform, workspace (``-`` when it has none) and id, each quoted,
    so the URL names exactly one channel of one workspace."""
    parts = (ref.platform, ref.workspace_id or "-", ref.channel_id)
    return "/ui/channels/" + "/".join(quote(part, safe="") for part in parts)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The templates shipped in ``adapters/web/templates`` (package data), autoescaped."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("adapters.web", "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.globals["channel_url"] = channel_url
    return env


def render(
    template: str, context: dict[str, Any], *, status: int = 200, csrf: str = ""
) -> web.Response:
    """``template`` rendered with ``context`` (plus the page's CSRF token) as a response."""
    body = environment().get_template(template).render(csrf=csrf, **context)
    response = web.Response(text=body, status=status, content_type="text/html", charset="utf-8")
    response.headers.update(SECURITY_HEADERS)
    return response


def problem(status: int, title: str, message: str, *, csrf: str = "") -> web.Response:
    """A friendly error page: what went wrong and what to do, never exception text."""
    return render("problem.html", {"title": title, "message": message}, status=status, csrf=csrf)
