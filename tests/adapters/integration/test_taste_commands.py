"""``/papers settings taste off|on``, ``/papers forget``, ``schedule rollup``, and votes that
must not break anything: unknown papers, contradictory votes, a removed channel."""

from __future__ import annotations

import pytest

from bot.chat import Caller, ChannelRef, FeedbackKind
from tests.adapters.integration.conftest import Core
from tests.adapters.integration.taste_support import OPERATOR, preview, settled

pytestmark = pytest.mark.anyio

CHANNEL = ChannelRef("console", "lab", name="lab")
MEMBER = Caller("U0BOB", display_name="bob", can_manage=False, manage_rule="manage rights")


async def vote(core: Core, paper_ids: list[str], kind: FeedbackKind, user: str = "U1") -> None:
    for paper_id in paper_ids:
        reply = await core.app.commands.feedback(CHANNEL, paper_id, kind, Caller(user))
        assert not reply.is_error, reply.text


async def test_taste_off_and_on_and_forget(core: Core) -> None:
    for command in ("subscribe model", "settings max 1 window all"):
        await core.app.commands.handle(CHANNEL, command, OPERATOR)
    before = await preview(core, CHANNEL)
    found = await core.app.commands.handle(CHANNEL, "search model min-upvotes:0", OPERATOR)
    ids = [r.paper.arxiv_id for r in found.results]
    await vote(core, ids[:3], FeedbackKind.UP)
    await vote(core, ids[3:5], FeedbackKind.DOWN)
    await settled(core, CHANNEL, sorted([(1, 0)] * 3 + [(0, 1)] * 2))
    tasted = await preview(core, CHANNEL)
    assert tasted != before
    searched = await core.app.commands.handle(CHANNEL, "search model min-upvotes:0", OPERATOR)
    whys = {r.paper.arxiv_id: r.why for r in searched.results}
    assert [r.paper.arxiv_id for r in searched.results] != ids[:5]  # search has the taste too
    assert all(whys[i].endswith("this channel 👍'd it on 11 May") for i in ids[:3] if i in whys)

    off = await core.app.commands.handle(CHANNEL, "settings taste off", OPERATOR)
    assert off.text == "Taste settings for this channel: taste off."
    assert await preview(core, CHANNEL) == before
    await core.app.commands.handle(CHANNEL, "settings taste on followups 50", OPERATOR)
    assert await preview(core, CHANNEL) == tasted

    refused = await core.app.commands.handle(CHANNEL, "forget", MEMBER)
    assert refused.is_error and "manage rights" in refused.text
    forgot = await core.app.commands.handle(CHANNEL, "forget", OPERATOR)
    assert forgot.text.startswith("Forgot this channel's 5 vote signals")
    assert await preview(core, CHANNEL) == before
    listed = (await core.app.commands.handle(CHANNEL, "list", OPERATOR)).text
    assert "Votes: 0 👍, 0 👎 (taste on, follow-ups at 50 upvotes)" in listed


async def test_contradictory_votes_stay_bounded_and_unknown_papers_are_refused(
    core: Core,
) -> None:
    for command in ("subscribe model", "settings max 5 window all"):
        await core.app.commands.handle(CHANNEL, command, OPERATOR)
    reply = await core.app.commands.handle(CHANNEL, "digest preview", OPERATOR)
    assert reply.digest is not None
    base = {i.ranked.paper.arxiv_id: i.ranked.score for i in reply.digest.items}
    ids = list(base)
    for user in ("U1", "U2", "U3"):  # everyone likes and dislikes the same papers
        await vote(core, ids, FeedbackKind.UP, user=user)
    for user in ("U4", "U5", "U6"):
        await vote(core, ids, FeedbackKind.DOWN, user=user)
    unknown = await core.app.commands.feedback(CHANNEL, "2601.99999", FeedbackKind.UP, Caller("U1"))
    assert unknown.is_error and unknown.text == "I no longer know that paper."
    await settled(core, CHANNEL, [(3, 3)] * len(ids))
    again = await core.app.commands.handle(CHANNEL, "digest preview", OPERATOR)
    assert again.digest is not None
    for item in again.digest.items:
        if item.ranked.paper.arxiv_id in base:
            assert item.ranked.score == base[item.ranked.paper.arxiv_id]


async def test_the_rollup_is_scheduled_on_the_channels_clock(core: Core) -> None:
    await core.app.commands.handle(CHANNEL, "schedule daily 09:00 Europe/Berlin", OPERATOR)
    reply = await core.app.commands.handle(CHANNEL, "schedule rollup fri 16:00", OPERATOR)
    assert reply.text == (
        "Weekly roll-up of the papers this channel liked most: weekly on Fri at 16:00 "
        "(Europe/Berlin). The first comes Fri 15 May at 16:00 (Europe/Berlin)."
    )
    refused = await core.app.commands.handle(CHANNEL, "schedule rollup fri 16:00", MEMBER)
    assert refused.is_error
    elsewhere = await core.app.commands.handle(
        CHANNEL, "schedule rollup fri 16:00 Asia/Tokyo", OPERATOR
    )
    assert elsewhere.is_error and "this channel's timezone (Europe/Berlin)" in elsewhere.text
    off = await core.app.commands.handle(CHANNEL, "schedule rollup off", OPERATOR)
    assert off.text == "The weekly roll-up is off."
