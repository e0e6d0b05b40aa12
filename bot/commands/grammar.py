"""The ``/papers`` grammar, parsed once here for every platform and the CLI.

The verbs, their arguments and examples are declared in :mod:`bot.commands.table`; this
module turns what follows ``/papers`` into one of the command values below.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from bot.chat import PLAIN
from bot.commands import managers, table
from bot.commands.chat_markup import plain_words
from bot.commands.managers import ManagerRule
from bot.commands.settings_grammar import is_number, settings_change
from bot.digests.schedule import parse_schedule
from bot.errors import UserError
from bot.operator.trending import TrendingRequest, parse_trending
from bot.ranking.query import Query, parse_query
from bot.text import clean_text


@dataclass(frozen=True, slots=True)
class Search:
    verb: ClassVar[str] = "search"
    text: str
    query: Query


@dataclass(frozen=True, slots=True)
class Subscribe:
    verb: ClassVar[str] = "subscribe"
    text: str
    query: Query


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    verb: ClassVar[str] = "unsubscribe"
    target: str
    position: int | None


@dataclass(frozen=True, slots=True)
class ListTopics:
    verb: ClassVar[str] = "list"


@dataclass(frozen=True, slots=True)
class Schedule:
    verb: ClassVar[str] = "schedule"
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DigestNow:
    verb: ClassVar[str] = "digest"
    preview: bool


@dataclass(frozen=True, slots=True)
class Settings:
    """``changes`` maps a setting to its new value; empty means "show the settings"."""

    verb: ClassVar[str] = "settings"
    changes: tuple[tuple[str, object], ...]


@dataclass(frozen=True, slots=True)
class Rollup:
    """``schedule rollup fri 16:00`` (``words`` after ``rollup``; ``off`` stops it)."""

    verb: ClassVar[str] = "schedule"
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Forget:
    verb: ClassVar[str] = "forget"


@dataclass(frozen=True, slots=True)
class SetManagers:
    """``settings managers admins``: who may change what the workspace's channels follow."""

    verb: ClassVar[str] = "settings"
    rule: ManagerRule


@dataclass(frozen=True, slots=True)
class Resume:
    verb: ClassVar[str] = "resume"


@dataclass(frozen=True, slots=True)
class Trending:
    """``trending [24h|7d] [query]``: the window and what narrows it."""

    verb: ClassVar[str] = "trending"
    request: TrendingRequest


@dataclass(frozen=True, slots=True)
class Feed:
    """A private feed link for the caller; ``reset`` revokes every link of the channel."""

    verb: ClassVar[str] = "feed"
    reset: bool


@dataclass(frozen=True, slots=True)
class Help:
    verb: ClassVar[str] = "help"


Command = (
    Search
    | Subscribe
    | Unsubscribe
    | ListTopics
    | Schedule
    | Rollup
    | DigestNow
    | Settings
    | Forget
    | SetManagers
    | Resume
    | Trending
    | Feed
    | Help
)
# Settings stored with the channel's taste (bot.taste), not with its digest settings.
TASTE_SETTINGS = frozenset({"taste_enabled", "followup_upvotes"})
VERBS = table.NAMES
HELP_TEXT = table.help_text(PLAIN)


def needs_manage(command: Command) -> bool:
    """Whether only a channel manager may run ``command`` (viewing settings is open to all).
    Choosing the managers themselves (:class:`SetManagers`) is for workspace admins: the
    service checks that separately."""
    access = table.verb(command.verb).access
    if access is table.Access.MANAGERS_TO_CHANGE:
        if isinstance(command, Feed):
            return command.reset
        return isinstance(command, Settings) and bool(command.changes)
    return access is table.Access.MANAGERS


def text_needs_manage(text: str) -> bool:
    """:func:`needs_manage` for raw command text; a mistake does not (the core explains it)."""
    try:
        return needs_manage(parse_command(text))
    except UserError:
        return False


def parse_command(text: str) -> Command:
    """Parse what follows ``/papers``; raise :class:`UserError` with an example on mistakes.

    Control and format characters go first: PostgreSQL refuses a NUL in any string, and a
    bidi override in a topic would reorder every later message that shows it. Then chat
    markup: a Slack link is its label, a mention is refused (:mod:`bot.commands.chat_markup`).
    """
    stripped = clean_text(plain_words(clean_text(text)))
    if not stripped:
        return Help()
    word, _, rest = stripped.partition(" ")
    parser = _PARSERS.get(word.lower())
    if parser is None:
        _refuse_near_miss(word, rest)
        return _search(stripped)
    return parser(rest)


def _refuse_near_miss(word: str, rest: str) -> None:
    """Raise "did you mean `subscribe`?" for ``subscibe scaling``: a first word within a typo
    of a verb that takes an argument (difflib ratio ≥ 0.8), followed by a valid argument for
    that verb. A lone word, or words that would not make sense after the verb, stay a search
    (``scaling``, ``digests about diffusion``); the answer says how to search anyway."""
    if not rest:
        return
    candidates = [v.name for v in table.VERBS if v.argument is not None and not v.bare]
    close = difflib.get_close_matches(word.lower(), candidates, n=1, cutoff=0.8)
    if not close:
        return
    verb = close[0]
    try:
        command = _PARSERS[verb](rest)
        if isinstance(command, Schedule):
            parse_schedule(list(command.words))
    except UserError:
        return
    raise UserError(
        f"Did you mean `{verb}`? To search for these words instead, use "
        f"`/papers search {word} {rest}`.",
        example=f"/papers {verb} {rest}",
    )


def _search(text: str) -> Search:
    query = parse_query(text)
    if query.is_empty:
        raise UserError("Tell me what to search for.", example="/papers scaling laws")
    return Search(text=text, query=query)


def _search_verb(rest: str) -> Search:
    if not rest:
        raise UserError("Tell me what to search for.", example="/papers search scaling laws")
    return _search(rest)


def _subscribe(rest: str) -> Subscribe:
    if not rest:
        raise UserError(
            "Which topic should this channel follow?", example='/papers subscribe "scaling laws"'
        )
    query = parse_query(rest)
    if query.is_empty:
        raise UserError(
            "That topic has nothing to search for.", example="/papers subscribe diffusion"
        )
    return Subscribe(text=query.describe(), query=query)


def _unsubscribe(rest: str) -> Unsubscribe:
    if not rest:
        raise UserError(
            "Which topic should I drop? Give its number from list, or its text.",
            example="/papers unsubscribe 2",
        )
    position = int(rest) if is_number(rest) and len(rest) < 6 else None
    return Unsubscribe(target=rest, position=position)


def _digest(rest: str) -> DigestNow:
    if rest.lower() in ("", "now"):
        return DigestNow(preview=False)
    if rest.lower() == "preview":
        return DigestNow(preview=True)
    raise UserError(
        f"digest takes nothing or preview, not '{rest}'.", example="/papers digest preview"
    )


def _feed(rest: str) -> Feed:
    if rest.lower() in ("", "link"):
        return Feed(reset=False)
    if rest.lower() in ("reset", "revoke"):
        return Feed(reset=True)
    raise UserError(
        f"feed takes nothing or reset, not '{rest[:40]}'.", example="/papers feed reset"
    )


def _schedule(rest: str) -> Schedule | Rollup:
    words = tuple(rest.split())
    if words and words[0].lower() in ("rollup", "roll-up"):
        return Rollup(words=words[1:])
    return Schedule(words=words)


def _settings(rest: str) -> Settings | SetManagers:
    words = rest.replace("=", " ").split()  # "max=5", as Discord's hint once said, is "max 5"
    if words and words[0].lower() == "managers":
        if len(words) != 2:
            raise UserError(
                "managers takes one choice, on its own: everyone, admins or group:<handle>.",
                example=managers.EXAMPLE,
            )
        return SetManagers(ManagerRule.parse(words[1]))
    if len(words) % 2:
        raise UserError("Each setting needs a value.", example="/papers settings max 5")
    return Settings(
        changes=tuple(settings_change(words[i], words[i + 1]) for i in range(0, len(words), 2))
    )


_PARSERS: dict[str, Callable[[str], Command]] = {
    "search": _search_verb,
    "subscribe": _subscribe,
    "unsubscribe": _unsubscribe,
    "list": lambda _: ListTopics(),
    "schedule": _schedule,
    "digest": _digest,
    "settings": _settings,
    "forget": lambda _: Forget(),
    "resume": lambda _: Resume(),
    "feed": _feed,
    "trending": lambda rest: Trending(parse_trending(rest)),
    "help": lambda _: Help(),
}
if set(_PARSERS) != set(VERBS):  # the table and the grammar must name the same verbs
    raise AssertionError(f"unparsed verbs: {set(VERBS) ^ set(_PARSERS)}")
