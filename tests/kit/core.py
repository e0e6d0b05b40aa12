"""The core and a chat adapter as tests need them: ``FakeCore`` (scripted replies, recorded calls),
``FakeMember`` (a caller's standing) and ``RecordingAdapter`` (remembers posts, fails on demand)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.chat import Caller, ChannelRef, DirectoryUnavailable, FeedbackKind, PostError, Reply
from bot.digests.build import Digest


@dataclass
class Post:
    channel: ChannelRef
    digest: Digest
    delivery_key: str

    @property
    def paper_ids(self) -> list[str]:
        return [item.ranked.paper.arxiv_id for item in self.digest.items]


@dataclass
class RecordingAdapter:
    """:class:`bot.chat.ChatAdapter` that records posts; ``fail[channel_id]`` raises."""

    platform: str = "console"
    posts: list[Post] = field(default_factory=list)
    fail: dict[str, PostError] = field(default_factory=dict)
    remembers_posts: bool = True

    async def post_digest(self, channel: ChannelRef, digest: Digest, *, delivery_key: str) -> str:
        error = self.fail.get(channel.channel_id)
        if error is not None:
            raise error
        self.posts.append(Post(channel, digest, delivery_key))
        return f"msg-{len(self.posts)}"

    async def find_posted(self, channel: ChannelRef, delivery_key: str) -> str | None:
        if not self.remembers_posts:
            return None
        for index, post in enumerate(self.posts, 1):
            if post.delivery_key == delivery_key:
                return f"msg-{index}"
        return None

    def keys(self) -> list[str]:
        return [post.delivery_key for post in self.posts]


@dataclass
class FakeCore:
    """The core as every platform's tests see it: a :class:`bot.chat.CommandHandler` (with
    Discord's optional ``channel_topics``) and a :class:`bot.chat.ChannelStatus` that records
    every call and answers from a script.

    ``replies`` maps a command's whole text, or else its first word (the verb), to the reply;
    anything else answers ``Done: <text>``. ``gate``, when set, holds ``handle`` until it is
    set (a slow search). The ``*_paused`` events fire when a pause arrives.
    """

    replies: dict[str, Reply] = field(default_factory=dict)
    topics: list[str] = field(default_factory=lambda: ["scaling laws", "diffusion -video"])
    handled: list[tuple[ChannelRef, str, Caller]] = field(default_factory=list)
    feedbacks: list[tuple[ChannelRef, str, FeedbackKind, Caller]] = field(default_factory=list)
    paused_workspaces: list[tuple[str, str, str]] = field(default_factory=list)
    paused_channels: list[tuple[ChannelRef, str]] = field(default_factory=list)
    gate: asyncio.Event | None = None
    workspace_paused: asyncio.Event = field(default_factory=asyncio.Event)
    channel_paused: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, channel: ChannelRef, text: str, caller: Caller) -> Reply:
        self.handled.append((channel, text, caller))
        if self.gate is not None:
            await self.gate.wait()
        scripted = self.replies.get(text) or self.replies.get(text.split(" ", 1)[0])
        return scripted or Reply(text=f"Done: {text}")

    async def feedback(
        self, channel: ChannelRef, paper_id: str, kind: FeedbackKind, caller: Caller
    ) -> Reply:
        self.feedbacks.append((channel, paper_id, kind, caller))
        return Reply(text=f"Thanks, noted {kind.value} for {paper_id}.")

    async def channel_topics(self, channel: ChannelRef) -> Sequence[str]:
        return self.topics

    async def pause_channel(self, channel: ChannelRef, reason: str) -> None:
        self.paused_channels.append((channel, reason))
        self.channel_paused.set()

    async def pause_workspace(self, platform: str, workspace_id: str, reason: str) -> None:
        self.paused_workspaces.append((platform, workspace_id, reason))
        self.workspace_paused.set()


@dataclass
class FakeMember:
    """:class:`bot.chat.MemberDirectory` for one caller: an admin or not, in some groups;
    the group ``down`` stands for a platform that cannot answer. ``asked`` counts lookups."""

    admin: bool = False
    groups: tuple[str, ...] = ()
    asked: int = 0

    async def is_admin(self) -> bool:
        self.asked += 1
        return self.admin

    async def in_group(self, handle: str) -> bool | None:
        if handle == "down":
            raise DirectoryUnavailable("Slack is down.")
        return handle in self.groups
