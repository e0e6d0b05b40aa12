"""Scenario: three replicas, many channels due in the same minute, one replica SIGKILLed at a
random moment — again and again.

What a user notices: every channel gets its digest, and never twice. Each round makes a new
batch of channels due while the replicas run, kills one replica after a random number of
digests went out (sometimes before the first), starts a replacement, and checks the batch.
CI size: ``sized(ci, full)`` below; full size (1,000 channels × 20 rounds) with
``PAPERBOY_RELIABILITY_SCALE=full``.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.chat import ChannelRef
from tests.kit.serve_process import posted_keys, start_serve, stop_all
from tests.kit.slack import running_fake_slack
from tests.reliability.support import (
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

CHANNELS = sized(120, 1000)
ROUNDS = sized(4, 20)
REPLICAS = 3
ROUND_TIMEOUT = 30 + CHANNELS * 0.12


def _unschedule_round(engine: Engine) -> None:
    """Switch the finished round's schedules off, so each tick looks at one batch only.
    (Deleting the rows would race a tick still holding them: no user can delete a channel.)"""
    with engine.begin() as conn:
        conn.execute(text("UPDATE channels SET schedule = 'off'"))


def test_repeated_sigkill_of_one_replica_neither_loses_nor_duplicates_a_digest(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load_fixture_papers(engine)
    output = tmp_path / "channels.txt"
    rng = random.Random(20261126)
    logs: list[Path] = []

    def spawn() -> subprocess.Popen[bytes]:
        log = tmp_path / f"w{len(logs)}.log"
        logs.append(log)
        return start_serve(database_url, output, log)

    workers = [spawn() for _ in range(REPLICAS)]
    today = datetime.now(UTC).date().isoformat()
    killed_after: list[int] = []
    try:
        for round_ in range(ROUNDS):
            refs = [
                ChannelRef("console", f"r{round_:02d}-{n:04d}", name=f"r{round_:02d}-{n:04d}")
                for n in range(CHANNELS)
            ]
            expected = {f"console:{ref.channel_id}#{today}" for ref in refs}
            subscribe_due(engine, refs)
            kill_at = rng.choice([0, rng.randrange(1, int(CHANNELS * 0.9))])
            deadline = time.monotonic() + ROUND_TIMEOUT
            while _count(output, expected) < kill_at and time.monotonic() < deadline:
                time.sleep(0.02)
            victim = rng.randrange(REPLICAS)
            workers[victim].send_signal(signal.SIGKILL)
            workers[victim].wait(timeout=10)
            killed_after.append(_count(output, expected))
            workers[victim] = spawn()
            while _count(output, expected) < CHANNELS and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(0.6)  # three more ticks: a late duplicate would show up now
            counts = Counter(k for k in posted_keys(output) if k in expected)
            missing = expected - counts.keys()
            duplicated = sorted(k for k, c in counts.items() if c > 1)
            assert not missing, f"round {round_}: {len(missing)} missing digests"
            assert not duplicated, f"round {round_}: duplicates {duplicated[:5]}"
            _unschedule_round(engine)
    finally:
        stop_all(workers)
    text_logs = read_logs(logs)
    assert "Traceback" not in text_logs, text_logs[text_logs.find("Traceback") - 300 :][:3000]
    assert_no_secret([text_logs], "serve logs")
    print(f"\n{ROUNDS} rounds × {CHANNELS} channels; killed after {killed_after} digests")


def _count(output: Path, expected: set[str]) -> int:
    return len({k for k in posted_keys(output) if k in expected})


def test_a_replica_killed_mid_run_through_slack_posts_each_digest_once(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    """The same through the fake Slack: recovery asks Slack (message metadata) what is there."""
    channels = sized(60, 300)
    load_fixture_papers(engine)
    refs = slack_refs(channels)
    logs = [tmp_path / f"s{i}.log" for i in range(REPLICAS + 1)]
    extra = {"PAPERBOY_SCHEDULER_TICK_SECONDS": "0.2", "PAPERBOY_CLAIM_LEASE_SECONDS": "3"}
    with running_fake_slack() as fake:
        ports = [free_port() for _ in logs]
        workers = [
            start_slack_serve(database_url, fake.api_url, logs[i], ports[i], extra)
            for i in range(REPLICAS)
        ]
        try:
            for i, proc in enumerate(workers):
                wait_until_listening(proc, ports[i], logs[i])
            subscribe_due(engine, refs)
            deadline = time.monotonic() + 60 + channels * 0.2
            while len(fake.delivered()) < channels // 3 and time.monotonic() < deadline:
                time.sleep(0.01)
            workers[1].send_signal(signal.SIGKILL)
            workers[1].wait(timeout=10)
            workers.append(
                start_slack_serve(database_url, fake.api_url, logs[-1], ports[-1], extra)
            )
            keys = {f"slack:{ref.workspace_id}/{ref.channel_id}" for ref in refs}
            while len(fake.delivered()) < channels and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(1.0)  # five more ticks: a late duplicate would show up now
        finally:
            stop_all(workers)
    counts = Counter(p.delivery_key for p in fake.delivered())
    assert len(counts) == channels, f"missing: {channels - len(counts)}"
    assert max(counts.values()) == 1, [k for k, c in counts.items() if c > 1][:5]
    assert all(str(k).split("#")[0] in keys for k in counts), list(counts)[:3]
    text_logs = read_logs(logs)
    assert "Traceback" not in text_logs
    assert_no_secret([text_logs], "serve logs")
