"""The ``/papers`` grammar, parsed once here for every platform and the CLI.

/papers <query>                    search (also: /papers search <query>)
/papers subscribe <topic>          a topic is a query: "scaling laws" -vision min-upvotes:5
/papers unsubscribe <topic | N>    N is the number shown by list
/papers list
/papers schedule daily 09:00 Europe/Berlin | weekdays 08:30 | weekly mon 09:00 | off
/papers digest [preview]
/papers settings [max 5 | min-upvotes 10 | window 7d | empty quiet|explain]
/papers resume                     after fixing access, restart a paused channel
/papers help
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import UserError
from bot.ranking.query import Query, parse_query
from bot.text import clean_text

MAX_PAPERS_LIMIT = 20
_WINDOW = re.compile(r"^(\d{1,3})d$")


@dataclass(frozen=True, slots=True)
class Search:
    text: str
    query: Query


@dataclass(frozen=True, slots=True)
class Subscribe:
    text: str
    query: Query


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    target: str
    position: int | None


@dataclass(frozen=True, slots=True)
class ListTopics:
    pass


@dataclass(frozen=True, slots=True)
class Schedule:
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DigestNow:
    preview: bool


@dataclass(frozen=True, slots=True)
class Settings:
    """``changes`` maps a setting to its new value; empty means "show the settings"."""

    changes: tuple[tuple[str, object], ...]


@dataclass(frozen=True, slots=True)
class Resume:
    pass


@dataclass(frozen=True, slots=True)
class Help:
    pass


Command = (
    Search | Subscribe | Unsubscribe | ListTopics | Schedule | DigestNow | Settings | Resume | Help
)
MANAGING = (Subscribe, Unsubscribe, Schedule, Settings, Resume)
VERBS = (
    "search",
    "subscribe",
    "unsubscribe",
    "list",
    "schedule",
    "digest",
    "settings",
    "resume",
    "help",
)

HELP_TEXT = """\
*Paperboy* finds research papers for this channel.
• `/papers scaling laws` — search (try `"exact phrase"`, `-exclude`, `author:`, `org:`, \
`cat:cs.LG`, `min-upvotes:10`, `since:7d`)
• `/papers subscribe "scaling laws" -vision` — follow a topic in this channel
• `/papers unsubscribe 2` — stop following topic 2 (or name it)
• `/papers list` — topics, schedule, settings, last digest
• `/papers schedule daily 09:00 Europe/Berlin` — also `weekdays 08:30`, `weekly mon 09:00`, `off`
• `/papers digest` — post this channel's digest now (`digest preview` shows it only to you)
• `/papers settings max 5` — also `min-upvotes 10`, `window 7d` (or `all`), `empty quiet|explain`
• `/papers resume` — restart digests after fixing the bot's access"""


def _number(text: str) -> bool:
    """ASCII digits only: ``"²".isdigit()`` is True, yet ``int("²")`` raises."""
    return text.isascii() and text.isdigit()


def _settings_change(key: str, value: str) -> tuple[str, object]:
    key = key.lower()
    if key == "max":
        if not _number(value) or not 1 <= int(value) <= MAX_PAPERS_LIMIT:
            raise UserError(
                f"max takes a number from 1 to {MAX_PAPERS_LIMIT}.", example="settings max 5"
            )
        return "max_papers", int(value)
    if key in ("min-upvotes", "min_upvotes", "minupvotes"):
        if value.lower() in ("off", "none", "0"):
            return "min_upvotes", None
        if not _number(value) or len(value) > 6:
            raise UserError("min-upvotes takes a whole number.", example="settings min-upvotes 10")
        return "min_upvotes", int(value)
    if key == "window":
        if value.lower() == "all":
            return "window_days", None
        match = _WINDOW.match(value.lower())
        if not match or not 1 <= int(match.group(1)) <= 365:
            raise UserError(
                "window takes a number of days (1d to 365d) or all.", example="settings window 7d"
            )
        return "window_days", int(match.group(1))
    if key == "empty":
        if value.lower() not in ("quiet", "explain"):
            raise UserError(
                "empty takes quiet (post nothing) or explain (say why there is nothing).",
                example="settings empty explain",
            )
        return "empty_mode", value.lower()
    raise UserError(
        f"'{key}' is not a setting; the settings are max, min-upvotes, window and empty.",
        example="settings max 5",
    )


def parse_command(text: str) -> Command:
    """Parse what follows ``/papers``; raise :class:`UserError` with an example on mistakes.

    Control and format characters go first: PostgreSQL refuses a NUL in any string, and a
    bidi override in a topic would reorder every later message that shows it.
    """
    stripped = clean_text(text)
    if not stripped:
        return Help()
    verb, _, rest = stripped.partition(" ")
    lowered = verb.lower()
    if lowered not in VERBS:
        return _search(stripped)
    if lowered == "search":
        if not rest:
            raise UserError("Tell me what to search for.", example="/papers search scaling laws")
        return _search(rest)
    if lowered == "subscribe":
        if not rest:
            raise UserError(
                "Which topic should this channel follow?",
                example='/papers subscribe "scaling laws"',
            )
        query = parse_query(rest)
        if query.is_empty:
            raise UserError(
                "That topic has nothing to search for.", example="/papers subscribe diffusion"
            )
        return Subscribe(text=query.describe(), query=query)
    if lowered == "unsubscribe":
        if not rest:
            raise UserError(
                "Which topic should I drop? Give its number from list, or its text.",
                example="/papers unsubscribe 2",
            )
        position = int(rest) if _number(rest) and len(rest) < 6 else None
        return Unsubscribe(target=rest, position=position)
    if lowered == "list":
        return ListTopics()
    if lowered == "schedule":
        return Schedule(words=tuple(rest.split()))
    if lowered == "digest":
        if rest.lower() in ("", "now"):
            return DigestNow(preview=False)
        if rest.lower() == "preview":
            return DigestNow(preview=True)
        raise UserError(
            f"digest takes nothing or preview, not '{rest}'.", example="/papers digest preview"
        )
    if lowered == "settings":
        words = rest.split()
        if len(words) % 2:
            raise UserError("Each setting needs a value.", example="/papers settings max 5")
        changes = tuple(_settings_change(words[i], words[i + 1]) for i in range(0, len(words), 2))
        return Settings(changes=changes)
    if lowered == "resume":
        return Resume()
    return Help()


def _search(text: str) -> Search:
    query = parse_query(text)
    if query.is_empty:
        raise UserError("Tell me what to search for.", example="/papers scaling laws")
    return Search(text=text, query=query)
