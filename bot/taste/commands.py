"""The ``/papers`` commands about a channel's taste: ``settings taste|followups``, ``forget``,
``schedule rollup``, and the lines ``list`` adds (votes given, what the channel learned).

Blocking functions (they read and write the vote store): call them in a worker thread.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.channels import ChannelRepository, ChannelSettings
from bot.chat import Caller, ChannelRef, Dialect, Reply
from bot.commands import grammar
from bot.commands.changes import apply_change
from bot.commands.render import error_reply
from bot.digests.schedule import WEEKDAYS, ScheduleSpec, next_slot, parse_schedule
from bot.taste.ports import TasteSettings
from bot.taste.rollup import rollup_spec
from bot.taste.service import TasteService

LEARNED_TERMS = 5


def taste_line(settings: TasteSettings) -> str:
    """``taste on, follow-ups at 50 upvotes, roll-up Fri 16:00``."""
    parts = [f"taste {'on' if settings.taste_enabled else 'off'}"]
    if settings.followup_upvotes is not None:
        parts.append(f"follow-ups at {settings.followup_upvotes} upvotes")
    if settings.rollup_weekday is not None:
        day = WEEKDAYS[settings.rollup_weekday].title()
        parts.append(f"roll-up {day} {settings.rollup_time}")
    return ", ".join(parts)


def describe_taste(taste: TasteService, channel: ChannelSettings | None, dialect: Dialect) -> str:
    """What ``list`` adds: how many votes the channel gave, and what it learned from them."""
    if channel is None:
        return "Votes: none yet. React 👍 or 👎 on a digest paper to teach this channel."
    settings = taste.settings(channel.pk)
    up, down = taste.vote_counts(channel.pk)
    lines = [f"Votes: {up} 👍, {down} 👎 ({taste_line(settings)})"]
    model = taste.model_for(channel.pk)
    if not model.active:
        lines.append(
            f"Taste: learning — it acts from {model.min_up} papers liked and "
            f"{model.min_down} disliked."
        )
        return "\n".join(lines)
    liked, disliked = model.top_terms(LEARNED_TERMS)
    learned = []
    if liked:
        learned.append("likes " + ", ".join(dialect.quote(t) for t in liked))
    if disliked:
        learned.append("less so " + ", ".join(dialect.quote(t) for t in disliked))
    lines.append(f"Taste learned: {'; '.join(learned) or 'nothing clear yet'}")
    return "\n".join(lines)


def change_taste_settings(
    taste: TasteService, channel: ChannelSettings, changes: dict[str, object], who: str
) -> Reply:
    """Store ``settings taste …`` / ``settings followups …`` and say what is now set."""
    taste.update_settings(channel.pk, **changes)
    line = taste_line(taste.settings(channel.pk))
    return Reply(
        text=f"Taste settings for this channel: {line}.",
        announce=f"{who} changed this channel's taste settings: {line}.",
    )


def forget(taste: TasteService, channel: ChannelSettings, who: str) -> Reply:
    """``/papers forget``: every vote of the channel goes; its taste starts over."""
    removed = taste.forget(channel.pk)
    if not removed:
        return Reply(text="This channel has no votes to forget.")
    return Reply(
        text=f"Forgot this channel's {removed} vote signal{'s' * (removed != 1)}; "
        "its taste starts over.",
        announce=f"{who} cleared this channel's votes; its taste starts over.",
    )


def schedule_rollup(
    taste: TasteService,
    channel: ChannelSettings,
    command: grammar.Rollup,
    caller: Caller,
    now: datetime,
) -> Reply:
    """``/papers schedule rollup fri 16:00`` (or ``off``), on the channel's own timezone."""
    who = caller.dialect.quote(caller.display_name) if caller.display_name else "Someone"
    zone = channel.schedule.timezone
    if [w.lower() for w in command.words] == ["off"]:
        taste.update_settings(channel.pk, rollup_weekday=None, rollup_updated_at=now)
        return Reply(
            text="The weekly roll-up is off.", announce=f"{who} turned the weekly roll-up off."
        )
    spec = parse_schedule(["weekly", *command.words], zone)
    if spec.weekday is None or spec.timezone != zone:
        return error_reply(
            f"The roll-up follows this channel's timezone ({zone}); give a day and a time, "
            "e.g. `/papers schedule rollup fri 16:00`."
        )
    taste.update_settings(
        channel.pk,
        rollup_weekday=spec.weekday,
        rollup_time=f"{spec.at:%H:%M}",
        rollup_updated_at=now,
    )
    upcoming = next_slot(rollup_spec(taste.settings(channel.pk), zone) or ScheduleSpec(), now)
    when = ""
    if upcoming is not None:
        local = upcoming.due_at.astimezone(ZoneInfo(zone))
        when = f" The first comes {local:%a %d %b at %H:%M} ({caller.dialect.quote(zone)})."
    described = caller.dialect.quote(spec.describe())
    return Reply(
        text=f"Weekly roll-up of the papers this channel liked most: {described}.{when}",
        announce=f"{who} set this channel's weekly roll-up: {described}.",
    )


def run_taste_command(
    taste: TasteService,
    channels: ChannelRepository,
    ref: ChannelRef,
    command: grammar.Command,
    caller: Caller,
    now: datetime,
) -> Reply | None:
    """Run ``command`` when it is about taste (None: not ours, the caller goes on)."""
    who = caller.dialect.quote(caller.display_name) if caller.display_name else "Someone"
    match command:
        case grammar.Forget():
            return forget(taste, channels.ensure_channel(ref, now), who)
        case grammar.Rollup():
            return schedule_rollup(taste, channels.ensure_channel(ref, now), command, caller, now)
        case grammar.Settings(changes=changes) if any(
            key in grammar.TASTE_SETTINGS for key, _ in changes
        ):
            ours = {k: v for k, v in changes if k in grammar.TASTE_SETTINGS}
            rest = tuple((k, v) for k, v in changes if k not in grammar.TASTE_SETTINGS)
            reply = change_taste_settings(taste, channels.ensure_channel(ref, now), ours, who)
            if not rest:
                return reply
            other = apply_change(channels, ref, grammar.Settings(changes=rest), caller, now)
            return Reply(
                text=f"{other.text}\n{reply.text}",
                announce=f"{other.announce}\n{reply.announce}" if other.announce else None,
            )
    return None
