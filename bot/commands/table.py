"""Every ``/papers`` verb, declared once: its argument, who may run it, its help and examples.

The grammar's verb list, the help text on every platform, Slack's metrics labels and
Discord's subcommands (their descriptions, option names and hints, autocomplete and
permission checks) are all derived from :data:`VERBS`, so a verb or an example can never
drift between them. ``tests/bot/commands/test_table.py`` parses every example with the
grammar and looks for every verb in the help of every platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.chat import Dialect


class Access(StrEnum):
    """Who may run a verb."""

    ANYONE = "anyone"
    MANAGERS = "managers"
    # Anyone may look (``settings``, ``feed``); only a manager may change anything.
    MANAGERS_TO_CHANGE = "managers to change"


class Suggest(StrEnum):
    """What a platform with autocomplete may offer while the argument is typed."""

    TOPICS = "topics"  # the channel's topics
    SEARCHES = "searches"  # the caller's own recent searches, then the channel's topics


@dataclass(frozen=True, slots=True)
class Argument:
    """What follows the verb. ``name`` is the option's name where arguments are named
    options (Discord: ``query:``); a ``flag`` is a yes/no whose word is ``name`` itself
    (``digest preview``)."""

    name: str
    hint: str
    required: bool = True
    flag: bool = False
    suggest: Suggest | None = None


@dataclass(frozen=True, slots=True)
class Example:
    """An argument as a user would type it (``""``: the verb alone), with an optional note."""

    argument: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Verb:
    """One ``/papers`` verb.

    ``summary`` is a one-line description (≤ 100 characters, Discord's limit); ``help`` says
    what the first example does. ``bare`` verbs may be typed without their name
    (``/papers scaling laws`` searches). ``needs_posting`` verbs are pointless while the bot
    cannot post in the channel, so a platform that can tell refuses them up front.
    """

    name: str
    summary: str
    help: str
    examples: tuple[Example, ...]
    argument: Argument | None = None
    access: Access = Access.ANYONE
    bare: bool = False
    needs_posting: bool = False


VERBS: tuple[Verb, ...] = (
    Verb(
        "search",
        summary="Search the papers (only you see the results)",
        help="search (only you see the results)",
        examples=(
            Example("scaling laws"),
            Example('"mixture of experts" -vision since:7d'),
            Example('author:"Yann LeCun" org:meta'),
            Example("cat:cs.LG min-upvotes:10"),
        ),
        argument=Argument(
            "query", 'Words, "phrases", -exclusions, filters', suggest=Suggest.SEARCHES
        ),
        bare=True,
    ),
    Verb(
        "subscribe",
        summary="Follow a topic in this channel",
        help="follow a topic in this channel (a topic is a search)",
        examples=(Example('"scaling laws" -vision'), Example("diffusion min-upvotes:5")),
        argument=Argument("topic", "A topic is a search"),
        access=Access.MANAGERS,
        needs_posting=True,
    ),
    Verb(
        "unsubscribe",
        summary="Stop following a topic",
        help="stop following topic 2 of `list` (or name the topic)",
        examples=(Example("2"), Example('"scaling laws" -vision')),
        argument=Argument("topic", "The topic, or its number in list", suggest=Suggest.TOPICS),
        access=Access.MANAGERS,
    ),
    Verb(
        "list",
        summary="The topics this channel follows, its schedule and settings",
        help="topics, schedule, settings, last digest",
        examples=(Example(""),),
    ),
    Verb(
        "schedule",
        summary="When this channel gets its digest",
        help="when digests come",
        examples=(
            Example("daily 09:00 Europe/Berlin"),
            Example("weekdays 08:30"),
            Example("weekly mon 09:00 America/New_York"),
            Example("off"),
            Example("rollup fri 16:00", "the week's most liked papers"),
        ),
        argument=Argument("spec", "When"),
        access=Access.MANAGERS,
    ),
    Verb(
        "digest",
        summary="This channel's digest now (preview: only you see it)",
        help="post this channel's digest now",
        examples=(Example(""), Example("preview", "only you see it")),
        argument=Argument(
            "preview", "Show it only to you instead of posting it", required=False, flag=True
        ),
    ),
    Verb(
        "settings",
        summary="Show this channel's settings, or change them",
        help="show this channel's settings",
        examples=(
            Example(""),
            Example("max 5 min-upvotes 10"),
            Example("window 7d"),
            Example("window all", "any age"),
            Example("empty quiet", "or explain"),
            Example("taste off", "votes stop shaping the ranking"),
            Example("followups 50", "reply in a paper's thread at 50 upvotes"),
        ),
        argument=Argument("options", "Empty shows them", required=False),
        access=Access.MANAGERS_TO_CHANGE,
    ),
    Verb(
        "forget",
        summary="Clear this channel's votes: its taste starts over",
        help="clear this channel's votes (its taste starts over)",
        examples=(Example(""),),
        access=Access.MANAGERS,
    ),
    Verb(
        "resume",
        summary="Restart paused digests after fixing the bot's access",
        help="restart digests after fixing the bot's access",
        examples=(Example(""),),
        access=Access.MANAGERS,
        needs_posting=True,
    ),
    Verb(
        "trending",
        summary="Papers gaining upvotes and GitHub stars fastest (only you see them)",
        help="papers gaining upvotes and GitHub stars fastest (only you see them)",
        examples=(Example(""), Example("7d agents"), Example("24h")),
        argument=Argument("query", "24h or 7d, then words to narrow it", required=False),
    ),
    Verb(
        "feed",
        summary="A private Atom feed link of the papers posted here (only you see it)",
        help="a private feed link of the papers posted here (only you see it)",
        examples=(Example(""), Example("reset", "revokes every link")),
        argument=Argument(
            "reset", "Revoke every feed link of this channel", required=False, flag=True
        ),
        access=Access.MANAGERS_TO_CHANGE,
    ),
    Verb("help", summary="How to use Paperboy", help="this list", examples=(Example(""),)),
)
NAMES: tuple[str, ...] = tuple(verb.name for verb in VERBS)
_BY_NAME = {verb.name: verb for verb in VERBS}
MAX_HINT = 100  # Discord's limit on a command or option description


def verb(name: str) -> Verb:
    """The verb called ``name`` (KeyError for one that does not exist: a bug)."""
    return _BY_NAME[name]


def spell_argument(verb: Verb, argument: str, dialect: Dialect) -> str:
    """An argument as the dialect types it: ``preview`` / ``preview:True``, ``query:…``."""
    if not argument or verb.argument is None or not dialect.options:
        return argument
    if verb.argument.flag:
        return f"{verb.argument.name}:True"
    return f"{verb.argument.name}:{argument}"


def spell_command(verb: Verb, argument: str, dialect: Dialect) -> str:
    """The whole command as the user would type it on the dialect's platform."""
    if verb.bare and argument and not dialect.options:
        return f"/papers {argument}"
    spelled = spell_argument(verb, argument, dialect)
    return f"/papers {verb.name} {spelled}" if spelled else f"/papers {verb.name}"


def _also(verb: Verb, example: Example, dialect: Dialect) -> str:
    """A further example after the first: just its argument (a flag as the dialect types it)."""
    flag = verb.argument is not None and verb.argument.flag
    shown = spell_argument(verb, example.argument, dialect) if flag else example.argument
    return f"`{shown}` ({example.note})" if example.note else f"`{shown}`"


def _help_line(verb: Verb, dialect: Dialect) -> str:
    first, *others = verb.examples
    line = f"• `{spell_command(verb, first.argument, dialect)}` — {verb.help}"
    if others:
        line += "; also " + ", ".join(_also(verb, example, dialect) for example in others)
    return line


def _managed(verb: Verb) -> str:
    return f"changing {verb.name}" if verb.access is Access.MANAGERS_TO_CHANGE else verb.name


def help_text(dialect: Dialect, manage_rule: str | None = None) -> str:
    """The help for every verb, spelled for the dialect, and who may change what the channel
    follows when not everyone may."""
    lines = [f"{dialect.strong('Paperboy')} finds research papers for this channel."]
    lines += [_help_line(verb, dialect) for verb in VERBS]
    if manage_rule:
        managed = ", ".join(_managed(v) for v in VERBS if v.access is not Access.ANYONE)
        lines.append(f"Changing what this channel follows ({managed}) needs {manage_rule}.")
    return "\n".join(lines)


def not_allowed(manage_rule: str | None) -> str:
    """The answer to a member who may not change what the channel follows."""
    who = f"members with {manage_rule}" if manage_rule else "members who can manage this channel"
    return (
        f"Only {who} may change what this channel follows. Ask one of them, or try "
        "`/papers list` to see the current topics and settings."
    )


def option_hint(verb: Verb) -> str:
    """The one-line description of the verb's argument: its hint and the examples that fit
    in :data:`MAX_HINT` characters, whole (a cut example would not parse)."""
    assert verb.argument is not None
    hint = verb.argument.hint
    if verb.argument.flag:
        return hint[:MAX_HINT]
    shown: list[str] = []
    for example in verb.examples:
        if not example.argument:
            continue
        candidate = f"{hint}, e.g. {' · '.join([*shown, example.argument])}"
        if len(candidate) > MAX_HINT:
            break
        shown.append(example.argument)
    return f"{hint}, e.g. {' · '.join(shown)}" if shown else hint[:MAX_HINT]
