"""The forms of ``/ui/``: search the library, and resume a paused channel.

Every form is a POST carrying the session's CSRF token (checked by the guard before these
run). Search is the core's own ranker (the one commands and digests use), so a score and a
why-line here are exactly what a channel would get.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from adapters.composition import App, Clock
from adapters.web.auth import AdminAuth, Session
from adapters.web.pages import exact_channel
from adapters.web.render import channel_url, render
from bot.ranking.query import parse_query

log = logging.getLogger("paperboy.ui")
SEARCH_LIMIT = 20


async def _field(request: web.Request, name: str) -> str:
    """A form field (POST) or query parameter (GET) as stripped text, "" when absent."""
    if request.method == "POST":
        value = (await request.post()).get(name)
    else:
        value = request.query.get(name)
    return value.strip() if isinstance(value, str) else ""


@dataclass
class Forms:
    """The POST handlers (and their empty GET forms) of ``/ui/``."""

    app: App
    auth: AdminAuth
    clock: Clock

    async def search(self, request: web.Request, session: Session) -> web.Response:
        """The search box; a POST shows the best papers with score, relevance and why-line."""
        text = await _field(request, "q")
        context: dict[str, Any] = {"q": text, "results": None}
        if request.method == "POST" and text:
            query = parse_query(text)  # a UserError (bad syntax) becomes a 400 page
            context["results"] = await asyncio.to_thread(
                self.app.library.ranker.search, query, limit=SEARCH_LIMIT, now=self.clock()
            )
        return self._render(session, "search.html", context)

    async def resume(self, request: web.Request, session: Session) -> web.Response:
        """Resume the paused channel in the URL (exactly that workspace), then show it."""
        info = request.match_info
        channel = await asyncio.to_thread(
            exact_channel, self.app, info["platform"], info["workspace"], info["channel"]
        )
        if channel.paused_reason:
            await asyncio.to_thread(self.app.channels.set_paused, channel.ref, None, self.clock())
            log.info(
                "operator page: resumed %s",
                channel.ref,
                extra={"platform": channel.ref.platform, "channel_id": channel.ref.channel_id},
            )
        raise web.HTTPSeeOther(channel_url(channel.ref) + "?resumed=1")

    def _render(self, session: Session, template: str, context: dict[str, Any]) -> web.Response:
        return render(template, context, csrf=self.auth.csrf_token(session))
