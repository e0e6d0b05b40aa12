"""The /papers grammar: what each command means, and friendly errors for mistakes."""

from __future__ import annotations

import pytest

from bot.commands import grammar
from bot.errors import UserError
from bot.ranking.query import parse_query


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", grammar.Help()),
        ("help", grammar.Help()),
        ("HELP", grammar.Help()),
        ("scaling", grammar.Search("scaling", parse_query("scaling"))),
        ("search scaling laws", grammar.Search("scaling laws", parse_query("scaling laws"))),
        ("listen to this", grammar.Search("listen to this", parse_query("listen to this"))),
        (
            'subscribe "scaling laws" -vision min-upvotes:5',
            grammar.Subscribe(
                '"scaling laws" -vision min-upvotes:5',
                parse_query('"scaling laws" -vision min-upvotes:5'),
            ),
        ),
        ("subscribe  Diffusion ", grammar.Subscribe("diffusion", parse_query("diffusion"))),
        ("unsubscribe 2", grammar.Unsubscribe("2", 2)),
        ("unsubscribe diffusion", grammar.Unsubscribe("diffusion", None)),
        ("list", grammar.ListTopics()),
        (
            "schedule daily 09:00 Europe/Berlin",
            grammar.Schedule(("daily", "09:00", "Europe/Berlin")),
        ),
        ("schedule off", grammar.Schedule(("off",))),
        ("digest", grammar.DigestNow(preview=False)),
        ("digest preview", grammar.DigestNow(preview=True)),
        ("settings", grammar.Settings(())),
        (
            "settings max 5 min-upvotes 10 empty quiet window 7d",
            grammar.Settings(
                (
                    ("max_papers", 5),
                    ("min_upvotes", 10),
                    ("empty_mode", "quiet"),
                    ("window_days", 7),
                )
            ),
        ),
        ("settings window all", grammar.Settings((("window_days", None),))),
        ("resume", grammar.Resume()),
    ],
)
def test_grammar_table(text: str, expected: grammar.Command) -> None:
    assert grammar.parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("subscribe", "Which topic"),
        ("subscribe -", "nothing to search for"),
        ("unsubscribe", "Which topic should I drop"),
        ("digest now please", "digest takes nothing or preview"),
        ("settings max", "needs a value"),
        ("settings max 500", "from 1 to 20"),
        ("settings colour red", "not a setting"),
        ("settings empty loud", "quiet"),
        ("settings window forever", "number of days"),
        ("search", "what to search for"),
        ('subscribe "open quote', "never closed"),
    ],
)
def test_mistakes_name_the_problem_with_an_example(text: str, names: str) -> None:
    with pytest.raises(UserError) as info:
        grammar.parse_command(text)
    assert names in info.value.message
    assert "Example:" in info.value.friendly()


def test_control_and_bidi_characters_never_reach_a_command() -> None:
    """Found by the reliability suite: a NUL made PostgreSQL refuse ``unsubscribe`` → apology."""
    assert grammar.parse_command("unsubscribe \x00scaling") == grammar.parse_command(
        "unsubscribe scaling"
    )
    assert grammar.parse_command("subscribe \u202escaling\u202c") == grammar.parse_command(
        "subscribe scaling"
    )
    assert grammar.parse_command("\x00 \x07") == grammar.Help()


def test_superscript_digits_are_not_numbers() -> None:
    """Found by the reliability suite: ``"²".isdigit()`` is True but ``int("²")`` raises."""
    assert grammar.parse_command("unsubscribe ²") == grammar.Unsubscribe("²", None)
    with pytest.raises(UserError):
        grammar.parse_command("settings max ²")
    with pytest.raises(UserError):
        grammar.parse_command("settings min-upvotes ³")
    with pytest.raises(UserError):
        grammar.parse_command("min-upvotes:²")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("subscribe <https://example.org/scaling|scaling laws>", "scaling laws"),
        ("<https://example.org/x|diffusion> -video", "diffusion -video"),
        ("subscribe <mailto:ada@example.org|lovelace>", "lovelace"),
        ("subscribe scaling &amp; laws", "scaling laws"),
    ],
)
def test_slack_links_become_their_label(text: str, expected: str) -> None:
    """Slack sends a link as ``<url|label>`` and escapes ``& < >``: the label is the text."""
    command = grammar.parse_command(text)
    assert isinstance(command, grammar.Subscribe | grammar.Search)
    assert command.query == parse_query(expected)


def test_a_bare_slack_link_becomes_its_address() -> None:
    command = grammar.parse_command("search <https://arxiv.org/abs/2401.00001>")
    assert isinstance(command, grammar.Search)
    assert command.text == "arxiv.org/abs/2401.00001"


@pytest.mark.parametrize(
    "text",
    [
        "subscribe <@U0123ABCD> scaling",
        "subscribe <!channel>",
        "scaling <!here>",
        "subscribe <#C0123|general>",
        "subscribe <!subteam^S123|@team>",
        "subscribe <@123456789012345678>",  # Discord
        "subscribe <@&123456789012345678>",
    ],
)
def test_mentions_are_refused_not_turned_into_topic_words(text: str) -> None:
    with pytest.raises(UserError) as info:
        grammar.parse_command(text)
    assert "mention" in info.value.message


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("subscibe scaling", "subscribe"),
        ("scheduel daily 09:00", "schedule"),
        ("setings max 5", "settings"),
        ("unsubscirbe 2", "unsubscribe"),
    ],
)
def test_a_misspelt_verb_with_an_argument_asks_did_you_mean(text: str, verb: str) -> None:
    with pytest.raises(UserError) as info:
        grammar.parse_command(text)
    assert f"Did you mean `{verb}`?" in info.value.message
    assert info.value.example == f"/papers {verb} {text.partition(' ')[2]}"
    assert f"/papers search {text}" in info.value.message  # how to search for it anyway


@pytest.mark.parametrize(
    "text",
    [
        "scaling",  # one word is a search, even close to a verb
        "subscibe",
        "listen to this",  # list takes no argument
        "digests about diffusion",  # "digest about diffusion" would not parse
        "searching for diffusion",  # search is what happens anyway
        "subscription pricing models",
        "scaling laws",
    ],
)
def test_genuine_searches_are_not_mistaken_for_verbs(text: str) -> None:
    assert isinstance(grammar.parse_command(text), grammar.Search)
