"""What ``/papers list`` and ``settings`` show about a channel, and the paused-channel notice."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.channels import ChannelRepository, ChannelSettings
from bot.chat import ChannelRef, Dialect
from bot.commands.render import REPLY_LIMIT, fit
from bot.digests.schedule import next_slot


def channel_label(ref: ChannelRef, dialect: Dialect) -> str:
    """``#name`` with the name quoted for the platform (a leading ``#`` is ours, not markup)."""
    return f"#{dialect.quote(ref.name)}" if ref.name else dialect.quote(str(ref))


# What adapters put around their reasons for the log: Slack's code before ("channel_not_found:
# …"), Discord's after ("… (50001 Missing Access)", "… (HTTP 403, 50013)").
_CODE_PREFIX = re.compile(r"^[a-z][a-z0-9_]*:\s+")
_CODE_SUFFIX = re.compile(r"\s*\((?:HTTP )?\d[^()]*\)\s*$")


def plain_reason(reason: str) -> str:
    """A pause or failure reason as a person reads it: the platform's error code goes (the
    stored reason and the log keep it), the sentence stays."""
    plain = _CODE_SUFFIX.sub("", _CODE_PREFIX.sub("", reason.strip()))
    return (plain or reason).rstrip(". ")


def paused_notice(channel: ChannelSettings | None, dialect: Dialect) -> str | None:
    """The warning shown to whoever runs a command in a paused channel, or None."""
    if channel is None or not channel.paused_reason:
        return None
    reason = dialect.quote(plain_reason(channel.paused_reason))
    return (
        f"⚠️ Digests in this channel are paused: {reason}. "
        "Give the bot its access back (invite it to the channel, or restore its permission "
        "to post), then run `/papers resume`."
    )


def describe_channel(
    channels: ChannelRepository,
    ref: ChannelRef,
    channel: ChannelSettings | None,
    now: datetime,
    dialect: Dialect,
) -> str:
    """What ``list`` shows (blocking: reads the last digest): the schedule, the settings and
    the last digest first, then as many topics as fit in the reply ("… and 12 more"), so a
    long list never pushes the schedule out. Names and topics are quoted for the platform."""
    where = channel_label(ref, dialect)
    shown = channel or ChannelSettings(pk=0, ref=ref)
    schedule = shown.schedule
    upcoming = next_slot(schedule, now)
    when = ""
    if upcoming is not None:
        local = upcoming.due_at.astimezone(ZoneInfo(schedule.timezone))
        when = f"; next {local:%a %d %b %H:%M}"
    lines = [
        f"Schedule: {dialect.quote(schedule.describe())}{when}",
        f"Settings: {settings_line(shown)}",
    ]
    last = channels.last_digest(shown.pk) if channel is not None else None
    if last is not None and last.at is not None:
        local = last.at.astimezone(ZoneInfo(schedule.timezone))
        zone = dialect.quote(schedule.timezone)  # the channel's clock, as the schedule reads
        lines.append(
            f"Last digest: {local:%a %d %b %H:%M} {zone}, {last.papers} papers ({last.status})"
        )
    if not shown.topics:
        head = f'{where} follows no topics yet. Try `/papers subscribe "scaling laws" -vision`.'
        return "\n".join([head, *lines])
    count = len(shown.topics)
    head = "\n".join([f"{where} follows {count} topic{'s' * (count != 1)}:", *lines, "Topics:"])
    topics = [f"  {t.position}. {dialect.quote(t.text)}" for t in shown.topics]
    return f"{head}\n{fit(topics, REPLY_LIMIT - len(head) - 1, separator=chr(10))}"


def settings_line(channel: ChannelSettings) -> str:
    """``max 5 papers, no upvote minimum, last 14 days, empty digests: explain``."""
    window = f"last {channel.window_days} days" if channel.window_days else "all papers"
    threshold = f"min {channel.min_upvotes} upvotes" if channel.min_upvotes else "no upvote minimum"
    empty = f"empty digests: {channel.empty_mode}"
    return f"max {channel.max_papers} papers, {threshold}, {window}, {empty}"
