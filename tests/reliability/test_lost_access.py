"""Scenario: some channels are lost while ``serve`` runs — archived or the bot removed
(Slack ``is_archived`` / ``not_in_channel``), missing permissions or deleted (Discord 50013 /
10003).

What a user notices: those channels' digests pause after one failed call (the fake records
exactly one post attempt for each, and nothing more over the following ticks), the pause
says why, and every other channel gets its digest as fast as if nothing had happened.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.chat import ChannelRef
from storage.channel_repository import SqlChannelRepository
from tests.kit.discord import GUILD_ID, running_fake_discord
from tests.kit.serve_process import start_serve, stop_all
from tests.kit.slack import running_fake_slack
from tests.reliability.support import (
    DISCORD_BOT_TOKEN,
    assert_no_secret,
    free_port,
    load_fixture_papers,
    read_logs,
    sized,
    slack_refs,
    start_slack_serve,
    subscribe_due,
    wait_until_listening,
)

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

CHANNELS = sized(30, 200)
QUIET_TICKS = 1.5  # seconds (7 ticks) after the pauses in which nothing more may be tried


def _paused(repo: SqlChannelRepository, refs: list[ChannelRef]) -> dict[str, str | None]:
    found = {}
    for ref in refs:
        settings = repo.get_channel(ref)
        found[ref.channel_id] = settings.paused_reason if settings else None
    return found


def test_lost_slack_channels_pause_after_one_call_and_do_not_delay_the_rest(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load_fixture_papers(engine)
    refs = slack_refs(CHANNELS)
    lost = {
        ref.channel_id: ("is_archived", "not_in_channel")[n % 2] for n, ref in enumerate(refs[::5])
    }
    healthy = [r.channel_id for r in refs if r.channel_id not in lost]
    repo = SqlChannelRepository(engine)
    log = tmp_path / "serve.log"
    port = free_port()
    with running_fake_slack() as fake:
        proc = start_slack_serve(database_url, fake.api_url, log, port)
        try:
            wait_until_listening(proc, port, log)
            fake.lost.update(lost)  # archived / removed after serve started
            subscribe_due(engine, refs)
            started = time.monotonic()
            deadline = started + 30 + CHANNELS * 0.2
            lost_refs = [r for r in refs if r.channel_id in lost]
            while time.monotonic() < deadline and (
                len(fake.delivered()) < len(healthy) or not all(_paused(repo, lost_refs).values())
            ):
                time.sleep(0.1)
            healthy_done = max(p.at for p in fake.delivered()) - started
            time.sleep(QUIET_TICKS)
        finally:
            stop_all([proc])
        posts = fake.snapshot()
        history = list(fake.history)
    attempts = {c: [p for p in posts if p.channel == c] for c in lost}
    assert all(len(a) == 1 for a in attempts.values()), {
        c: len(a) for c, a in attempts.items() if len(a) != 1
    }
    assert not [c for _, c in history if c in lost]
    reasons = _paused(repo, lost_refs)
    for channel, error in lost.items():
        assert reasons[channel] and error in str(reasons[channel]), (channel, reasons[channel])
    delivered = [p.channel for p in posts if p.error is None]
    assert sorted(delivered) == sorted(healthy)  # each healthy channel exactly once
    assert all(p.error is None for p in posts if p.channel in healthy)
    text_logs = read_logs([log])
    assert "Traceback" not in text_logs
    assert_no_secret([text_logs], "serve logs")
    print(
        f"\n{len(lost)} of {CHANNELS} Slack channels lost: 1 call each, then paused; "
        f"{len(healthy)} healthy digests all posted {healthy_done:.1f} s after they fell due"
    )


def test_lost_discord_channels_pause_after_one_call(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    channels = sized(12, 60)
    load_fixture_papers(engine)
    refs = [
        ChannelRef("discord", str(700000000000001000 + n), str(GUILD_ID), name=f"d{n}")
        for n in range(channels)
    ]
    lost = {ref.channel_id: (50013, 10003)[n % 2] for n, ref in enumerate(refs[::4])}
    repo = SqlChannelRepository(engine)
    log = tmp_path / "serve.log"
    with running_fake_discord() as fake:
        for channel, code in lost.items():
            status = 403 if code == 50013 else 404
            fake.fail_next(f"/channels/{channel}/messages", status, code)
        env = {
            "DISCORD_BOT_TOKEN": DISCORD_BOT_TOKEN,
            "PAPERBOY_DISCORD_API_URL": fake.base_url,
            "PAPERBOY_DISCORD_GATEWAY": "false",
            "PAPERBOY_DISCORD_POST_INTERVAL": "0",
        }
        args = ("--adapter", "discord", "--log-format", "json")
        proc = start_serve(database_url, tmp_path / "out.txt", log, env, args=args)
        try:
            subscribe_due(engine, refs)
            lost_refs = [r for r in refs if r.channel_id in lost]
            deadline = time.monotonic() + 40 + channels
            while time.monotonic() < deadline:
                posted = {
                    r.path.split("/")[2] for r in fake.calls("POST", r"/channels/\d+/messages")
                }
                if len(posted) == channels and all(_paused(repo, lost_refs).values()):
                    break
                assert proc.poll() is None, log.read_text(errors="replace")
                time.sleep(0.1)
            time.sleep(QUIET_TICKS)
        finally:
            stop_all([proc])
        calls = fake.calls("POST", r"/channels/\d+/messages")
    per_channel = {c: [r for r in calls if r.path.split("/")[2] == c] for c in lost}
    assert all(len(a) == 1 for a in per_channel.values()), {
        c: len(a) for c, a in per_channel.items()
    }
    reasons = _paused(repo, lost_refs)
    for channel, code in lost.items():
        assert str(code) in str(reasons[channel]), (channel, reasons[channel])
    healthy = {r.channel_id for r in refs} - lost.keys()
    assert {r.path.split("/")[2] for r in calls} >= healthy
    text_logs = read_logs([log])
    assert "Traceback" not in text_logs
    assert_no_secret([text_logs], "serve logs")
