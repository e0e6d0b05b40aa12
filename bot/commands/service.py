"""Run ``/papers`` commands: one grammar, one set of replies, for every platform and the CLI.

User mistakes come back as friendly replies (``is_error``); a bug is logged with its
traceback and the user gets an apology — never exception text in a channel.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from bot.channels import ChannelRepository, ChannelSettings, NoChannel
from bot.chat import Caller, ChannelRef, Dialect, FeedbackKind, Reply
from bot.commands import grammar, table
from bot.commands.changes import apply_change
from bot.commands.feed import feed_reply
from bot.commands.listing import (
    channel_label,
    describe_channel,
    paused_notice,
    plain_reason,
    settings_line,
)
from bot.commands.managers import WorkspaceRules
from bot.commands.permissions import ManagerGate
from bot.commands.render import REPLY_LIMIT, error_reply, render_digest
from bot.commands.results import SEARCH_RESULTS, results_reply
from bot.commands.results import similar_queries as similar_queries  # its old home
from bot.commands.trending import trending_reply
from bot.digests.channel import build_channel_digest
from bot.digests.runner import DigestRunner
from bot.digests.status import DeliveryOutcome
from bot.errors import UserError
from bot.metrics import COMMAND_LATENCY
from bot.operator.feeds import FeedLinks
from bot.operator.trending import SignalHistory
from bot.papers import Paper
from bot.ports import MatchCounter, PaperRepository, Ranker
from bot.ranking.blend import RankedPaper
from bot.ranking.pasted import PaperFetcher, find_pasted
from bot.ranking.query import Query
from bot.taste.commands import describe_taste, run_taste_command
from bot.taste.service import TasteService
from bot.taste.signals import SHARE_SIGNAL, Direction, button_vote

log = logging.getLogger(__name__)

APOLOGY = "Sorry — something went wrong on my side. The details are in the bot's log."


def _with_notice(reply: Reply, notice: str | None) -> Reply:
    """``reply`` carrying the caller's private ``notice``, also at the top of its text."""
    if notice is None:
        return reply
    return replace(reply, text=f"{notice}\n\n{reply.text}"[:REPLY_LIMIT], notice=notice)


class CommandService:
    """:class:`bot.chat.CommandHandler` backed by the channel store, ranker and digest runner."""

    def __init__(
        self,
        channels: ChannelRepository,
        papers: PaperRepository,
        ranker: Ranker,
        runner: DigestRunner,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        workspaces: WorkspaceRules | None = None,
        taste: TasteService | None = None,
        feeds: FeedLinks | None = None,
        fetcher: PaperFetcher | None = None,
        trends: SignalHistory | None = None,
    ) -> None:
        self._gate = ManagerGate(workspaces)
        self._fetcher = fetcher  # fetches a pasted paper the library lacks (None: never)
        self._channels = channels
        self._taste = taste
        self._feeds = feeds
        self._trends = trends
        self._papers = papers
        self._ranker = ranker
        self._runner = runner
        self._clock = clock

    async def handle(self, channel: ChannelRef, text: str, caller: Caller) -> Reply:
        """Run one command; never raises. Its latency is counted here, once for every
        platform, by the table's verb (``error`` when the text could not be read)."""
        started = time.perf_counter()
        verb = "error"
        try:
            command = grammar.parse_command(text)
            verb = command.verb  # a name from the command table: low cardinality
            reply = await self._run(channel, command, caller)
        except UserError as exc:
            reply = error_reply(exc.friendly())
        except Exception:
            log.exception(
                "command failed",
                extra={"platform": channel.platform, "channel_id": channel.channel_id},
            )
            reply = error_reply(APOLOGY)
        COMMAND_LATENCY.labels(channel.platform, verb).observe(time.perf_counter() - started)
        return reply

    async def feedback(
        self, channel: ChannelRef, paper_id: str, kind: FeedbackKind, caller: Caller
    ) -> Reply:
        """Store a 👍/👎/more press; "more like this" answers with similar papers."""
        if not channel.channel_id:  # a button outside any channel: nothing to store it under
            return error_reply(NoChannel().message)
        try:
            now = self._clock()
            await asyncio.to_thread(self._channels.ensure_channel, channel, now)
            papers = await asyncio.to_thread(self._papers.get_papers, [paper_id])
            if not papers:
                return error_reply("I no longer know that paper.")
            await asyncio.to_thread(
                self._channels.record_feedback, channel, paper_id, caller.user_id, kind.value, now
            )
            if self._taste is not None:
                await self._taste.vote(channel, paper_id, caller.user_id, *button_vote(kind))
            if kind is FeedbackKind.MORE:
                paper = papers[0]
                query, results = await asyncio.to_thread(self._similar, paper, now)
                return results_reply(
                    "More like", paper.title, results, caller.dialect, asked=query.describe()
                )
            thanks = "Thanks — noted 👍" if kind is FeedbackKind.UP else "Thanks — noted 👎"
            return Reply(text=thanks)
        except Exception:
            log.exception("feedback failed", extra={"platform": channel.platform})
            return error_reply(APOLOGY)

    async def react(
        self, channel: ChannelRef, message_ref: str, user_id: str, emoji: str, *, added: bool
    ) -> bool:
        """A reaction on one of our messages, as a vote (:class:`bot.chat.SignalHandler`)."""
        if self._taste is None:
            return False
        try:
            return await self._taste.react(channel, message_ref, user_id, emoji, added=added)
        except Exception:
            log.exception("reaction failed", extra=channel.log_fields())
            return False

    async def shared(self, channel: ChannelRef, paper_ids: Sequence[str], user_id: str) -> None:
        """Shared search results count as votes up from the sharer."""
        if self._taste is None:
            return
        try:
            for paper_id in paper_ids:
                await self._taste.vote(channel, paper_id, user_id, SHARE_SIGNAL, Direction.UP)
        except Exception:
            log.exception("recording a share failed", extra=channel.log_fields())

    def _similar(self, paper: Paper, now: datetime) -> tuple[Query, list[RankedPaper]]:
        """Papers like this one (:attr:`Query.like`: its own words, and meaning where the
        ranker has vectors); else the first of its :func:`similar_queries` that finds others."""
        queries = [Query(like=paper.arxiv_id), *similar_queries(paper)]
        for query in queries:
            found = self._ranker.search(query, limit=SEARCH_RESULTS + 1, now=now)
            results = [r for r in found if r.paper.arxiv_id != paper.arxiv_id][:SEARCH_RESULTS]
            if results:
                return query, results
        return queries[0], []

    async def _search(
        self,
        channel: ChannelSettings | None,
        text: str,
        query: Query,
        now: datetime,
        dialect: Dialect,
    ) -> Reply:
        """A search reply: "Results for *q* — 5 of 143", or for a pasted paper (fetched from
        arXiv first when the library lacks it, and said so) "Papers like *its title*"."""
        lead, subject, fetched = "Results for", text, ""
        if query.like is not None:
            pasted = await find_pasted(query.like, self._papers, self._fetcher)
            lead, subject = "Papers like", pasted.paper.title
            if pasted.fetched:
                fetched = f"{query.like} was not in the library: I fetched it from arXiv.\n\n"
        ranker = self._ranker
        if channel is not None:
            ranker = await asyncio.to_thread(self._runner.ranker_for, channel)
        results = await asyncio.to_thread(ranker.search, query, limit=SEARCH_RESULTS, now=now)
        total = None
        if results and isinstance(self._ranker, MatchCounter):
            total = await asyncio.to_thread(self._ranker.count, query, now=now)
        reply = results_reply(lead, subject, results, dialect, asked=text, total=total)
        return replace(reply, text=f"{fetched}{reply.text}"[:REPLY_LIMIT]) if fetched else reply

    async def channel_topics(self, channel: ChannelRef) -> list[str]:
        """The topics a channel follows (Discord autocomplete uses this)."""
        settings = await asyncio.to_thread(self._channels.get_channel, channel)
        return [t.text for t in settings.topics] if settings else []

    async def _run(self, ref: ChannelRef, command: grammar.Command, caller: Caller) -> Reply:
        now = self._clock()
        if isinstance(command, grammar.SetManagers):
            return await self._gate.choose(ref, command.rule, caller, now)
        if grammar.needs_manage(command) and (refused := await self._gate.refusal(ref, caller)):
            return refused
        channel = await asyncio.to_thread(self._channels.get_channel, ref)
        dialect = caller.dialect
        notice = paused_notice(channel, dialect)
        match command:
            case grammar.Help():
                return _with_notice(Reply(text=await self._help(ref, caller)), notice)
            case grammar.Search(text=text, query=query):
                reply = await self._search(channel, text, query, now, dialect)
                return _with_notice(reply, notice)
            case grammar.ListTopics():
                listed = await asyncio.to_thread(
                    describe_channel, self._channels, ref, channel, now, dialect
                )
                if self._taste is not None:
                    learned = await asyncio.to_thread(describe_taste, self._taste, channel, dialect)
                    # After the schedule and settings, before the topics (which fit what is left).
                    head, sep, topics = listed.partition("\nTopics:")
                    listed = f"{head}\n{learned}{sep}{topics}"
                return _with_notice(Reply(text=listed[:REPLY_LIMIT]), notice)
            case grammar.Settings(changes=()):  # looking is open to everyone; nothing stored
                shown = channel or ChannelSettings(pk=0, ref=ref)
                text = f"Settings for {channel_label(ref, dialect)}: {settings_line(shown)}."
                return _with_notice(Reply(text=text), notice)
            case grammar.DigestNow(preview=preview):
                return await self._digest(ref, channel, preview, now, dialect)
            case grammar.Trending(request=request):
                reply = await trending_reply(
                    self._trends, self._papers, request, dialect=dialect, now=now
                )
                return _with_notice(reply, notice)
            case grammar.Feed(reset=reset):
                reply = await feed_reply(
                    self._feeds, self._channels, ref, reset=reset, caller=caller, now=now
                )
                return _with_notice(reply, notice)
        if self._taste is not None:
            taste_reply = await asyncio.to_thread(
                run_taste_command, self._taste, self._channels, ref, command, caller, now
            )
            if taste_reply is not None:
                return taste_reply
        elif isinstance(command, grammar.Forget | grammar.Rollup):
            return error_reply("Votes and taste are not set up in this process.")
        return await asyncio.to_thread(apply_change, self._channels, ref, command, caller, now)

    async def _help(self, ref: ChannelRef, caller: Caller) -> str:
        text = table.help_text(caller.dialect, await self._gate.manage_rule(ref, caller))
        line = await self._gate.help_line(ref, caller)
        return f"{text}\n{line}" if line else text

    async def _digest(
        self,
        ref: ChannelRef,
        channel: ChannelSettings | None,
        preview: bool,
        now: datetime,
        dialect: Dialect,
    ) -> Reply:
        if channel is None or not channel.topics:
            return error_reply(
                "This channel follows no topics yet. Try `/papers subscribe scaling laws` first."
            )
        if preview:
            ranker = await asyncio.to_thread(self._runner.ranker_for, channel)
            digest = await asyncio.to_thread(
                build_channel_digest,
                channel,
                ranker,
                self._channels,
                now=now,
                calendar=self._runner.calendar,
            )
            return Reply(text=render_digest(digest, limit=REPLY_LIMIT), digest=digest)
        if channel.paused_reason:
            return error_reply(paused_notice(channel, dialect) or "")
        if self._runner.adapter_for(ref.platform) is None:
            return error_reply(f"I cannot post to {ref.platform} from here: it is not configured.")
        outcome = await self._runner.post_now(channel)
        if outcome.status is DeliveryOutcome.POSTED:
            return Reply(text=f"Posted {outcome.papers} papers to {channel_label(ref, dialect)}.")
        if outcome.status in (DeliveryOutcome.EMPTY, DeliveryOutcome.SKIPPED):
            return Reply(text=f"Nothing new to post. {outcome.note or ''}".strip())
        if outcome.status is DeliveryOutcome.PAUSED:
            reason = dialect.quote(plain_reason(outcome.note or "the platform refused the post"))
            return error_reply(f"I could not post: {reason}. Digests here are paused until fixed.")
        # The platform's own words (codes, HTTP statuses) are in the runner's log line.
        return error_reply("I could not post the digest right now. Try again in a minute.")
