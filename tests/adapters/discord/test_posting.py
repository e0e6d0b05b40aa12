"""Digests posted over discord.py's real HTTP client to the fake Discord, failures included."""

from __future__ import annotations

import logging

import pytest

from adapters.discord import DiscordRuntime
from adapters.discord.posting import MAX_NONCE, delivery_nonce
from bot.chat import ChannelRef, ChannelUnavailable, PostError, TransientPostError
from tests.kit.discord import CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.kit.papers import HOSTILE_TITLE, digest_of, paper

pytestmark = pytest.mark.anyio
CHANNEL = ChannelRef("discord", str(CHANNEL_ID), str(GUILD_ID))
MESSAGES = f"/channels/{CHANNEL_ID}/messages"


async def test_a_digest_is_posted_as_embed_messages_with_buttons(
    runtime: DiscordRuntime, fake: FakeDiscord
) -> None:
    digest = digest_of([paper(n) for n in range(1, 13)])
    first_id = await runtime.adapter.post_digest(CHANNEL, digest, delivery_key="sub:42:2026-11-26")

    posts = [call.body for call in fake.calls("POST", MESSAGES)]
    assert [len(body["embeds"]) for body in posts] == [5, 5, 2]
    assert first_id == fake.by_nonce[posts[0]["nonce"]]["id"]
    assert "Paperboy digest" in posts[0]["content"]
    for body in posts:
        assert body["allowed_mentions"] == {"parse": []}
        assert body["enforce_nonce"] is True
        assert len(body["nonce"]) <= MAX_NONCE
    first_row = posts[0]["components"][0]["components"]
    assert [button["custom_id"] for button in first_row] == [
        "pb:fb:up:2411.00001",
        "pb:fb:down:2411.00001",
        "pb:fb:more:2411.00001",
    ]
    assert posts[0]["embeds"][0]["thumbnail"]["url"].endswith("2411.00001.png")


async def test_a_retry_after_a_crash_does_not_post_twice(
    runtime: DiscordRuntime, fake: FakeDiscord
) -> None:
    digest = digest_of([paper(n) for n in range(1, 7)])
    first = await runtime.adapter.post_digest(CHANNEL, digest, delivery_key="sub:42:2026-11-26")
    again = await runtime.adapter.post_digest(CHANNEL, digest, delivery_key="sub:42:2026-11-26")
    tomorrow = await runtime.adapter.post_digest(CHANNEL, digest, delivery_key="sub:42:2026-11-27")

    assert again == first  # Discord returned the messages it already had
    assert tomorrow != first
    assert len(fake.by_nonce) == 4  # two messages per delivery, two deliveries


async def test_hostile_titles_are_sent_escaped_with_mentions_disabled(
    runtime: DiscordRuntime, fake: FakeDiscord
) -> None:
    digest = digest_of([paper(1, title=HOSTILE_TITLE)], title="@everyone read this")
    await runtime.adapter.post_digest(CHANNEL, digest, delivery_key="k")

    (body,) = (call.body for call in fake.calls("POST", MESSAGES))
    assert body["allowed_mentions"] == {"parse": []}
    assert "@everyone" not in body["content"]
    title = body["embeds"][0]["title"]
    assert "@everyone" not in title and "<@&123456789012345678>" not in title
    assert "\\[free nitro]" in title


async def test_a_429_is_waited_out_by_discord_py(
    runtime: DiscordRuntime, fake: FakeDiscord
) -> None:
    fake.rate_limit_next(MESSAGES)
    message_id = await runtime.adapter.post_digest(CHANNEL, digest_of([paper(1)]), delivery_key="k")

    assert len(fake.calls("POST", MESSAGES)) == 2
    assert message_id == fake.by_nonce[delivery_nonce("k", 0)]["id"]


@pytest.mark.parametrize(
    ("status", "code", "says"),
    [
        (403, 50013, "Embed Links"),
        (403, 50001, "cannot see"),
        (404, 10003, "deleted"),
    ],
)
async def test_lost_access_pauses_after_one_call_and_logs_once(
    runtime: DiscordRuntime,
    fake: FakeDiscord,
    caplog: pytest.LogCaptureFixture,
    status: int,
    code: int,
    says: str,
) -> None:
    for _ in range(2):
        fake.fail_next(MESSAGES, status, code)
        with pytest.raises(ChannelUnavailable, match=says):
            await runtime.adapter.post_digest(CHANNEL, digest_of([paper(1)]), delivery_key="k")

    assert len(fake.calls("POST", MESSAGES)) == 2  # one call per attempt, never retried
    warnings = [
        r for r in caplog.records if r.levelno == logging.WARNING and "unavailable" in r.message
    ]
    assert len(warnings) == 1


async def test_an_oversized_body_is_a_plain_failure_not_a_pause(
    runtime: DiscordRuntime, fake: FakeDiscord
) -> None:
    fake.fail_next(MESSAGES, 400, 50035, "Invalid Form Body")
    with pytest.raises(PostError) as raised:
        await runtime.adapter.post_digest(CHANNEL, digest_of([paper(1)]), delivery_key="k")
    assert not isinstance(raised.value, ChannelUnavailable | TransientPostError)


async def test_a_channel_id_that_is_not_a_snowflake_is_unavailable(
    runtime: DiscordRuntime, fake: FakeDiscord
) -> None:
    with pytest.raises(ChannelUnavailable):
        await runtime.adapter.post_digest(
            ChannelRef("discord", "general"), digest_of([paper(1)]), delivery_key="k"
        )
    assert fake.calls("POST", r"/channels/.*") == []


async def test_find_posted_cannot_tell(runtime: DiscordRuntime) -> None:
    assert await runtime.adapter.find_posted(CHANNEL, "k") is None


def test_nonces_are_short_and_distinct() -> None:
    nonces = {
        delivery_nonce(f"subscription:{n}:2026-11-26", i) for n in range(50) for i in range(12)
    }
    assert len(nonces) == 600
    assert max(len(nonce) for nonce in nonces) <= MAX_NONCE
