"""The weekly roll-up: the papers a channel liked most that week, linking their messages.

"Liked" counts what people did with a paper posted to the channel: votes up (reactions,
buttons, shares, *More like this*) minus votes down. A week with nothing liked posts nothing.
The roll-up runs on the channel's timezone, like its digests, and is claimed once per
(channel, week) across replicas (:class:`bot.taste.ports.ThreadPosts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from bot.digests.schedule import ScheduleSpec
from bot.taste.ports import TasteSettings

ROLLUP_SIZE = 5


def rollup_spec(settings: TasteSettings, timezone: str) -> ScheduleSpec | None:
    """The roll-up's schedule on the channel's clock, or None when it is off."""
    if settings.rollup_weekday is None:
        return None
    hour, minute = (int(part) for part in settings.rollup_time.split(":"))
    return ScheduleSpec(
        kind="weekly", at=time(hour, minute), weekday=settings.rollup_weekday, timezone=timezone
    )


@dataclass(frozen=True, slots=True)
class LikedPaper:
    """One paper of the roll-up: how liked it was and where it was posted."""

    paper_id: str
    title: str
    url: str
    up: int
    down: int
    message_link: str | None


def render_rollup(liked: list[LikedPaper], week_start: datetime) -> str:
    """The roll-up message (plain text with links; adapters escape as they post)."""
    lines = [f"This week's most liked papers (since {week_start:%a %d %b}):"]
    for position, item in enumerate(liked[:ROLLUP_SIZE], 1):
        where = f" — {item.message_link}" if item.message_link else ""
        lines.append(f"{position}. {item.title} ({item.up} 👍, {item.down} 👎) {item.url}{where}")
    return "\n".join(lines)
