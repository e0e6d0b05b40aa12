"""Start real ``paperboy serve`` processes for end-to-end tests, and read what they posted."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.channels import SettingsChange
from bot.chat import ChannelRef
from bot.digests.schedule import ScheduleSpec
from bot.sources.hf.parse import parse_daily_papers_json
from storage.channel_repository import SqlChannelRepository
from storage.paper_repository import SqlPaperRepository
from tests.conftest import hf_fixture_files

KEY = re.compile(r"^#\S+  \(delivery: (\S+)\)$", re.MULTILINE)


def start_serve(
    database_url: str,
    output: Path,
    log: Path,
    extra_env: Mapping[str, str] | None = None,
    args: Sequence[str] = ("--adapter", "console"),
) -> subprocess.Popen[bytes]:
    """``paperboy serve --adapter console`` posting to ``output``, fast ticks, no fetching
    unless ``extra_env`` says otherwise."""
    env = {
        **os.environ,
        "PAPERBOY_DATABASE_URL": database_url,
        "PAPERBOY_CONSOLE_OUTPUT": str(output),
        "PAPERBOY_INDEX_DIR": str(log.with_suffix(".index")),  # each replica keeps its own
        "PAPERBOY_SCHEDULER_TICK_SECONDS": "0.2",
        "PAPERBOY_CLAIM_LEASE_SECONDS": "3",
        "PAPERBOY_FETCH_INTERVAL_MINUTES": "0",
        "PAPERBOY_LOG_LEVEL": "INFO",
        **(extra_env or {}),
    }
    script = "from adapters.cli import main; main()"
    with log.open("wb") as stderr:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-c", script, "serve", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


def posted_keys(output: Path) -> list[str]:
    """Delivery keys of every digest written to the console output file, in order."""
    return KEY.findall(output.read_text(encoding="utf-8")) if output.exists() else []


def stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM, then wait; kill what does not stop within 20 s."""
    for proc in processes:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in processes:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def seed_due_channels(
    engine: Engine,
    channels: int,
    topics: tuple[str, ...] = ("scaling", "diffusion", "agents"),
    *,
    schedule: bool = True,
) -> None:
    """The library from every HF fixture, and ``channels`` console channels following
    ``topics`` in turn, due a minute ago (or not scheduled yet: see :func:`make_due`)."""
    papers = SqlPaperRepository(engine)
    for path in hf_fixture_files():
        papers.upsert_papers(parse_daily_papers_json(path.read_text(encoding="utf-8")).papers)
    repo = SqlChannelRepository(engine)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    for ref in _refs(channels):
        repo.add_topic(ref, topics[ref_number(ref) % len(topics)], yesterday)
        repo.update_settings(ref, yesterday, SettingsChange(window_days=None, max_papers=3))
    if schedule:
        make_due(engine, channels)


def make_due(engine: Engine, channels: int) -> None:
    """Schedule the seeded channels daily at the last full minute (set yesterday)."""
    repo = SqlChannelRepository(engine)
    now = datetime.now(UTC)
    due = (now - timedelta(minutes=1)).time().replace(second=0, microsecond=0)
    for ref in _refs(channels):
        repo.set_schedule(ref, ScheduleSpec("daily", due, timezone="UTC"), now - timedelta(days=1))


def _refs(channels: int) -> list[ChannelRef]:
    return [ChannelRef("console", f"team-{n:04d}", name=f"team-{n:04d}") for n in range(channels)]


def ref_number(ref: ChannelRef) -> int:
    """The n of ``team-n``."""
    return int(ref.channel_id.rsplit("-", 1)[1])


def posts_by_channel(output: Path) -> dict[str, str]:
    """Each delivery key with the digest text written under it."""
    text = output.read_text(encoding="utf-8") if output.exists() else ""
    starts = [(m.start(), m.group(1)) for m in KEY.finditer(text)]
    bounds = [*(s for s, _ in starts[1:]), len(text)]
    return {key: text[start:end] for (start, key), end in zip(starts, bounds, strict=True)}
