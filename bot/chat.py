"""What the core says to chat platforms and hears from them: channels, callers, replies.

Adapters (console, Slack, Discord) translate platform payloads into these values, call the
core, and render its :class:`Reply` back. Posting goes through :class:`ChatAdapter`; its
errors tell the core whether to pause a channel, disable a workspace, or try again later.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from bot.digests.build import Digest
from bot.errors import PaperboyError, UserError
from bot.ranking.blend import RankedPaper

PLATFORMS = ("console", "slack", "discord")
_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
REF_EXAMPLE = "console:general, slack:C0123456, slack:T0123/C0456, discord:1234567890"


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A channel on a platform: ``console:general``, ``slack:T1/C1``, ``discord:123``.

    ``workspace_id`` is the Slack team or Discord guild ("" when unknown or not needed).
    """

    platform: str
    channel_id: str
    workspace_id: str = ""
    name: str | None = None

    @classmethod
    def parse(cls, text: str) -> ChannelRef:
        """Read a channel reference as written on the CLI; raise a friendly error if wrong."""
        platform, sep, rest = text.strip().partition(":")
        platform = platform.lower()
        if not sep or platform not in PLATFORMS or not rest:
            raise UserError(
                f"'{text}' is not a channel reference.", example=f"--channel {REF_EXAMPLE}"
            )
        workspace, slash, channel = rest.rpartition("/")
        if not slash:
            workspace = ""
        if not _ID.match(channel) or (workspace and not _ID.match(workspace)):
            raise UserError(
                f"'{text}' has characters a channel id cannot have.",
                example=f"--channel {REF_EXAMPLE}",
            )
        name = channel if platform == "console" else None
        return cls(platform=platform, channel_id=channel, workspace_id=workspace, name=name)

    def __str__(self) -> str:
        if self.workspace_id:
            return f"{self.platform}:{self.workspace_id}/{self.channel_id}"
        return f"{self.platform}:{self.channel_id}"

    @property
    def display(self) -> str:
        """``#name`` when the name is known, else the reference."""
        return f"#{self.name}" if self.name else str(self)

    def log_fields(self) -> dict[str, str]:
        """The ``extra=`` fields that say where a log event happened — ``platform``,
        ``workspace_id`` (when known), ``channel_id`` — the names every log line uses."""
        fields = {"platform": self.platform, "channel_id": self.channel_id}
        if self.workspace_id:
            fields["workspace_id"] = self.workspace_id
        return fields


def as_typed(text: str) -> str:
    """A user's string unchanged: for the console and the CLI, and for Slack, whose adapter
    escapes every reply as a whole (its mrkdwn gives meaning only to ``& < >``, which
    Paperboy's own words never use)."""
    return text


@dataclass(frozen=True, slots=True)
class Dialect:
    """How the caller's platform writes a reply.

    The core writes Paperboy's own words itself and passes every user-supplied string it
    puts in a reply (a topic, a query, a display name, a channel name) through ``quote``:
    Discord's markdown gives meaning to characters Paperboy's words use too (backticks,
    asterisks), so there only the user's strings can be escaped. ``options`` says commands
    take named options (``/papers search query:…``), which is how help spells them there.
    """

    quote: Callable[[str], str] = as_typed
    bold: str = "*"
    options: bool = False

    def strong(self, text: str) -> str:
        """``text`` (already quoted) in bold."""
        return f"{self.bold}{text}{self.bold}"


PLAIN = Dialect()


class DirectoryUnavailable(PaperboyError):
    """The platform could not say who the caller is (an API error, a missing scope);
    ``reason`` is a plain sentence the caller may read (no tokens, no codes)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class MemberDirectory(Protocol):
    """What a platform can tell the core about the caller, asked only when the workspace's
    rule for who may manage channels needs it (:mod:`bot.commands.managers`). Both raise
    :class:`DirectoryUnavailable` when the platform cannot answer."""

    async def is_admin(self) -> bool:
        """Whether the caller is an admin or owner of the workspace."""
        ...

    async def in_group(self, handle: str) -> bool | None:
        """Whether the caller belongs to the user group ``handle``; None: no such group."""
        ...


@dataclass(frozen=True, slots=True)
class Caller:
    """Who ran a command, and how to answer them.

    ``can_manage`` says whether they may change what the channel follows; ``manage_rule``
    names who may, in the platform's words ("the Manage Channels permission"; None when
    anyone may), for help and refusals. ``dialect`` is how their platform writes a reply.
    ``directory`` is set by a platform whose workspaces choose who manages (Slack): the core
    checks the workspace's rule through it.
    """

    user_id: str
    can_manage: bool = True
    display_name: str | None = None
    manage_rule: str | None = None
    dialect: Dialect = PLAIN
    directory: MemberDirectory | None = None


class Visibility(StrEnum):
    """Who sees a reply: only the caller, or the whole channel."""

    EPHEMERAL = "ephemeral"
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True)
class Reply:
    """The core's answer to a command.

    ``text`` is always a complete answer (≤ 3,000 characters) in the caller's
    :class:`Dialect`, so an adapter that renders nothing richer is still correct.
    ``results``/``digest`` let rich adapters render cards, under ``heading`` (what the results
    are: "Results for *scaling laws* — top 5"). ``notice`` is a warning for the caller only
    (the channel is paused), also at the top of ``text``: never show it to the whole channel.
    ``announce`` is a line to post in the channel so the team sees a change.
    """

    text: str
    visibility: Visibility = Visibility.EPHEMERAL
    results: tuple[RankedPaper, ...] = ()
    digest: Digest | None = None
    announce: str | None = None
    is_error: bool = False
    heading: str | None = None
    notice: str | None = None


class PostError(PaperboyError):
    """Posting failed; subclasses say what the core should do about it."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class ChannelUnavailable(PostError):
    """The bot cannot post here (not in channel, archived, missing permission, unknown
    channel): pause the channel's subscriptions; do not retry."""


class WorkspaceUnavailable(PostError):
    """The bot's access to the whole workspace/guild is gone (token revoked, removed)."""


class TransientPostError(PostError):
    """Rate limited, 5xx or a timeout after the adapter's own retries: try again later."""


class ChatAdapter(Protocol):
    """Posts digests to one platform. Implementations: console, Slack, Discord."""

    platform: str

    async def post_digest(self, channel: ChannelRef, digest: Digest, *, delivery_key: str) -> str:
        """Post ``digest`` and return a reference to the message (Slack ts, Discord id).

        ``delivery_key`` identifies this (channel, period) digest; adapters carry it to the
        platform (Slack message metadata, Discord nonce) so a retry after a crash can be
        recognised. Raises a :class:`PostError` subclass on failure.
        """
        ...

    async def find_posted(self, channel: ChannelRef, delivery_key: str) -> str | None:
        """The message already posted under ``delivery_key``, if the platform can tell."""
        ...


class FeedbackKind(StrEnum):
    """The buttons under each paper in a digest."""

    UP = "up"
    DOWN = "down"
    MORE = "more"


class CommandHandler(Protocol):
    """The core's entry point for every platform: one grammar, parsed once here.

    ``text`` is what follows ``/papers`` (``subscribe "scaling laws" -vision``,
    ``search scaling``, ``scaling``, ``list``...). Never raises for bad input: mistakes come
    back as a :class:`Reply` with ``is_error`` set and a friendly text.
    """

    async def handle(self, channel: ChannelRef, text: str, caller: Caller) -> Reply:
        """Run one ``/papers`` command in ``channel`` on behalf of ``caller``."""
        ...

    async def feedback(
        self, channel: ChannelRef, paper_id: str, kind: FeedbackKind, caller: Caller
    ) -> Reply:
        """Store a button press on a digest paper; "more like this" answers with papers."""
        ...


@runtime_checkable
class SignalHandler(Protocol):
    """Takes what people do with Paperboy's messages as votes (see :mod:`bot.taste.signals`):
    emoji reactions, and sharing search results in the channel.

    Platforms route these events here when the core they are given takes them; they pass
    what the platform said, and the core decides whether it is a vote on one of our papers.
    Neither method raises: nobody asked for an answer, so a failure is only logged.
    """

    async def react(
        self, channel: ChannelRef, message_ref: str, user_id: str, emoji: str, *, added: bool
    ) -> bool:
        """A reaction added (or taken back, ``added`` False); True when it changed a vote."""
        ...

    async def shared(self, channel: ChannelRef, paper_ids: Sequence[str], user_id: str) -> None:
        """``user_id`` shared these papers with the channel: each is a vote up."""
        ...


class ChannelStatus(Protocol):
    """Lets a platform runtime report lost access it learns about outside a post
    (Slack ``app_uninstalled``/``tokens_revoked`` events, Discord guild removal)."""

    async def pause_channel(self, channel: ChannelRef, reason: str) -> None:
        """Pause the channel's subscriptions until someone fixes access (idempotent)."""
        ...

    async def pause_workspace(self, platform: str, workspace_id: str, reason: str) -> None:
        """Pause every channel of a workspace/guild (idempotent)."""
        ...
