"""A recording chat adapter for tests: remembers every post, can be told to fail."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.chat import ChannelRef, PostError
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
