"""Helpers for the taste tests: one-paper digests, previews, waiting for votes to land."""

from __future__ import annotations

import asyncio

from sqlmodel import Session, col, select

from bot.chat import Caller, ChannelRef
from storage.models import DigestRow
from storage.vote_store import SqlVoteStore
from tests.adapters.integration.conftest import Core

OPERATOR = Caller("U0ADA", display_name="ada")


def message_refs(core: Core, channel: ChannelRef) -> list[str]:
    """The platform message of every digest posted to ``channel``, oldest first."""
    found = core.app.channels.get_channel(channel)
    assert found is not None
    with Session(core.app.library.engine) as session:
        refs = session.exec(
            select(DigestRow.message_ref)
            .where(DigestRow.channel_pk == found.pk, DigestRow.status == "posted")
            .order_by(col(DigestRow.id))
        ).all()
    return [ref for ref in refs if ref]


async def post_one_paper_digests(core: Core, channel: ChannelRef, count: int) -> list[str]:
    """Post ``count`` one-paper digests to ``channel``; the message ref of each."""
    commands = core.app.commands
    for command in ("subscribe model", "settings max 1 window all"):
        reply = await commands.handle(channel, command, OPERATOR)
        assert not reply.is_error, reply.text
    posted: list[str] = []
    for _ in range(count):
        core.clock.advance(seconds=1)  # a manual digest is keyed by the time it is asked for
        reply = await commands.handle(channel, "digest", OPERATOR)
        assert reply.text.startswith("Posted 1 papers"), reply.text
        posted.append(message_refs(core, channel)[-1])
    return posted


async def preview(core: Core, channel: ChannelRef) -> list[str]:
    """The titles and reasons of the next digest, as the channel would get it (max 5)."""
    await core.app.commands.handle(channel, "settings max 5", OPERATOR)
    reply = await core.app.commands.handle(channel, "digest preview", OPERATOR)
    assert reply.digest is not None
    await core.app.commands.handle(channel, "settings max 1", OPERATOR)
    return [f"{i.ranked.paper.title} | {i.ranked.why}" for i in reply.digest.items]


def tallies(core: Core, channel: ChannelRef) -> list[tuple[int, int]]:
    """(up, down) of every paper the channel voted on, sorted."""
    pk = core.app.channels.get_channel(channel).pk  # type: ignore[union-attr]
    votes = SqlVoteStore(core.app.library.engine).paper_votes(pk)
    return sorted((v.up, v.down) for v in votes)


async def settled(core: Core, channel: ChannelRef, expected: list[tuple[int, int]]) -> None:
    """Wait until Bolt's listeners (run after the ack) stored ``expected`` and the retrain
    they started has finished."""
    taste = core.app.taste
    assert taste is not None
    async with asyncio.timeout(10):
        while await asyncio.to_thread(tallies, core, channel) != expected:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.05)
        await taste.settled()
