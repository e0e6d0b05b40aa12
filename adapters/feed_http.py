"""``GET /feeds/<token>.atom`` on the ``--http`` listener: a channel's private Atom feed.

Read-only and without a login (the token is the credential, :mod:`bot.operator.feeds`).
Anything that is not a live link is the same 404, and the token never reaches a log line
(the listener keeps no access log).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from aiohttp import web
from sqlalchemy.engine import Engine

from bot.operator.atom import render_atom
from bot.operator.feeds import feed_url, read_feed, token_from_path
from storage.feed_tokens import SqlFeedStore

log = logging.getLogger("paperboy.feeds")

ATOM_TYPE = "application/atom+xml"
# Readers poll; a private link should not land in shared caches or search engines.
HEADERS = {
    "Cache-Control": "private, max-age=300",
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def feed_routes(
    engine: Engine,
    *,
    public_url: str | None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[web.RouteDef]:
    """The feed route; ``public_url`` (``PAPERBOY_PUBLIC_URL``) spells the feed's own link,
    else the address the request came to."""
    store = SqlFeedStore(engine)

    async def feed(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        try:
            found = await asyncio.to_thread(read_feed, name, store, clock())
        except Exception:
            log.exception("feed could not be read")  # the path (the token) stays out of the log
            return web.Response(status=503, text="The feed is unavailable; try again later.")
        if found is None:
            return web.Response(status=404, text="No such feed (the link is wrong or was reset).")
        channel, entries = found
        token = token_from_path(name)
        assert token is not None  # read_feed found a channel for it
        base = public_url or f"{request.scheme}://{request.host}"
        body = render_atom(channel, entries, self_url=feed_url(base, token), now=clock())
        return web.Response(body=body, content_type=ATOM_TYPE, charset="utf-8", headers=HEADERS)

    return [web.get("/feeds/{name}", feed)]
