"""The operator's views of channels and digests as plain values (JSON-ready) and lines.

One owner for what ``paperboy channels|deliveries`` print and what the operator page shows,
so the CLI and the page cannot disagree about, say, when a channel's next digest comes.
"""

from __future__ import annotations

from datetime import datetime

from bot.channels import ChannelSettings
from bot.commands.listing import plain_reason, settings_line
from bot.digests.schedule import next_slot
from bot.operator.ports import ChannelOverview, DigestRecord
from bot.text import clean_text

# Statuses whose note is an error (the others' note explains an empty digest).
FAILED_STATUSES = frozenset({"failed", "retry"})


def next_digest(channel: ChannelSettings, now: datetime) -> datetime | None:
    """When the channel's next scheduled digest is due (UTC); None when none will come:
    the schedule is off, the channel is paused, or it follows no topics."""
    if channel.paused_reason or not channel.topics:
        return None
    slot = next_slot(channel.schedule, now)
    return slot.due_at if slot else None


def utc(at: datetime | None) -> str | None:
    """``2026-11-27 09:00 UTC`` (None stays None)."""
    return None if at is None else f"{at:%Y-%m-%d %H:%M} UTC"


def digest_view(record: DigestRecord) -> dict[str, object]:
    """One digest as JSON: when, key, status, attempts, papers, error (or note)."""
    failed = record.status in FAILED_STATUSES
    return {
        "at": record.at.isoformat(),
        "key": record.period_key,
        "status": record.status,
        "attempts": record.attempts,
        "papers": list(record.papers),
        "error": record.note if failed else None,
        "note": None if failed else record.note,
        "scheduled_for": record.scheduled_for.isoformat() if record.scheduled_for else None,
        "cursor": record.cursor,
    }


def channel_view(overview: ChannelOverview, now: datetime) -> dict[str, object]:
    """One channel as JSON: platform, workspace, channel, topics, schedule, next digest,
    last outcome, paused reason."""
    channel = overview.channel
    upcoming = next_digest(channel, now)
    return {
        "ref": str(channel.ref),
        "platform": channel.ref.platform,
        "workspace": channel.ref.workspace_id or None,
        "channel": channel.ref.channel_id,
        "name": channel.ref.name,
        "topics": [topic.text for topic in channel.topics],
        "schedule": channel.schedule.describe(),
        "settings": settings_line(channel),
        "next_digest": upcoming.isoformat() if upcoming else None,
        "last": digest_view(overview.last) if overview.last else None,
        "delivered": overview.delivered,
        "paused": channel.paused_reason,
    }


def channel_lines(overview: ChannelOverview, now: datetime) -> list[str]:
    """A channel as a short block of text: reference and name, then one fact per line."""
    channel = overview.channel
    # Names, topics and platform errors come from outside: clean_text drops the control
    # characters (a terminal escape sequence in a channel name) before they reach a terminal.
    head = str(channel.ref) + (f"  #{clean_text(channel.ref.name)}" if channel.ref.name else "")
    topics = "; ".join(clean_text(topic.text) for topic in channel.topics) or "none"
    schedule = channel.schedule.describe()
    upcoming = next_digest(channel, now)
    if upcoming is not None:
        schedule += f", next {utc(upcoming)}"
    lines = [head, f"  topics: {topics}", f"  schedule: {schedule}"]
    if overview.last is not None:
        lines.append(f"  last: {last_outcome(overview.last)}")
    if channel.paused_reason:
        reason = clean_text(plain_reason(channel.paused_reason))
        lines.append(f"  paused: {reason} (fix, then /papers resume)")
    return lines


def papers(count: int) -> str:
    """``1 paper``, ``3 papers``."""
    return f"{count} paper{'s' * (count != 1)}"


def last_outcome(record: DigestRecord) -> str:
    """``posted 2026-11-27 09:00 UTC, 3 papers`` / ``failed …: channel_not_found``."""
    text = f"{record.status} {utc(record.at)}, {papers(len(record.papers))}"
    if record.note and record.status in FAILED_STATUSES:
        text += f": {clean_text(record.note)}"
    return text


def digest_line(record: DigestRecord) -> str:
    """One digest on one line: when, key, status, attempts, papers, then error or note."""
    attempts = f"{record.attempts} attempt{'s' * (record.attempts != 1)}"
    listed = papers(len(record.papers))
    if record.papers:
        shown = ", ".join(record.papers[:5])
        more = f" +{len(record.papers) - 5}" if len(record.papers) > 5 else ""
        listed += f" ({shown}{more})"
    line = f"{utc(record.at)}  {record.period_key}  {record.status}  {attempts}  {listed}"
    if record.note:
        label = "error" if record.status in FAILED_STATUSES else "note"
        line += f"  {label}: {clean_text(record.note)}"
    return line
