"""``why``: each reason a paper did or did not reach a channel, on the real schema."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from bot.channels import SettingsChange
from bot.chat import ChannelRef
from bot.digests.build import CANDIDATES_PER_TOPIC
from bot.digests.runner import DigestRunner
from bot.digests.status import DigestStatus
from bot.errors import UserError
from bot.operator.links import message_link
from bot.operator.why import WhyAnswer, WhyKind, explain_paper, parse_paper_ref
from bot.papers import SOURCE_HF, Paper
from bot.ranking.search import ScanRanker
from storage.channel_repository import SqlChannelRepository
from storage.operator_history import SqlOperatorHistory
from storage.paper_repository import SqlPaperRepository
from tests.chat_fakes import RecordingAdapter

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
GENERAL = ChannelRef("console", "general", name="general")


def paper(
    arxiv_id: str, title: str, *, days_old: int = 1, upvotes: int = 5, **extra: object
) -> Paper:
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        abstract=f"We study {title.lower()}.",
        authors=("Ada Lovelace",),
        featured_on=(NOW - timedelta(days=days_old)).date(),
        upvotes=upvotes,
        sources=frozenset({SOURCE_HF}),
        **extra,  # type: ignore[arg-type]  # Paper's own optional fields
    )


class World:
    def __init__(self, engine: Engine) -> None:
        self.papers = SqlPaperRepository(engine)
        self.channels = SqlChannelRepository(engine)
        self.history = SqlOperatorHistory(engine)
        self.ranker = ScanRanker(self.papers)

    def follow(self, ref: ChannelRef, *topics: str, **settings: object) -> None:
        self.channels.ensure_channel(ref, NOW)
        for topic in topics:
            self.channels.add_topic(ref, topic, NOW)
        if settings:
            self.channels.update_settings(ref, NOW, SettingsChange.of(settings.items()))

    def why(self, ref: ChannelRef, paper_ref: str) -> WhyAnswer:
        channel = self.channels.get_channel(ref)
        assert channel is not None
        return explain_paper(
            channel,
            paper_ref,
            papers=self.papers,
            history=self.history,
            ranker=self.ranker,
            now=NOW,
        )

    def kinds(self, ref: ChannelRef, paper_ref: str) -> list[WhyKind]:
        return [reason.kind for reason in self.why(ref, paper_ref).reasons]


@pytest.fixture
def world(engine: Engine) -> World:
    return World(engine)


def test_a_posted_paper_says_when_and_that_it_is_never_posted_twice(world: World) -> None:
    world.papers.upsert_papers([paper("2611.00001", "Scaling laws for agents")])
    world.follow(GENERAL, "scaling")
    channel = world.channels.get_channel(GENERAL)
    assert channel is not None
    adapter = RecordingAdapter()
    runner = DigestRunner(
        world.channels, world.ranker, {"console": adapter}, worker="w", clock=lambda: NOW
    )
    asyncio.run(runner.post_now(channel))
    answer = world.why(GENERAL, "https://arxiv.org/abs/2611.00001v2")
    assert answer.lines()[:2] == [
        f"posted on 2026-11-27 12:00 UTC in the digest {adapter.keys()[0].split('#')[1]}",
        "already posted in this channel: a paper is never posted twice to one channel",
    ]


def test_a_paper_that_would_make_the_next_digest_says_its_place(world: World) -> None:
    world.papers.upsert_papers([paper("2611.00001", "Scaling laws for agents")])
    world.follow(GENERAL, "scaling")
    assert world.why(GENERAL, "2611.00001").lines()[0] == (
        'would be in the next digest: #1 of 5 (via "scaling")'
    )


def test_outside_the_window_and_below_the_threshold(world: World) -> None:
    world.papers.upsert_papers([paper("2609.00001", "Scaling old", days_old=60, upvotes=2)])
    world.follow(GENERAL, "scaling", min_upvotes=10, window_days=14)
    lines = world.why(GENERAL, "2609.00001").lines()
    assert lines[0] == (
        "outside the window: dated 2026-09-28 (60 days ago), this channel looks at the last 14 days"
    )
    assert lines[1] == "below the upvote threshold: 2 upvotes, this channel needs 10"


def test_matched_no_topic_names_the_closest_topic_and_what_it_lacked(world: World) -> None:
    world.papers.upsert_papers([paper("2611.00002", "Diffusion for video")])
    world.follow(GENERAL, "quantum chromodynamics", "video transformers")
    assert world.why(GENERAL, "2611.00002").lines()[0] == (
        'matched no topic: closest is "video transformers" with 1 of 2 words (it needs 2)'
    )


def test_a_topics_filters_are_named_when_they_exclude_the_paper(world: World) -> None:
    world.papers.upsert_papers([paper("2611.00002", "Diffusion for video")])
    world.follow(GENERAL, "diffusion cat:cs.CV")
    assert world.why(GENERAL, "2611.00002").lines()[0] == (
        'matched no topic: it fails the filters of every topic (e.g. "diffusion cat:cs.CV")'
    )


def test_ranked_past_the_digests_candidates_gives_its_score_and_the_cut_off(world: World) -> None:
    strong = [
        paper(f"2611.{n:05d}", f"Scaling scaling scaling study {n}", upvotes=100)
        for n in range(1, CANDIDATES_PER_TOPIC + 6)
    ]
    weak = paper("2611.09999", "A note on scaling", upvotes=0, days_old=10)
    world.papers.upsert_papers([*strong, weak])
    world.follow(GENERAL, "scaling")
    answer = world.why(GENERAL, "2611.09999")
    fit = answer.topics[0]
    assert fit.rank == CANDIDATES_PER_TOPIC + 6 and fit.cutoff is not None
    assert fit.score is not None and fit.score < fit.cutoff
    assert answer.lines()[0] == (
        f'matched no topic closely enough: best "scaling" ranks #{fit.rank} '
        f"(score {fit.score:.2f} vs cut-off {fit.cutoff:.2f}, "
        "the 50th candidate a digest considers)"
    )


def test_below_the_cap_gives_its_place_in_the_merged_ranking(world: World) -> None:
    world.papers.upsert_papers(
        [
            paper("2611.00001", "Scaling laws", upvotes=90),
            paper("2611.00002", "Scaling again", upvotes=50),
            paper("2611.00003", "More scaling", upvotes=1),
        ]
    )
    world.follow(GENERAL, "scaling", max_papers=2)
    assert world.why(GENERAL, "2611.00003").lines()[0] == (
        'ranked below the cap: #3 in the merged ranking (via "scaling"), this channel takes 2'
    )


def test_paused_withdrawn_and_no_schedule_are_said(world: World) -> None:
    world.papers.upsert_papers([paper("2611.00004", "Scaling retracted", withdrawn=True)])
    world.follow(GENERAL, "scaling")
    world.channels.set_paused(GENERAL, "the bot was removed from the channel", NOW)
    kinds = world.kinds(GENERAL, "2611.00004")
    assert kinds == [WhyKind.PAUSED, WhyKind.NO_SCHEDULE, WhyKind.WITHDRAWN]
    assert "the bot was removed from the channel" in world.why(GENERAL, "2611.00004").lines()[-3]


def test_a_paper_outside_the_library_is_a_reason_not_an_error(world: World) -> None:
    world.follow(GENERAL, "scaling")
    answer = world.why(GENERAL, "https://huggingface.co/papers/2611.77777")
    assert answer.lines() == ["not in the library: no source has brought 2611.77777 in yet"]
    assert answer.paper is None


def test_a_channel_without_topics(world: World) -> None:
    world.papers.upsert_papers([paper("2611.00001", "Scaling laws")])
    world.follow(GENERAL)
    assert (
        world.why(GENERAL, "2611.00001").lines()[0] == "matched no topic: this channel follows none"
    )


@pytest.mark.parametrize("raw", ["", "not-a-paper", "2611.1", "<script>", "1" * 500])
def test_a_malformed_paper_id_is_a_friendly_error(raw: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_paper_ref(raw)
    assert "is not an arXiv id" in caught.value.message
    assert len(caught.value.message) < 120


def test_message_links_for_each_platform() -> None:
    guild = ChannelRef("discord", "222", workspace_id="111")
    assert message_link(guild, "333") == "https://discord.com/channels/111/222/333"
    slack = ChannelRef("slack", "C1", workspace_id="T1")
    assert message_link(slack, "1700000000.000200") == (
        "https://slack.com/archives/C1/p1700000000000200"
    )
    assert message_link(GENERAL, "console:general#2026-11-27") is None
    assert message_link(slack, None) is None


def test_a_paper_held_by_a_digest_that_is_retrying_says_so(world: World) -> None:
    world.papers.upsert_papers([paper("2611.00001", "Scaling laws for agents")])
    world.follow(GENERAL, "scaling")
    channel = world.channels.get_channel(GENERAL)
    assert channel is not None
    claim = world.channels.claim_digest(
        channel.pk, "2026-11-27", worker="w", now=NOW, scheduled_for=NOW
    )
    assert claim is not None
    world.channels.reserve_papers(claim.digest_pk, channel.pk, "w", ["2611.00001"], NOW)
    assert world.why(GENERAL, "2611.00001").lines()[0] == (
        "held by the digest 2026-11-27, which is being posted now"
    )
    world.channels.mark_finished(
        claim.digest_pk, DigestStatus.RETRY, "ratelimited: Slack said wait", NOW, release=False
    )
    assert world.why(GENERAL, "2611.00001").lines()[0] == (
        "held by the digest 2026-11-27, which could not post: Slack said wait; "
        "it will be tried again"
    )


def test_a_paused_channel_says_the_paper_waits_for_the_resume(world: World) -> None:
    world.papers.upsert_papers([paper("2611.00001", "Scaling laws for agents")])
    world.follow(GENERAL, "scaling")
    world.channels.set_paused(GENERAL, "channel_not_found: the channel was archived", NOW)
    assert world.why(GENERAL, "2611.00001").lines()[:2] == [
        'would be in the next digest once resumed: #1 of 5 (via "scaling")',
        "channel paused: the channel was archived (fix it, then /papers resume)",
    ]
