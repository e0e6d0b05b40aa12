"""Follow-ups in a paper's thread and the weekly roll-up, each posted exactly once.

A follow-up is one short reply in the thread of the message that carried a paper, when the
paper later gains code (a GitHub repo), a new arXiv version, or passes the channel's upvote
threshold (``settings followups 50``). "Later" is measured against a snapshot taken the
first time the channel's delivery is checked (within a scheduler tick of the post), so a
paper that already had code when posted gets no "code is out" reply.

Exactly once per (channel, event) across replicas the way digests are: a unique key per
channel (``followup:<paper>:<event>``, ``rollup:<week>``) is claimed with an insert that only
one replica wins; the winner posts. A post that fails is recorded as failed, not retried: a
late follow-up is worth less than a duplicate costs. Paused channels get nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from bot.chat import ChannelRef, PostError
from bot.digests.schedule import latest_slot
from bot.ports import PaperRepository
from bot.taste.ports import DeliveredPaper, PaperState, ThreadPosts
from bot.taste.rollup import LikedPaper, render_rollup, rollup_spec

log = logging.getLogger(__name__)

FOLLOW_DAYS = 30  # papers delivered longer ago get no follow-ups
ROLLUP_GRACE = timedelta(hours=6)  # a roll-up missed by longer than this is skipped


@runtime_checkable
class ThreadReplies(Protocol):
    """What a chat adapter offers beyond digests: a short message, in a thread or not."""

    async def post_reply(self, channel: ChannelRef, text: str, *, thread_ref: str | None) -> str:
        """Post ``text`` (in the thread of ``thread_ref`` when given); the new message's ref."""
        ...

    def message_link(self, channel: ChannelRef, message_ref: str) -> str | None:
        """A link to one of our messages, when the platform has one."""
        ...


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One reply to post: its claim key and its text."""

    key: str
    text: str


def state_of(has_code: bool, version: int | None, upvotes: int) -> PaperState:
    """A snapshot (version 0 when unknown)."""
    return PaperState(has_code=has_code, version=version or 0, upvotes=upvotes)


def follow_ups(
    delivered: DeliveredPaper,
    title: str,
    url: str,
    repo: str | None,
    then: PaperState,
    now: PaperState,
) -> list[FollowUp]:
    """The events between ``then`` and ``now`` worth a reply. Pure."""
    out: list[FollowUp] = []
    pid = delivered.paper_id
    if now.has_code and not then.has_code:
        out.append(FollowUp(f"followup:{pid}:code", f"Code is out for “{title}”: {repo}"))
    if now.version > then.version > 0:
        out.append(
            FollowUp(
                f"followup:{pid}:v{now.version}",
                f"“{title}” has a new arXiv version (v{now.version}): {url}",
            )
        )
    threshold = delivered.followup_upvotes
    if threshold is not None and then.upvotes < threshold <= now.upvotes:
        out.append(
            FollowUp(
                f"followup:{pid}:upvotes{threshold}",
                f"“{title}” passed {threshold} upvotes on Hugging Face ({now.upvotes} now).",
            )
        )
    return out


class ThreadRunner:
    """Checks deliveries for follow-ups and channels for due roll-ups; posts each once."""

    def __init__(
        self,
        posts: ThreadPosts,
        papers: PaperRepository,
        adapters: Mapping[str, object],
        *,
        worker: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._posts = posts
        self._papers = papers
        self._adapters = adapters
        self._worker = worker
        self._clock = clock
        self._checked: datetime | None = None

    def _replies(self, platform: str) -> ThreadReplies | None:
        adapter = self._adapters.get(platform)
        return adapter if isinstance(adapter, ThreadReplies) else None

    async def run_once(self) -> int:
        """One pass over follow-ups and roll-ups; how many messages were posted."""
        return await self.follow_up() + await self.roll_up()

    async def follow_up(self) -> int:
        """Post the follow-ups due now."""
        now = self._clock()
        # After the first pass, only deliveries or papers written since the last one (a
        # minute of slack for clocks and transactions still committing) can have news.
        changed = self._checked - timedelta(minutes=1) if self._checked else None
        delivered = await asyncio.to_thread(
            self._posts.delivered_since, now - timedelta(days=FOLLOW_DAYS), changed
        )
        self._checked = now
        posted = 0
        by_channel: dict[int, list[DeliveredPaper]] = {}
        for item in delivered:
            if self._replies(item.channel.platform) is not None:
                by_channel.setdefault(item.channel_pk, []).append(item)
        for channel_pk, items in by_channel.items():
            ids = [i.paper_id for i in items]
            seen = await asyncio.to_thread(self._posts.snapshots, channel_pk, ids)
            papers = {p.arxiv_id: p for p in await asyncio.to_thread(self._papers.get_papers, ids)}
            changed_states: dict[str, PaperState] = {}
            for item in items:
                paper = papers.get(item.paper_id)
                if paper is None:  # deleted from the library: nothing to say
                    continue
                current = state_of(bool(paper.github_repo), paper.version, paper.upvotes)
                then = seen.get(item.paper_id)
                if then is not None:
                    for reply in follow_ups(
                        item, paper.title, paper.url, paper.github_repo, then, current
                    ):
                        posted += await self._post_once(
                            item.channel_pk,
                            item.channel,
                            reply.key,
                            item.paper_id,
                            reply.text,
                            item.message_ref,
                        )
                if then != current:
                    changed_states[item.paper_id] = current
            if changed_states:
                await asyncio.to_thread(self._posts.save_snapshots, channel_pk, changed_states)
        return posted

    async def roll_up(self) -> int:
        """Post the roll-ups due now (an empty week claims its key and stays quiet)."""
        now = self._clock()
        posted = 0
        for channel in await asyncio.to_thread(self._posts.rollup_channels):
            replies = self._replies(channel.channel.platform)
            spec = rollup_spec(channel.settings, channel.timezone)
            slot = latest_slot(spec, now) if spec is not None else None
            if replies is None or slot is None or now - slot.due_at > ROLLUP_GRACE:
                continue
            changed = channel.settings.rollup_updated_at
            if changed is not None and slot.due_at < changed:
                continue
            start = slot.due_at - timedelta(days=7)
            rows = await asyncio.to_thread(
                self._posts.liked_between, channel.channel_pk, start, slot.due_at
            )
            liked = [r for r in rows if r.up > r.down]
            key = f"rollup:{slot.period_key}"
            if not liked:
                if await asyncio.to_thread(
                    self._posts.claim, channel.channel_pk, key, None, self._worker, now
                ):
                    await asyncio.to_thread(
                        self._posts.finish, channel.channel_pk, key, "empty", None
                    )
                continue
            liked.sort(key=lambda r: (-(r.up - r.down), -r.up, r.paper_id))
            papers = {
                p.arxiv_id: p
                for p in await asyncio.to_thread(
                    self._papers.get_papers, [r.paper_id for r in liked]
                )
            }
            items = [
                LikedPaper(
                    r.paper_id,
                    papers[r.paper_id].title,
                    papers[r.paper_id].url,
                    r.up,
                    r.down,
                    replies.message_link(channel.channel, r.message_ref) if r.message_ref else None,
                )
                for r in liked
                if r.paper_id in papers
            ]
            local_start = start.astimezone(slot.due_at.tzinfo)
            text = render_rollup(items, local_start)
            posted += await self._post_once(
                channel.channel_pk, channel.channel, key, None, text, None
            )
        return posted

    async def _post_once(
        self,
        channel_pk: int,
        channel: ChannelRef,
        key: str,
        paper_id: str | None,
        text: str,
        thread_ref: str | None,
    ) -> int:
        """Claim ``key``; the winner posts and records the message. 1 when posted here."""
        replies = self._replies(channel.platform)
        now = self._clock()
        claimed = await asyncio.to_thread(
            self._posts.claim, channel_pk, key, paper_id, self._worker, now
        )
        if not claimed or replies is None:
            return 0
        try:
            ref = await replies.post_reply(channel, text, thread_ref=thread_ref)
        except PostError as error:
            log.warning(
                "thread post failed",
                extra={**channel.log_fields(), "key": key, "reason": error.reason},
            )
            await asyncio.to_thread(self._posts.finish, channel_pk, key, "failed", None)
            return 0
        await asyncio.to_thread(self._posts.finish, channel_pk, key, "posted", ref)
        return 1
