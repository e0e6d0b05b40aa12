"""Follow-ups in a paper's thread, exactly once across two replicas, and the weekly roll-up on
the channel's clock — real slack_sdk against the fake Slack, the real core on the database."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from adapters.composition import build_app
from adapters.settings import load_settings
from bot.chat import Caller, FeedbackKind
from tests.adapters.integration.conftest import Core
from tests.adapters.integration.taste_support import OPERATOR, post_one_paper_digests
from tests.adapters.integration.test_taste_slack import CHANNEL
from tests.adapters.integration.test_taste_slack import platforms as slack_platforms
from tests.adapters.slack.fake_slack import FakeSlack

pytestmark = pytest.mark.anyio
platforms = slack_platforms  # Slack with one bot token, against the fake


def replies(fake: FakeSlack) -> list[dict[str, object]]:
    """Every message Paperboy posted that is not a digest."""
    return [
        c.body
        for c in fake.called("chat.postMessage")
        if (c.body.get("metadata") or {}).get("event_type") == "paperboy_thread_reply"
    ]


async def test_a_new_repo_and_version_get_one_reply_each_across_two_replicas(
    core: Core, fake_slack: FakeSlack
) -> None:
    (ts,) = await post_one_paper_digests(core, CHANNEL, 1)
    app = core.app
    other = build_app(load_settings(), app.library, ("slack",), clock=core.clock, worker="r2")
    assert app.threads is not None and other.threads is not None
    delivered = app.channels.delivered_ids(app.channels.get_channel(CHANNEL).pk)  # type: ignore[union-attr]
    (paper,) = app.library.papers.get_papers(list(delivered))
    app.library.ingest([replace(paper, github_repo=None, version=1, upvotes=40)])
    assert await app.threads.run_once() == 0  # the first look only remembers the paper
    await core.app.commands.handle(CHANNEL, "settings followups 500", OPERATOR)

    app.library.ingest(
        [replace(paper, github_repo="https://github.com/example/code", version=2, upvotes=600)]
    )
    counts = await asyncio.gather(app.threads.run_once(), other.threads.run_once())
    assert sum(counts) == 3
    assert await app.threads.run_once() + await other.threads.run_once() == 0
    posted = replies(fake_slack)
    assert len(posted) == 3
    assert {body["thread_ts"] for body in posted} == {ts}
    texts = " ".join(str(body["text"]) for body in posted)
    assert "Code is out for" in texts and "https://github.com/example/code" in texts
    assert "has a new arXiv version" in texts
    assert "passed 500 upvotes on Hugging Face (600 now)" in texts

    # A reaction on a follow-up is a vote on its paper (the reply names one paper).
    reply_ts = next(c.ts for c in fake_slack.called("chat.postMessage") if c.body.get("thread_ts"))
    assert reply_ts is not None
    assert await app.commands.react(CHANNEL, reply_ts, "U9", "fire", added=True)
    assert not await app.commands.react(CHANNEL, "123.456", "U9", "fire", added=True)
    assert app.taste is not None
    assert app.taste.vote_counts(app.channels.get_channel(CHANNEL).pk) == (1, 0)  # type: ignore[union-attr]


async def test_a_paused_channel_gets_no_follow_up(core: Core, fake_slack: FakeSlack) -> None:
    await post_one_paper_digests(core, CHANNEL, 1)
    app = core.app
    assert app.threads is not None
    await app.threads.run_once()
    app.channels.set_paused(CHANNEL, "archived", core.clock())
    (paper,) = app.library.papers.get_papers(
        list(app.channels.delivered_ids(app.channels.get_channel(CHANNEL).pk))  # type: ignore[union-attr]
    )
    app.library.ingest([replace(paper, github_repo="https://github.com/example/code")])
    assert await app.threads.run_once() == 0
    assert replies(fake_slack) == []


async def test_the_weekly_rollup_on_the_channels_clock(core: Core, fake_slack: FakeSlack) -> None:
    app = core.app
    assert app.threads is not None
    await app.commands.handle(CHANNEL, "schedule daily 09:00 Europe/Berlin", OPERATOR)
    posted = await post_one_paper_digests(core, CHANNEL, 3)
    await app.commands.handle(CHANNEL, "schedule rollup fri 16:00", OPERATOR)
    delivered = sorted(app.channels.delivered_ids(app.channels.get_channel(CHANNEL).pk))  # type: ignore[union-attr]
    for user in ("U1", "U2"):
        await app.commands.feedback(CHANNEL, delivered[0], FeedbackKind.UP, Caller(user))
    await app.commands.feedback(CHANNEL, delivered[1], FeedbackKind.UP, Caller("U1"))
    await app.commands.feedback(CHANNEL, delivered[2], FeedbackKind.DOWN, Caller("U1"))

    core.clock.advance(days=4, hours=5, minutes=59)  # Fri 15 May 13:59 UTC = 15:59 Berlin
    assert await app.threads.run_once() == 0
    core.clock.advance(minutes=1)  # 16:00 in Berlin
    assert await app.threads.run_once() == 1
    assert await app.threads.run_once() == 0  # once per week
    (rollup,) = replies(fake_slack)
    text = str(rollup["text"])
    assert "thread_ts" not in rollup
    assert text.startswith("This week's most liked papers (since Fri 08 May):")
    assert "(2 👍, 0 👎)" in text and "(1 👍, 0 👎)" in text
    assert text.index("(2 👍") < text.index("(1 👍")
    assert "👎)" in text and "(0 👍, 1 👎)" not in text  # disliked papers are not in it
    links = [f"https://slack.com/archives/C1/p{ts.replace('.', '')}" for ts in posted]
    assert any(link in text for link in links)

    core.clock.advance(days=7)  # a week without votes stays quiet
    assert await app.threads.run_once() == 0
    assert len(replies(fake_slack)) == 1
