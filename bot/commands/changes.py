"""The ``/papers`` commands that change what a channel follows, when, and how.

Every string a user supplied (a topic, their display name, the channel's name) goes into a
reply or an announcement through the caller's :class:`bot.chat.Dialect`, so on a platform
with markdown a topic cannot become a link or a ping in the channel's announcement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.channels import ChannelRepository, ChannelSettings, SettingsChange
from bot.chat import Caller, ChannelRef, Dialect, Reply
from bot.commands import grammar
from bot.commands.listing import channel_label, settings_line
from bot.commands.render import error_reply
from bot.commands.zones import FixedZone, read_fixed_zone
from bot.digests.schedule import next_slot, parse_schedule
from bot.errors import UserError
from bot.ranking.query import parse_query

# A digest keeps a few papers per topic; past a couple of dozen topics a channel's digest is
# noise, and ``list`` could no longer show them all.
MAX_TOPICS = 25


@dataclass(frozen=True, slots=True)
class _Change:
    """One change in progress: where, by whom (both already quoted), and the stored channel."""

    channels: ChannelRepository
    ref: ChannelRef
    channel: ChannelSettings
    now: datetime
    dialect: Dialect
    who: str
    where: str

    def topic(self, text: str) -> str:
        """A topic as it appears in a reply: quoted for the platform, in quotation marks."""
        return f"“{self.dialect.quote(text)}”"


def apply_change(
    channels: ChannelRepository,
    ref: ChannelRef,
    command: grammar.Command,
    caller: Caller,
    now: datetime,
) -> Reply:
    """Run a command that changes stored state (blocking: call it in a worker thread)."""
    dialect = caller.dialect
    change = _Change(
        channels=channels,
        ref=ref,
        channel=channels.ensure_channel(ref, now),
        now=now,
        dialect=dialect,
        who=dialect.quote(caller.display_name) if caller.display_name else "Someone",
        where=channel_label(ref, dialect),
    )
    match command:
        case grammar.Subscribe():
            return _subscribe(change, command)
        case grammar.Unsubscribe():
            return _unsubscribe(change, command)
        case grammar.Schedule():
            return _schedule(change, command)
        case grammar.Settings():
            return _settings(change, command)
        case grammar.Resume():
            return _resume(change)
    raise AssertionError(f"unhandled command {command!r}")


def _subscribe(change: _Change, command: grammar.Subscribe) -> Reply:
    """Add a topic, unless the channel follows it already (in any letter case: the database
    only refuses the exact same text) or already follows :data:`MAX_TOPICS`."""
    topics = change.channel.topics
    same = [t.text for t in topics if t.text.casefold() == command.text.casefold()]
    if same:
        return error_reply(f"This channel already follows {change.topic(same[0])}.")
    if len(topics) >= MAX_TOPICS:
        return error_reply(
            f"This channel follows {len(topics)} topics, the most it can. Drop one first with "
            "`/papers unsubscribe <number>` (see `/papers list`)."
        )
    topic = change.topic(command.text)
    if not change.channels.add_topic(change.ref, command.text, change.now):
        return error_reply(f"This channel already follows {topic}.")
    hint = ""
    if change.channel.schedule.kind == "off":
        hint = (
            "\nDigests are not scheduled yet: try "
            "`/papers schedule daily 09:00 Europe/Berlin`, or `/papers digest` now."
        )
    return Reply(
        text=f"Subscribed {change.where} to {topic}.{hint}",
        announce=f"{change.who} subscribed this channel to {topic}.",
    )


def _unsubscribe(change: _Change, command: grammar.Unsubscribe) -> Reply:
    topics = change.channel.topics
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
    if not change.channels.remove_topic(change.ref, text):
        return error_reply(
            f"This channel does not follow {change.topic(command.target)}. See `/papers list`."
        )
    return Reply(
        text=f"Unsubscribed {change.where} from {change.topic(text)}.",
        announce=f"{change.who} unsubscribed this channel from {change.topic(text)}.",
    )


def _schedule(change: _Change, command: grammar.Schedule) -> Reply:
    words, fixed = _read_abbreviation(list(command.words))
    spec = parse_schedule(words, change.channel.schedule.timezone)
    change.channels.set_schedule(change.ref, spec, change.now)
    if spec.kind == "off":
        return Reply(
            text="Scheduled digests are off for this channel.",
            announce=f"{change.who} turned scheduled digests off.",
        )
    described = change.dialect.quote(spec.describe())
    upcoming = next_slot(spec, change.now)
    when = ""
    if upcoming is not None:
        local = upcoming.due_at.astimezone(ZoneInfo(spec.timezone))
        zone = change.dialect.quote(spec.timezone)
        when = f" The next one comes {local:%a %d %b at %H:%M} ({zone})."
    note = ""
    if fixed is not None:
        note = "\n" + fixed.note(command.words)
    return Reply(
        text=f"Digests for {change.where}: {described}.{when}{note}",
        announce=f"{change.who} set this channel's digests to {described}.",
    )


def _read_abbreviation(words: list[str]) -> tuple[list[str], FixedZone | None]:
    """The schedule's words with a timezone abbreviation (its last word, after the time)
    replaced by the fixed-offset zone it names, and what was read (see bot.commands.zones)."""
    if len(words) < 3 or not words[-2][:1].isdigit():
        return words, None
    fixed = read_fixed_zone(words[-1])
    if fixed is None:
        return words, None
    return [*words[:-1], fixed.zone], fixed


def _settings(change: _Change, command: grammar.Settings) -> Reply:
    change.channels.update_settings(change.ref, change.now, SettingsChange.of(command.changes))
    updated = settings_line(change.channels.ensure_channel(change.ref, change.now))
    return Reply(
        text=f"Settings for {change.where}: {updated}.",
        announce=f"{change.who} changed this channel's settings: {updated}.",
    )


def _resume(change: _Change) -> Reply:
    if not change.channel.paused_reason:
        return Reply(text="Digests in this channel are not paused.")
    change.channels.set_paused(change.ref, None, change.now)
    return Reply(
        text="Digests are back on for this channel.",
        announce=f"{change.who} resumed this channel's digests.",
    )
