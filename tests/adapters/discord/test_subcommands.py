"""Discord's ``/papers`` subcommands are the core's command table, spelled as options."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.discord.commands import DIALECT, PapersCommands
from bot.chat import Caller, ChannelRef, FeedbackKind, Reply
from bot.commands import table


class _Handler:
    async def handle(self, channel: ChannelRef, text: str, caller: Caller) -> Reply:
        return Reply(text=text)

    async def feedback(
        self, channel: ChannelRef, paper_id: str, kind: FeedbackKind, caller: Caller
    ) -> Reply:
        return Reply(text=paper_id)

    async def channel_topics(self, channel: ChannelRef) -> Sequence[str]:
        return ()


def test_every_verb_is_a_subcommand_with_the_tables_option_and_hint() -> None:
    group = PapersCommands(_Handler(), manage_permission="manage_channels").group

    assert [c.name for c in group.commands] == list(table.NAMES)
    for command, verb in zip(group.commands, table.VERBS, strict=True):
        assert command.description == verb.summary
        assert len(command.description) <= table.MAX_HINT
        options = [(p.display_name, p.description, p.required) for p in command.parameters]
        if verb.argument is None:
            assert options == []
            continue
        argument = verb.argument
        assert options == [(argument.name, table.option_hint(verb), argument.required)]
        assert command.parameters[0].autocomplete == (argument.suggest is not None)


def test_discord_help_names_options() -> None:
    assert DIALECT.options
    text = table.help_text(DIALECT)
    assert "`/papers search query:scaling laws`" in text
    assert "`/papers digest`" in text and "`preview:True`" in text
