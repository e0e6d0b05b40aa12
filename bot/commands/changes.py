"""The ``/papers`` commands that change what a channel follows, when, and how."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.channels import ChannelRepository
from bot.chat import Caller, ChannelRef, Reply
from bot.commands import grammar
from bot.commands.listing import settings_line
from bot.commands.render import error_reply
from bot.digests.schedule import next_slot, parse_schedule
from bot.errors import UserError
from bot.ranking.query import parse_query


def apply_change(
    channels: ChannelRepository,
    ref: ChannelRef,
    command: grammar.Command,
    caller: Caller,
    now: datetime,
) -> Reply:
    """Run a command that changes stored state (blocking: call it in a worker thread)."""
    who = caller.display_name or "Someone"
    channel = channels.ensure_channel(ref, now)
    if isinstance(command, grammar.Subscribe):
        if not channels.add_topic(ref, command.text, now):
            return error_reply(f"This channel already follows “{command.text}”.")
        hint = ""
        if channel.schedule.kind == "off":
            hint = (
                "\nDigests are not scheduled yet: try "
                "`/papers schedule daily 09:00 Europe/Berlin`, or `/papers digest` now."
            )
        return Reply(
            text=f"Subscribed {ref.display} to “{command.text}”.{hint}",
            announce=f"{who} subscribed this channel to “{command.text}”.",
        )
    if isinstance(command, grammar.Unsubscribe):
        topics = channel.topics
        if command.position is not None:
            if not 1 <= command.position <= len(topics):
                count = f"{len(topics)} topic{'s' if len(topics) != 1 else ''}"
                return error_reply(
                    f"There is no topic {command.position}: this channel follows {count}. "
                    "See `/papers list`."
                )
            text = topics[command.position - 1].text
        else:
            try:
                text = parse_query(command.target).describe() or command.target
            except UserError:
                text = command.target
        if not channels.remove_topic(ref, text):
            return error_reply(
                f"This channel does not follow “{command.target}”. See `/papers list`."
            )
        return Reply(
            text=f"Unsubscribed {ref.display} from “{text}”.",
            announce=f"{who} unsubscribed this channel from “{text}”.",
        )
    if isinstance(command, grammar.Schedule):
        spec = parse_schedule(list(command.words), channel.schedule.timezone)
        channels.set_schedule(ref, spec, now)
        if spec.kind == "off":
            return Reply(
                text="Scheduled digests are off for this channel.",
                announce=f"{who} turned scheduled digests off.",
            )
        upcoming = next_slot(spec, now)
        when = ""
        if upcoming is not None:
            local = upcoming.due_at.astimezone(ZoneInfo(spec.timezone))
            when = f" The next one comes {local:%a %d %b at %H:%M} ({spec.timezone})."
        return Reply(
            text=f"Digests for {ref.display}: {spec.describe()}.{when}",
            announce=f"{who} set this channel's digests to {spec.describe()}.",
        )
    if isinstance(command, grammar.Settings):
        channels.update_settings(ref, now, **dict(command.changes))
        updated = channels.ensure_channel(ref, now)
        return Reply(
            text=f"Settings for {ref.display}: {settings_line(updated)}.",
            announce=f"{who} changed this channel's settings: {settings_line(updated)}.",
        )
    if isinstance(command, grammar.Resume):
        if not channel.paused_reason:
            return Reply(text="Digests in this channel are not paused.")
        channels.set_paused(ref, None, now)
        return Reply(
            text="Digests are back on for this channel.",
            announce=f"{who} resumed this channel's digests.",
        )
    raise AssertionError(f"unhandled command {command!r}")
