"""``/papers trending [24h|7d] [query]``: papers gaining upvotes and stars fastest."""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.chat import Dialect, Reply
from bot.commands.render import REPLY_LIMIT, error_reply, render_results
from bot.operator.trending import SignalHistory, TrendingRequest, trending
from bot.ports import PaperRepository
from bot.ranking.blend import RankedPaper

TRENDING_RESULTS = 5


async def trending_reply(
    history: SignalHistory | None,
    papers: PaperRepository,
    request: TrendingRequest,
    *,
    dialect: Dialect,
    now: datetime,
) -> Reply:
    """The top papers by velocity, as search results whose why-line is the velocity (so every
    platform renders them as it renders a search)."""
    if history is None:
        return error_reply("Trending is not available in this process.")
    found = await asyncio.to_thread(
        trending,
        history,
        papers,
        period=request.period,
        query=request.query,
        now=now,
        limit=TRENDING_RESULTS,
    )
    subject = f" for {dialect.strong(dialect.quote(request.text))}" if request.text else ""
    if not found:
        return Reply(
            text=f"Nothing gained upvotes or stars in the last {request.period}{subject} yet. "
            "Trending needs at least two fetches that saw the numbers move."
        )
    results = [RankedPaper(t.paper, t.score, 1.0, t.why) for t in found]
    heading = f"Trending in the last {request.period}{subject} — top {len(results)}"
    body = render_results(results, request.text, limit=REPLY_LIMIT - len(heading) - 300)
    return Reply(text=f"{heading}\n\n{body}", results=tuple(results), heading=heading)
