"""Real ``paperboy serve`` processes: digests at the right time, exactly once, even when a
replica is SIGKILLed mid-run. Runs on the suite's database (SQLite file or PostgreSQL)."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.chat import ChannelRef
from bot.hf_parse import parse_daily_papers_json
from bot.schedule import ScheduleSpec
from storage.channel_repository import SqlChannelRepository
from storage.paper_repository import SqlPaperRepository
from tests.conftest import hf_fixture_files

KEY = re.compile(r"^#\S+  \(delivery: (\S+)\)$", re.MULTILINE)


def _seed(engine: Engine, channels: int) -> None:
    papers = SqlPaperRepository(engine)
    for path in hf_fixture_files():
        papers.upsert_papers(parse_daily_papers_json(path.read_text(encoding="utf-8")).papers)
    repo = SqlChannelRepository(engine)
    now = datetime.now(UTC)
    due = (now - timedelta(minutes=1)).time().replace(second=0, microsecond=0)
    yesterday = now - timedelta(days=1)
    for n in range(channels):
        ref = ChannelRef("console", f"team-{n:04d}", name=f"team-{n:04d}")
        repo.add_topic(ref, ["scaling", "diffusion", "agents"][n % 3], yesterday)
        repo.update_settings(ref, yesterday, window_days=None, max_papers=3)
        repo.set_schedule(ref, ScheduleSpec("daily", due, timezone="UTC"), yesterday)


def _worker(database_url: str, output: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PAPERBOY_DATABASE_URL": database_url,
        "PAPERBOY_CONSOLE_OUTPUT": str(output),
        "PAPERBOY_SCHEDULER_TICK_SECONDS": "0.2",
        "PAPERBOY_CLAIM_LEASE_SECONDS": "3",
        "PAPERBOY_FETCH_INTERVAL_MINUTES": "0",
        "PAPERBOY_LOG_LEVEL": "INFO",
    }
    script = "from adapters.cli import main; main()"
    with log.open("wb") as stderr:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-c", script, "serve", "--adapter", "console"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


def _posted_keys(output: Path) -> list[str]:
    return KEY.findall(output.read_text(encoding="utf-8")) if output.exists() else []


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for proc in processes:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in processes:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.slow
@pytest.mark.postgres
def test_three_replicas_one_killed_every_digest_exactly_once(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    channels = 200
    _seed(engine, channels)
    output = tmp_path / "channels.txt"
    workers = [_worker(database_url, output, tmp_path / f"w{i}.log") for i in range(3)]
    try:
        victim = random.Random(7).choice(workers)
        deadline = time.monotonic() + 60
        while len(_posted_keys(output)) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)  # mid-run: some digests posted, most not
        victim.wait(timeout=10)
        while len(set(_posted_keys(output))) < channels and time.monotonic() < deadline + 30:
            time.sleep(0.2)
        time.sleep(1.0)  # a last tick or two: nothing more may appear
    finally:
        _stop(workers)
    counts = Counter(_posted_keys(output))
    logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in tmp_path.glob("w*.log"))
    assert len(counts) == channels, f"missing digests; logs:\n{logs}"
    assert max(counts.values()) == 1, f"duplicates: {[k for k, c in counts.items() if c > 1]}"
    assert "Traceback" not in logs


@pytest.mark.slow
def test_serve_posts_a_subscribed_channel_digest_and_stops_on_sigterm(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _seed(engine, 1)
    output = tmp_path / "out.txt"
    proc = _worker(database_url, output, tmp_path / "w.log")
    try:
        deadline = time.monotonic() + 30
        while not _posted_keys(output) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        _stop([proc])
    assert proc.returncode == 0
    text = output.read_text(encoding="utf-8")
    assert _posted_keys(output) == [f"console:team-0000#{datetime.now(UTC).date().isoformat()}"]
    assert "why: [scaling] title matches" in text
