"""Scenarios: forged requests, and secrets under error paths.

What a user notices: a request not signed by Slack with our signing secret — wrong signature,
replayed (timestamp more than 5 minutes old), body changed after signing, headers missing —
is answered 401 and changes nothing; a Discord member without Manage Channels cannot change
what a channel follows. And whatever goes wrong (revoked token, invalid auth, refused calls),
no token or signing secret appears in a log line, a reply or a stored message.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import discord
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from adapters.discord.commands import PapersCommands
from bot.chat import Caller, ChannelRef
from bot.commands import table
from bot.commands.service import CommandService
from bot.digests.runner import DigestRunner
from bot.ranking.search import ScanRanker
from storage.channel_repository import SqlChannelRepository
from storage.paper_repository import SqlPaperRepository
from tests.kit.slack import FakeSlack
from tests.reliability.support import (
    SLACK_SIGNING_SECRET,
    assert_no_secret,
    read_logs,
    signed_headers,
    sized,
    slack_refs,
    slash_form,
    subscribe_due,
)

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

FORGED = sized(25, 250)  # of each kind


def _state(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]  # three counts
            int(conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one())
            for t in ("channels", "subscriptions", "digests")
        )


def _forgeries(fake: FakeSlack, n: int) -> list[tuple[str, str, dict[str, str]]]:
    """(kind, body, headers) of one forged ``/papers subscribe`` of each kind."""
    body = slash_form(
        f"subscribe forged-{n}", channel="C0FORGED", response_url=fake.response_url(f"f{n}")
    )
    old = int(time.time()) - 301 - n
    tampered = signed_headers(body)
    return [
        ("wrong secret", body, signed_headers(body, secret=f"not-the-secret-{n}")),
        ("replayed > 5 min", body, signed_headers(body, timestamp=old)),
        ("body modified", body.replace("forged", "evil"), tampered),
        ("future timestamp", body, signed_headers(body, timestamp=int(time.time()) + 400)),
        ("no signature", body, {"Content-Type": "application/x-www-form-urlencoded"}),
        (
            "signature of another body",
            body,
            {**signed_headers(body + "&x=1"), "Content-Type": "application/x-www-form-urlencoded"},
        ),
    ]


def test_forged_slack_requests_are_refused_and_change_nothing(
    slack_serve: tuple[FakeSlack, int, Path], engine: Engine
) -> None:
    fake, port, log = slack_serve
    before = _state(engine)
    answers: dict[str, list[int]] = {}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        for n in range(FORGED):
            for kind, body, headers in _forgeries(fake, n):
                status = client.post("/slack/events", content=body, headers=headers).status_code
                answers.setdefault(kind, []).append(status)
        time.sleep(0.5)  # anything wrongly accepted would have answered by now
        after_forged = _state(engine)
        forged_replies = list(fake.responses)
        # The same request, correctly signed, does change the channel: the test can fail.
        body = slash_form(
            "subscribe genuine", channel="C0FORGED", response_url=fake.response_url("ok")
        )
        genuine = client.post("/slack/events", content=body, headers=signed_headers(body))
    deadline = time.monotonic() + 10
    while not fake.responses[len(forged_replies) :] and time.monotonic() < deadline:
        time.sleep(0.05)
    refused = {kind: sum(s == 401 for s in statuses) for kind, statuses in answers.items()}
    assert all(n == FORGED for n in refused.values()), refused
    assert after_forged == before
    assert forged_replies == []
    assert genuine.status_code == 200
    assert _state(engine)[1] == before[1] + 1
    text_logs = read_logs([log])
    assert "Traceback" not in text_logs
    assert_no_secret([text_logs, genuine.text], "logs or replies")
    print(f"\nforged Slack requests answered 401: {refused} (of {FORGED} each)")


def test_errors_never_leak_a_token(
    slack_serve: tuple[FakeSlack, int, Path], engine: Engine
) -> None:
    """Revoked/invalid tokens, refused posts and a bad request, at DEBUG, in JSON logs."""
    fake, port, log = slack_serve
    refs = slack_refs(6)
    errors = ("token_revoked", "invalid_auth", "not_authed", "channel_not_found", "fatal_error")
    fake.lost.update({ref.channel_id: e for ref, e in zip(refs, errors, strict=False)})
    subscribe_due(engine, refs)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        body = slash_form("help", channel="C0LEAK", response_url=fake.response_url("leak"))
        refused = client.post(
            "/slack/events", content=body, headers=signed_headers(body, secret="x")
        )
        body = slash_form(
            f"search {SLACK_SIGNING_SECRET}", channel="C0LEAK", response_url=fake.response_url("s")
        )
        client.post("/slack/events", content=body, headers=signed_headers(body))
    repo = SqlChannelRepository(engine)

    def settled() -> bool:
        # A dead token pauses the whole workspace: channels not yet tried are paused too.
        tried = {p.channel for p in fake.snapshot()}
        paused = {s.ref.channel_id for s in map(repo.get_channel, refs) if s and s.paused_reason}
        return bool(fake.responses) and all(r.channel_id in tried | paused for r in refs)

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not settled():
        time.sleep(0.1)
    time.sleep(0.5)
    statuses = [repo.get_channel(ref) for ref in refs]
    text_logs = read_logs([log])
    posted = [p.text + json.dumps(p.blocks) for p in fake.snapshot()]
    replies = [json.dumps(r.body) for r in fake.responses if r.name != "s"]
    stored = [str(s.paused_reason) for s in statuses if s is not None]
    assert refused.status_code == 401
    assert '"level": "DEBUG"' in text_logs or '"level": "WARNING"' in text_logs
    assert any(s and s.paused_reason for s in statuses)  # the error paths really ran
    assert_no_secret([text_logs], "serve logs")
    assert_no_secret([refused.text, *replies], "replies")
    assert_no_secret([*posted, *stored], "posted messages or stored pause reasons")


async def _refused_on_discord(engine: Engine) -> tuple[list[str], int]:
    channels = SqlChannelRepository(engine)
    papers = SqlPaperRepository(engine)
    ranker = ScanRanker(papers)
    core = CommandService(channels, papers, ranker, DigestRunner(channels, ranker, {}, worker="t"))
    commands = PapersCommands(core, manage_permission="manage_channels")
    sent: list[str] = []

    async def send_message(message: str, **_: Any) -> None:
        sent.append(message)

    async def defer(**_: Any) -> None:
        sent.append("(deferred)")

    member = discord.Permissions(send_messages=True, read_message_history=True)
    interaction: Any = SimpleNamespace(
        user=SimpleNamespace(id=42, display_name="Mallory"),
        permissions=member,
        app_permissions=discord.Permissions.all(),
        channel=SimpleNamespace(name="general"),
        channel_id=700000000000000009,
        guild_id=800000000000000001,
        response=SimpleNamespace(send_message=send_message, defer=defer),
    )
    for verb, text_ in (
        ("subscribe", "subscribe diffusion"),
        ("unsubscribe", "unsubscribe 1"),
        ("schedule", "schedule daily 09:00"),
        ("settings", "settings max 20"),
        ("resume", "resume"),
    ):
        await commands.run(interaction, table.verb(verb), text_)
    # Defence in depth: the core refuses the same caller even if an adapter forgot to check.
    ref = ChannelRef("discord", "700000000000000009", "800000000000000001")
    reply = await core.handle(ref, "subscribe diffusion", Caller("42", can_manage=False))
    sent.append(reply.text)
    return sent, _state(engine)[1]


def test_discord_members_without_manage_channels_cannot_change_subscriptions(
    engine: Engine,
) -> None:
    before = _state(engine)
    sent, subscriptions = asyncio.run(_refused_on_discord(engine))
    assert "(deferred)" not in sent  # refused before the core was ever asked
    assert all("Manage Channels" in s for s in sent[:5]), sent
    assert sent[5] and "(deferred)" not in sent[5]
    assert subscriptions == before[1] == 0
