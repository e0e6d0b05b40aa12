"""``/papers`` slash commands: Discord interactions in, the core's grammar out, replies back.

Discord does not let a command with subcommands run bare, so the core grammar is spelled out
as subcommands (``/papers search query:…`` → ``search …``). Every command defers at once
(Discord's 3-second rule) and answers through the interaction's follow-up webhook, which any
process may use for 15 minutes. Answers are ephemeral; a channel-wide reply or announcement
is a second, public follow-up.

Who may change a channel's subscriptions is checked here, server-side, on every call:
``default_member_permissions`` only exists on top-level commands (Discord ignores it on
subcommands), and ``/papers`` must stay open to everyone for ``search``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import discord
from discord import app_commands

from adapters.discord.feedback import feedback_view
from adapters.discord.rendering import (
    DIALECT,
    MAX_CONTENT,
    OutgoingMessage,
    clip,
    defang,
    digest_messages,
    results_messages,
    split_text,
)
from bot.chat import Caller, ChannelRef, CommandHandler, FeedbackKind, Reply, Visibility
from bot.commands.grammar import text_needs_manage
from bot.commands.table import VERBS, Suggest, Verb, not_allowed, option_hint

log = logging.getLogger("paperboy.discord")

MAX_CHOICES = 25
MAX_CHOICE_CHARS = 100
AUTOCOMPLETE_BUDGET = 2.0  # seconds; autocomplete cannot be deferred past Discord's 3 s
SORRY = "Sorry, something went wrong on our side. Please try again in a minute."
POSTED = "Posted in the channel."
NEEDED_TO_POST = ("view_channel", "send_messages", "embed_links")


@runtime_checkable
class ChannelTopicSource(Protocol):
    """Optional: a handler that can list a channel's topics feeds autocomplete."""

    async def channel_topics(self, channel: ChannelRef) -> Sequence[str]:
        """The topics ``channel`` is subscribed to, as the users wrote them."""
        ...


class RecentSearches:
    """Each member's last few searches, in memory, for their own ``/papers search``
    autocomplete. Keyed by user id only: searches are private (answers are ephemeral), so
    one member's searches are never offered to another."""

    def __init__(self, per_user: int = 10, users: int = 5000) -> None:
        self._per_user = per_user
        self._users = users
        self._by_user: OrderedDict[str, deque[str]] = OrderedDict()

    def add(self, user_id: str, query: str) -> None:
        """Remember ``query`` as the newest search of ``user_id``."""
        recent = self._by_user.pop(user_id, None) or deque(maxlen=self._per_user)
        if query in recent:
            recent.remove(query)
        recent.appendleft(query)
        self._by_user[user_id] = recent
        while len(self._by_user) > self._users:
            self._by_user.popitem(last=False)

    def of(self, user_id: str) -> list[str]:
        """Newest first."""
        return list(self._by_user.get(user_id, ()))


def channel_of(interaction: discord.Interaction[Any]) -> ChannelRef:
    """The core's reference for the channel an interaction happened in."""
    name = getattr(interaction.channel, "name", None)
    return ChannelRef(
        platform="discord",
        channel_id=str(interaction.channel_id or ""),
        workspace_id=str(interaction.guild_id or ""),
        name=name if isinstance(name, str) else None,
    )


def caller_of(interaction: discord.Interaction[Any], manage_permission: str) -> Caller:
    """Who pressed: ``can_manage`` is the member's resolved permission in this channel."""
    user = interaction.user
    permissions = interaction.permissions
    return Caller(
        user_id=str(user.id),
        can_manage=permissions.administrator or bool(getattr(permissions, manage_permission)),
        display_name=user.display_name,
        manage_rule=f"the {manage_permission.replace('_', ' ').title()} permission",
        dialect=DIALECT,
    )


def _choices(candidates: Sequence[str], current: str) -> list[app_commands.Choice[str]]:
    """≤ 25 distinct candidates containing what the member has typed so far."""
    typed = current.strip().lower()
    seen: set[str] = set()
    choices: list[app_commands.Choice[str]] = []
    for candidate in candidates:
        value = candidate.strip()[:MAX_CHOICE_CHARS]
        if not value or value.lower() in seen or typed not in value.lower():
            continue
        seen.add(value.lower())
        choices.append(app_commands.Choice(name=value, value=value))
        if len(choices) == MAX_CHOICES:
            break
    return choices


def reply_messages(reply: Reply, *, private: bool = True) -> list[OutgoingMessage]:
    """The reply as messages: paper cards when the core sent papers, else its text. The
    core's private notice (the channel is paused) heads the cards only when ``private``."""
    notice = defang(reply.notice) if reply.notice and private else None
    if reply.digest is not None and not reply.is_error:
        ahead = [OutgoingMessage(content=clip(notice, MAX_CONTENT))] if notice else []
        return [*ahead, *digest_messages(reply.digest)]
    if reply.results and not reply.is_error:
        heading = "\n\n".join(part for part in (notice, reply.heading) if part)
        return results_messages(reply.results, heading or None)
    text = reply.text
    if reply.notice and not private:  # the notice heads the text; keep it out of the channel
        text = text.removeprefix(f"{reply.notice}\n\n")
    return [OutgoingMessage(content=chunk) for chunk in split_text(defang(text), MAX_CONTENT)]


def announcement(reply: Reply) -> str | None:
    """The public line that tells the channel about a change, or None."""
    if not reply.announce or reply.is_error:
        return None
    return defang(reply.announce)[:MAX_CONTENT]


class PapersCommands:
    """The ``/papers`` group and the button presses, talking to the core's CommandHandler."""

    def __init__(self, handler: CommandHandler, *, manage_permission: str) -> None:
        self._handler = handler
        self._manage_permission = manage_permission
        self.recent = RecentSearches()
        self.group = self._build_group()

    async def run(self, interaction: discord.Interaction[Any], verb: Verb, text: str) -> None:
        """Run one core command for an interaction: check, defer, handle, follow up."""
        channel = channel_of(interaction)
        caller = caller_of(interaction, self._manage_permission)
        if not caller.can_manage and text_needs_manage(text):
            await interaction.response.send_message(not_allowed(caller.manage_rule), ephemeral=True)
            return
        if verb.needs_posting:
            missing = [p for p in NEEDED_TO_POST if not getattr(interaction.app_permissions, p)]
            if missing:
                names = ", ".join(p.replace("_", " ").title() for p in missing)
                await interaction.response.send_message(
                    f"I cannot post digests here: give me {names} in this channel first.",
                    ephemeral=True,
                )
                return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            reply = await self._handler.handle(channel, text, caller)
        except Exception:
            log.exception(
                "discord command failed", extra={**channel.log_fields(), "verb": verb.name}
            )
            reply = Reply(text=SORRY, is_error=True)
        searched = verb.argument is not None and verb.argument.suggest is Suggest.SEARCHES
        if searched and not reply.is_error:
            self.recent.add(caller.user_id, text.removeprefix(verb.name).strip())
        await self.send_reply(interaction, reply)

    async def send_reply(self, interaction: discord.Interaction[Any], reply: Reply) -> None:
        """Follow up a deferred interaction: ephemeral unless the core says the channel."""
        public = reply.visibility is Visibility.CHANNEL and not reply.is_error
        if public:
            posted = f"{POSTED}\n\n{defang(reply.notice)}" if reply.notice else POSTED
            await interaction.followup.send(posted[:MAX_CONTENT], ephemeral=True)
        for message in reply_messages(reply, private=not public):
            view = feedback_view(message)
            await interaction.followup.send(
                content=message.content or discord.utils.MISSING,
                embeds=message.embeds,
                ephemeral=not public,
                allowed_mentions=discord.AllowedMentions.none(),
                view=view or discord.utils.MISSING,
            )
        announced = announcement(reply)
        if announced:
            await interaction.followup.send(
                announced, ephemeral=False, allowed_mentions=discord.AllowedMentions.none()
            )

    async def feedback_pressed(
        self, interaction: discord.Interaction[Any], paper_id: str, kind: FeedbackKind
    ) -> None:
        """A digest button: store it through the core, answer the presser privately."""
        channel = channel_of(interaction)
        caller = caller_of(interaction, self._manage_permission)
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            reply = await self._handler.feedback(channel, paper_id, kind, caller)
        except Exception:
            log.exception("discord feedback failed", extra=channel.log_fields())
            reply = Reply(text=SORRY, is_error=True)
        await self.send_reply(interaction, reply)

    async def topic_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        """The channel's topics matching what is typed (for ``unsubscribe``)."""
        return _choices(await self._topics(channel_of(interaction)), current)

    async def search_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        """The member's own recent searches, then the channel's topics (for ``search``)."""
        own = self.recent.of(str(interaction.user.id))
        return _choices([*own, *await self._topics(channel_of(interaction))], current)

    async def _topics(self, channel: ChannelRef) -> Sequence[str]:
        if not isinstance(self._handler, ChannelTopicSource):
            return ()
        try:
            return await asyncio.wait_for(
                self._handler.channel_topics(channel), timeout=AUTOCOMPLETE_BUDGET
            )
        except Exception:
            # Autocomplete is a convenience; an empty list beats a failed interaction.
            log.warning("topic autocomplete failed", exc_info=True)
            return ()

    def _build_group(self) -> app_commands.Group:
        """``/papers`` with one subcommand per verb of the core's table."""
        group = app_commands.Group(
            name="papers", description="Research papers for this channel", guild_only=True
        )
        for verb in VERBS:
            group.add_command(self._subcommand(verb, group))
        return group

    def _subcommand(
        self, verb: Verb, group: app_commands.Group
    ) -> app_commands.Command[Any, ..., None]:
        """The verb as a subcommand; its argument (if any) is one option named as in the
        table. The callbacks' parameter is ``value``, renamed for Discord (``query:``)."""
        argument = verb.argument

        async def bare(interaction: discord.Interaction[Any]) -> None:
            await self.run(interaction, verb, verb.name)

        async def flag(interaction: discord.Interaction[Any], value: bool = False) -> None:
            word = argument.name if argument is not None and value else ""
            await self.run(interaction, verb, f"{verb.name} {word}".strip())

        async def required(interaction: discord.Interaction[Any], value: str) -> None:
            await self.run(interaction, verb, f"{verb.name} {value}".strip())

        async def optional(interaction: discord.Interaction[Any], value: str = "") -> None:
            await self.run(interaction, verb, f"{verb.name} {value}".strip())

        if argument is None:
            callback: Any = bare
        elif argument.flag:
            callback = flag
        else:
            callback = required if argument.required else optional
        command: app_commands.Command[Any, ..., None] = app_commands.Command(
            name=verb.name, description=verb.summary, callback=callback, parent=group
        )
        if argument is not None:
            app_commands.rename(value=argument.name)(command)
            app_commands.describe(value=option_hint(verb))(command)
            suggest = {Suggest.TOPICS: self.topic_choices, Suggest.SEARCHES: self.search_choices}
            if argument.suggest is not None:
                app_commands.autocomplete(value=suggest[argument.suggest])(command)
        return command
