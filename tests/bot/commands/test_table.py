"""One command table: the grammar accepts every verb and example it declares, and help on
every platform lists every verb."""

from __future__ import annotations

import pytest

from bot.chat import PLAIN, Dialect
from bot.commands import grammar, table

# Slack, the console and the CLI write plain commands; Discord names every option.
DIALECTS = {"plain": PLAIN, "options": Dialect(bold="**", options=True)}


@pytest.mark.parametrize("verb", table.VERBS, ids=table.NAMES)
def test_every_example_parses_as_its_own_verb(verb: table.Verb) -> None:
    for example in verb.examples:
        command = grammar.parse_command(f"{verb.name} {example.argument}")
        assert command.verb == verb.name, example


@pytest.mark.parametrize("verb", [v for v in table.VERBS if v.bare], ids=lambda v: v.name)
def test_bare_verbs_parse_without_their_name(verb: table.Verb) -> None:
    for example in verb.examples:
        assert grammar.parse_command(example.argument).verb == verb.name


def test_the_grammar_knows_exactly_the_table_verbs() -> None:
    assert grammar.VERBS == table.NAMES


@pytest.mark.parametrize("dialect", DIALECTS.values(), ids=DIALECTS.keys())
def test_help_lists_every_verb_with_a_command_that_parses(dialect: Dialect) -> None:
    text = table.help_text(dialect, "the Manage Channels permission")
    for verb in table.VERBS:
        first = verb.examples[0].argument
        spelled = table.spell_command(verb, first, dialect)
        assert f"`{spelled}`" in text
        typed = spelled.removeprefix("/papers ")
        if dialect.options and verb.argument is not None:  # option:value → what it means
            typed = typed.replace(f"{verb.argument.name}:True", verb.argument.name)
            typed = typed.replace(f"{verb.argument.name}:", "")
        assert grammar.parse_command(typed).verb == verb.name
    assert "needs the Manage Channels permission" in text


@pytest.mark.parametrize(
    "verb", [v for v in table.VERBS if v.argument and not v.argument.flag], ids=lambda v: v.name
)
def test_every_option_hint_example_parses(verb: table.Verb) -> None:
    hint = table.option_hint(verb)
    assert len(hint) <= table.MAX_HINT
    _, _, examples = hint.partition(", e.g. ")
    assert examples, hint
    for example in examples.split(" · "):
        assert grammar.parse_command(f"{verb.name} {example}").verb == verb.name


def test_who_may_manage_is_said_only_when_not_everyone_may() -> None:
    assert "needs" not in table.help_text(PLAIN).splitlines()[-1]


def test_viewing_settings_is_open_to_everyone_changing_them_is_not() -> None:
    assert not grammar.needs_manage(grammar.parse_command("settings"))
    assert grammar.needs_manage(grammar.parse_command("settings max 5"))
    assert "changing settings" in table.help_text(PLAIN, "workspace admins")
