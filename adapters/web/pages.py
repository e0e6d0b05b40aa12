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
from adapters.gauges import papers_without_vector
from adapters.web.auth import AdminAuth, Session
from adapters.web.chart import WeeklyChart, per_week, weekly_chart
from adapters.web.render import render
from bot.channels import ChannelSettings
from bot.chat import PLATFORMS, ChannelRef
from bot.commands.listing import plain_reason
from bot.errors import UserError
from bot.operator.ports import ChannelOverview
from bot.operator.views import next_digest
from bot.taste.ports import PaperVotes
from storage.operator_counts import read_operator_counts
from storage.operator_history import SqlOperatorHistory
from storage.operator_pages import (
    activity_since,
    delivery_page,
    source_health,
    weeks_before,
)
from storage.vote_store import SqlVoteStore

PER_PAGE = 50
DIGESTS_PER_PAGE = 20
CHART_WEEKS = 12
VOTED_PAPERS = 10
PAUSE_FIX = (
    "Give the bot its access back (invite it to the channel, add it back to the server or "
    "workspace, or restore its permission to post), then resume the channel here or run "
    "/papers resume in it."
)
_NEVER = datetime.min.replace(tzinfo=UTC)

_SORTS: dict[str, Callable[[ChannelOverview], Any]] = {
    "channel": lambda c: (c.channel.ref.name or c.channel.ref.channel_id).lower(),
    "platform": lambda c: (c.channel.ref.platform, c.channel.ref.workspace_id),
    "topics": lambda c: len(c.channel.topics),
    "schedule": lambda c: c.channel.schedule.describe(),
    "last": lambda c: c.last.at if c.last else _NEVER,
    "delivered": lambda c: c.delivered,
    "paused": lambda c: c.channel.paused_reason is not None,
}
SORT_KEYS = tuple(_SORTS)


def sort_channels(rows: list[ChannelOverview], key: str, descending: bool) -> list[ChannelOverview]:
    """The channels ordered by a column (an unknown column sorts by channel name)."""
    return sorted(rows, key=_SORTS.get(key, _SORTS["channel"]), reverse=descending)


def every_channel(
    history: SqlOperatorHistory, *, paused_only: bool = False
) -> list[ChannelOverview]:
    """All channels, read page by page (the CLI's own query)."""
    found: list[ChannelOverview] = []
    after: int | None = None
    while True:
        page = history.channel_page(paused_only=paused_only, limit=500, after=after)
        found.extend(page.channels)
        if page.after is None:
            return found
        after = page.after


def whole_number(raw: str | None, name: str) -> int | None:
    """A page parameter: None when absent, a :class:`UserError` unless a whole number ≥ 1."""
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 12:
        raise UserError(f"'{raw[:20]}' is not a page number.", example=f"?{name}=2")
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

    @property
    def history(self) -> SqlOperatorHistory:
        """Channels and digests, read as ``paperboy channels|deliveries`` reads them."""
        return SqlOperatorHistory(self.app.library.engine)

    async def overview(self, request: web.Request, session: Session) -> web.Response:
        """Library size, sources' health, index lag, vectors, paused channels with the fix."""
        engine = self.app.library.engine
        counts = await asyncio.to_thread(read_operator_counts, engine)
        missing = await asyncio.to_thread(papers_without_vector, self.app, counts.papers)
        sources = await asyncio.to_thread(source_health, engine)
        paused = await asyncio.to_thread(every_channel, self.history, paused_only=True)
        context = {
            "papers": counts.papers,
            "index_size": self.app.library.index.size,
            "missing_vectors": missing,
            "semantic_problem": None
            if self.app.library.semantic is not None
            else (self.app.library.semantic_problem or "not set up"),
            "sources": sources,
            "paused": paused,
            "pause_fix": PAUSE_FIX,
            "plain_reason": plain_reason,
        }
        return self._render(session, "overview.html", context)

    async def channels(self, request: web.Request, session: Session) -> web.Response:
        """Every channel in a table sorted by the column asked for (``?sort=&dir=``)."""
        key = request.query.get("sort", "channel")
        key = key if key in _SORTS else "channel"
        descending = request.query.get("dir") == "desc"
        rows = await asyncio.to_thread(every_channel, self.history)
        now = self.clock()
        context = {
            "channels": sort_channels(rows, key, descending),
            "next_digest": {c.channel.pk: next_digest(c.channel, now) for c in rows},
            "sort": key,
            "descending": descending,
            "sort_keys": SORT_KEYS,
        }
        return self._render(session, "channels.html", context)

    async def channel(self, request: web.Request, session: Session) -> web.Response:
        """One channel: settings, topics, digests, votes, chart, papers delivered."""
        page = whole_number(request.query.get("page"), "page") or 1
        before = whole_number(request.query.get("before"), "before")
        info = request.match_info
        context = await asyncio.to_thread(
            self._channel_data, info["platform"], info["workspace"], info["channel"], page, before
        )
        context["resumed"] = (
            request.query.get("resumed") == "1" and not context["channel"].paused_reason
        )
        return self._render(session, "channel.html", context)

    def _channel_data(
        self, platform: str, workspace: str, channel_id: str, page: int, before: int | None
    ) -> dict[str, Any]:
        channel = exact_channel(self.app, platform, workspace, channel_id)
        engine = self.app.library.engine
        total, deliveries = delivery_page(
            engine, channel.pk, offset=(page - 1) * PER_PAGE, limit=PER_PAGE
        )
        now = self.clock()
        return {
            "channel": channel,
            "schedule": channel.schedule.describe(),
            "next_digest": next_digest(channel, now),
            "digests": self.history.digest_page(channel.pk, limit=DIGESTS_PER_PAGE, before=before),
            "votes": self._votes(channel.pk),
            "chart": self._chart(channel.pk, now),
            "deliveries": deliveries,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "pause_fix": PAUSE_FIX,
            "plain_reason": plain_reason,
        }

    def _votes(self, channel_pk: int) -> list[tuple[PaperVotes, str]]:
        """The most liked papers of the channel (each person once), with their titles."""
        votes = SqlVoteStore(self.app.library.engine).paper_votes(channel_pk)
        best = sorted(votes, key=lambda v: (-v.up, v.down, v.paper_id))[:VOTED_PAPERS]
        titles = {
            p.arxiv_id: p.title
            for p in self.app.library.papers.get_papers([v.paper_id for v in best])
        }
        return [(v, titles.get(v.paper_id, "")) for v in best]

    def _chart(self, channel_pk: int, now: datetime) -> WeeklyChart:
        since = weeks_before(now, CHART_WEEKS)
        delivered_at, voted_at = activity_since(self.app.library.engine, channel_pk, since)
        return weekly_chart(
            since.date(),
            per_week(delivered_at, since.date(), CHART_WEEKS),
            per_week(voted_at, since.date(), CHART_WEEKS),
        )

    def _render(self, session: Session, template: str, context: dict[str, Any]) -> web.Response:
        return render(template, context, csrf=self.auth.csrf_token(session))
