"""The forms of ``/ui/``: "why wasn't it delivered?", search, and resume a paused channel.

Every form is a POST carrying the session's CSRF token (checked by the guard before these
run). The answers are the core's own: :func:`bot.operator.why.explain_paper` (what ``paperboy
why`` prints) and the ranker commands and digests use, so a score, a why-line or a reason
here is exactly what a channel would get.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from adapters.composition import App, Clock
from adapters.web.auth import AdminAuth, Session
from adapters.web.pages import every_channel, exact_channel
from adapters.web.render import channel_url, render
from bot.chat import ChannelRef
from bot.errors import UserError
from bot.operator.why import PAPER_EXAMPLE, WhyAnswer, explain_paper
from bot.ranking.query import parse_query
from storage.operator_history import SqlOperatorHistory

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
            try:
                query = parse_query(text)
            except UserError as exc:  # shown above the form, which keeps the query
                return self._render(
                    session, "search.html", context | {"error": exc.friendly()}, 400
                )
            context["results"] = await asyncio.to_thread(
                self.app.library.ranker.search, query, limit=SEARCH_LIMIT, now=self.clock()
            )
        return self._render(session, "search.html", context)

    async def why(self, request: web.Request, session: Session) -> web.Response:
        """The why form; a POST answers, one reason per line, most specific first."""
        channel_text = await _field(request, "channel")
        paper = await _field(request, "paper")
        channels = await asyncio.to_thread(
            every_channel, SqlOperatorHistory(self.app.library.engine)
        )
        context: dict[str, Any] = {
            "channels": [c.channel.ref for c in channels],
            "chosen": channel_text,
            "paper": paper,
            "answer": None,
        }
        if request.method != "POST":
            return self._render(session, "why.html", context)
        try:
            if not channel_text or not paper:
                raise UserError("Pick a channel and give a paper id.", example=PAPER_EXAMPLE)
            context["answer"] = await asyncio.to_thread(self._explain, channel_text, paper)
        except UserError as exc:  # shown above the form, which keeps what was typed
            return self._render(session, "why.html", context | {"error": exc.friendly()}, 400)
        return self._render(session, "why.html", context)

    def _explain(self, channel_text: str, paper: str) -> WhyAnswer:
        ref = ChannelRef.parse(channel_text)
        channel = exact_channel(self.app, ref.platform, ref.workspace_id or "-", ref.channel_id)
        return explain_paper(
            channel,
            paper,
            papers=self.app.library.papers,
            history=SqlOperatorHistory(self.app.library.engine),
            ranker=self.app.library.ranker,
            now=self.clock(),
        )

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

    def _render(
        self, session: Session, template: str, context: dict[str, Any], status: int = 200
    ) -> web.Response:
        return render(template, context, status=status, csrf=self.auth.csrf_token(session))
