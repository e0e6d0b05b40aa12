"""Real ``paperboy serve`` processes: digests at the right time, exactly once, even when a
replica is SIGKILLed mid-run. Runs on the suite's database (SQLite file or PostgreSQL)."""

from __future__ import annotations

import random
import signal
import socket
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from tests.kit.serve_process import posted_keys, seed_due_channels, start_serve, stop_all


@pytest.mark.slow
@pytest.mark.postgres
def test_three_replicas_one_killed_every_digest_exactly_once(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    channels = 200
    seed_due_channels(engine, channels)
    output = tmp_path / "channels.txt"
    workers = [start_serve(database_url, output, tmp_path / f"w{i}.log") for i in range(3)]
    try:
        victim = random.Random(7).choice(workers)
        deadline = time.monotonic() + 60
        while len(posted_keys(output)) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)  # mid-run: some digests posted, most not
        victim.wait(timeout=10)
        while len(set(posted_keys(output))) < channels and time.monotonic() < deadline + 30:
            time.sleep(0.2)
        time.sleep(1.0)  # a last tick or two: nothing more may appear
    finally:
        stop_all(workers)
    counts = Counter(posted_keys(output))
    logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in tmp_path.glob("w*.log"))
    assert len(counts) == channels, f"missing digests; logs:\n{logs}"
    assert max(counts.values()) == 1, f"duplicates: {[k for k, c in counts.items() if c > 1]}"
    assert "Traceback" not in logs


@pytest.mark.slow
def test_serve_posts_a_subscribed_channel_digest_and_stops_on_sigterm(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    seed_due_channels(engine, 1)
    output = tmp_path / "out.txt"
    proc = start_serve(database_url, output, tmp_path / "w.log")
    try:
        deadline = time.monotonic() + 30
        while not posted_keys(output) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop_all([proc])
    assert proc.returncode == 0
    text = output.read_text(encoding="utf-8")
    assert posted_keys(output) == [f"console:team-0000#{datetime.now(UTC).date().isoformat()}"]
    assert "why: [scaling] title has" in text


@pytest.mark.slow
def test_serve_http_answers_health_readiness_and_metrics(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = ("--adapter", "console", "--http", "--host", "127.0.0.1", "--port", str(port))
    proc = start_serve(database_url, tmp_path / "out.txt", tmp_path / "w.log", args=args)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, (tmp_path / "w.log").read_text()
                assert time.monotonic() < deadline, "the listener never came up"
                time.sleep(0.1)
        ready = httpx.get(f"{base}/readyz", timeout=5)
        metrics = httpx.get(f"{base}/metrics", timeout=5)
    finally:
        stop_all([proc])
    assert health.status_code == 200
    assert ready.status_code == 200, ready.text
    assert metrics.status_code == 200
    assert "paperboy_digests_total" in metrics.text or "paperboy_command_seconds" in metrics.text
    assert proc.returncode == 0
