"""The read-only pages: overview, the channels table, and one channel.

Handlers only translate: the request's parameters in, values from ``storage.operator_pages``
and the library out, rendered by a template. Database reads run in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from adapters.composition import App, Clock
from adapters.web.auth import AdminAuth, Session
from adapters.web.chart import per_week, weekly_chart
from adapters.web.render import render
from bot.channels import ChannelSettings
from bot.chat import PLATFORMS, ChannelRef
from bot.commands.listing import plain_reason
from bot.errors import UserError
from storage.operator_counts import read_operator_counts
from storage.operator_pages import (
    ChannelSummary,
    activity_since,
    channel_summaries,
    delivery_page,
    recent_digests,
    source_health,
    vote_tallies,
    weeks_before,
)

PER_PAGE = 50
CHART_WEEKS = 12
PAUSE_FIX = (
    "Give the bot its access back (invite it to the channel, add it back to the server or "
    "workspace, or restore its permission to post), then resume the channel here or run "
    "/papers resume in it."
)

_SORTS: dict[str, Callable[[ChannelSummary], Any]] = {
    "channel": lambda c: (c.ref.name or c.ref.channel_id).lower(),
    "platform": lambda c: (c.ref.platform, c.ref.workspace_id),
    "topics": lambda c: c.topics,
    "schedule": lambda c: (c.schedule, c.schedule_time),
    "last": lambda c: c.last_at or datetime.min.replace(tzinfo=UTC),
    "delivered": lambda c: c.delivered,
    "paused": lambda c: c.paused_reason is not None,
}
SORT_KEYS = tuple(_SORTS)


def sort_channels(rows: list[ChannelSummary], key: str, descending: bool) -> list[ChannelSummary]:
    """The channels ordered by a column (an unknown column sorts by channel name)."""
    return sorted(rows, key=_SORTS.get(key, _SORTS["channel"]), reverse=descending)


def page_number(raw: str | None) -> int:
    """The 1-based page asked for; a :class:`UserError` for anything but a whole number ≥ 1."""
    if raw is None or raw == "":
        return 1
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        raise UserError(f"'{raw[:20]}' is not a page number.", example="?page=2")
    return int(raw)


def exact_channel(app: App, platform: str, workspace: str, channel_id: str) -> ChannelSettings:
    """The channel at exactly this platform, workspace (``-`` for none) and id; 404 otherwise.

    The repository's own lookup forgives a missing workspace (a CLI reference without one);
    a URL must not, or a channel of another workspace could be reached by leaving it out.
    """
    wanted = "" if workspace == "-" else workspace
    if platform not in PLATFORMS:
        raise web.HTTPNotFound()
    found = app.channels.get_channel(ChannelRef(platform, channel_id, wanted))
    if found is None or found.ref.workspace_id != wanted or found.ref.channel_id != channel_id:
        raise web.HTTPNotFound()
    return found


@dataclass
class Pages:
    """The GET pages of ``/ui/``, over one running :class:`App`."""

    app: App
    auth: AdminAuth
    clock: Clock

    async def overview(self, request: web.Request, session: Session) -> web.Response:
        """Library size, sources' health, index lag, vectors, paused channels with the fix."""
        counts, sources, paused = await asyncio.to_thread(self._overview_data)
        context = {
            "papers": counts.papers,
            "index_size": self.app.library.index.size,
            "missing_vectors": None,
            "sources": sources,
            "paused": paused,
            "paused_by_platform": counts.paused_channels,
            "pause_fix": PAUSE_FIX,
            "plain_reason": plain_reason,
            "now": self.clock(),
        }
        return self._render(session, "overview.html", context)

    def _overview_data(self) -> tuple[Any, Any, list[ChannelSummary]]:
        engine = self.app.library.engine
        paused = channel_summaries(engine, paused_only=True)
        return read_operator_counts(engine), source_health(engine), paused

    async def channels(self, request: web.Request, session: Session) -> web.Response:
        """Every channel in a table sorted by the column asked for (``?sort=&dir=``)."""
        key = request.query.get("sort", "channel")
        key = key if key in _SORTS else "channel"
        descending = request.query.get("dir") == "desc"
        rows = await asyncio.to_thread(channel_summaries, self.app.library.engine)
        context = {
            "channels": sort_channels(rows, key, descending),
            "sort": key,
            "descending": descending,
            "sort_keys": SORT_KEYS,
        }
        return self._render(session, "channels.html", context)

    async def channel(self, request: web.Request, session: Session) -> web.Response:
        """One channel: settings, topics, recent digests, votes, chart, delivery history."""
        page = page_number(request.query.get("page"))
        info = request.match_info
        context = await asyncio.to_thread(
            self._channel_data, info["platform"], info["workspace"], info["channel"], page
        )
        return self._render(session, "channel.html", context)

    def _channel_data(
        self, platform: str, workspace: str, channel_id: str, page: int
    ) -> dict[str, Any]:
        channel = exact_channel(self.app, platform, workspace, channel_id)
        engine = self.app.library.engine
        total, deliveries = delivery_page(
            engine, channel.pk, offset=(page - 1) * PER_PAGE, limit=PER_PAGE
        )
        now = self.clock()
        since = weeks_before(now, CHART_WEEKS)
        delivered_at, voted_at = activity_since(engine, channel.pk, since)
        chart = weekly_chart(
            since.date(),
            per_week(delivered_at, since.date(), CHART_WEEKS),
            per_week(voted_at, since.date(), CHART_WEEKS),
        )
        return {
            "channel": channel,
            "schedule": channel.schedule.describe(),
            "digests": recent_digests(engine, channel.pk),
            "votes": vote_tallies(engine, channel.pk),
            "chart": chart,
            "deliveries": deliveries,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "pause_fix": PAUSE_FIX,
            "plain_reason": plain_reason,
        }

    def _render(self, session: Session, template: str, context: dict[str, Any]) -> web.Response:
        return render(template, context, csrf=self.auth.csrf_token(session))
