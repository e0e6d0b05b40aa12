"""A command or a button press from outside any channel answers, and stores no channel."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.chat import Caller, ChannelRef, FeedbackKind
from tests.bot.digests.test_scheduled_digests import Clock, World, at

NOWHERE = ChannelRef("slack", "", "T1")  # an App Home button or a DM without a channel id


def _channel_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM channels")).scalar_one())


def test_feedback_and_subscribe_without_a_channel_store_nothing(engine: Engine) -> None:
    world = World(engine, Clock(at(2026, 11, 23, 9, 0)))
    reply = asyncio.run(
        world.commands.feedback(NOWHERE, "2603.00001", FeedbackKind.UP, Caller("U1", True))
    )
    assert reply.is_error and "needs a channel" in reply.text
    assert "needs a channel" in world.run(NOWHERE, "subscribe scaling")
    assert "needs a channel" not in world.run(NOWHERE, "scaling")  # reading needs none
    assert _channel_rows(engine) == 0
