"""Digest planning at scale: N channels × K topics all due the same minute, then an idle tick.

    python bench/digest_plan.py --corpus PATH --docs 100000 --channels 10000 --json

Ingests ``--docs`` papers (or reuses ``--workdir`` with ``--skip-ingest``), stores
``--channels`` channels each following ``--topics`` topics drawn from ``--queries`` (teams
share a few dozen topics, as they do in practice), all scheduled daily at 09:00 UTC, then:

- ``total_s``: building every due channel's digest in one pass, as the scheduler does (each
  distinct topic ranked once per pass, :class:`bot.digests.pass_cache.PassRanker`), with
  ``per_digest_p50_ms`` / ``per_digest_p99_ms`` per channel;
- ``tick_s``: the real scheduler tick that claims, builds, reserves, posts (to an adapter
  that accepts everything) and records every digest;
- ``idle_tick_s``: a tick a minute later, when every slot is done (the mean of 5).

Prints one JSON object: channels, topics, distinct_topics, total_s, per_digest_p50_ms,
per_digest_p99_ms, tick_s, idle_tick_s, rss_mb.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # after the path set-up

from adapters.composition import open_library
from adapters.settings import Settings
from bench.corpus import read_queries
from bench.search import _current_rss_mb, ingest
from bot.chat import ChannelRef
from bot.digests.build import Digest
from bot.digests.channel import build_channel_digest
from bot.digests.pass_cache import PassRanker
from bot.digests.runner import DigestRunner
from bot.digests.scheduler import Scheduler
from storage.channel_repository import SqlChannelRepository
from storage.models import ChannelRow, SubscriptionRow

NOW = datetime(2026, 7, 2, 9, 0, tzinfo=UTC)  # the corpus ends on 1 July


class AcceptingAdapter:
    """A platform that takes every post at once (the bench times Paperboy, not Slack)."""

    platform = "console"

    async def post_digest(self, channel: ChannelRef, digest: Digest, *, delivery_key: str) -> str:
        return delivery_key

    async def find_posted(self, channel: ChannelRef, delivery_key: str) -> str | None:
        return None


def seed_channels(engine: object, channels: int, per_channel: int, topics: list[str]) -> None:
    """``channels`` console channels, each following ``per_channel`` of ``topics``."""
    yesterday = NOW - timedelta(days=1)
    rows = [
        {
            "platform": "console",
            "workspace_id": "",
            "channel_id": f"team-{n}",
            "name": f"team-{n}",
            "schedule": "daily",
            "schedule_time": "09:00",
            "timezone": "UTC",
            "schedule_updated_at": yesterday,
            "max_papers": 5,
            "window_days": None,
            "empty_mode": "explain",
            "created_at": yesterday,
        }
        for n in range(channels)
    ]
    with engine.begin() as conn:  # type: ignore[attr-defined]  # an sqlalchemy Engine
        conn.execute(insert(ChannelRow), rows)
        pks = [pk for (pk,) in conn.exec_driver_sql("SELECT id FROM channels ORDER BY id")]
        subs = [
            {
                "channel_pk": pk,
                "query": topics[(n * per_channel + k) % len(topics)],
                "options": {},
                "created_at": yesterday,
            }
            for n, pk in enumerate(pks)
            for k in range(per_channel)
        ]
        conn.execute(insert(SubscriptionRow), subs)


def plan(repo: SqlChannelRepository, ranker: object) -> tuple[float, list[float]]:
    """Build every due channel's digest with one pass's shared ranker; wall time and each
    digest's time in ms."""
    started = time.perf_counter()
    shared = PassRanker(ranker)  # type: ignore[arg-type]  # the library's Ranker
    samples = []
    for channel in repo.scheduled_channels(NOW):
        t0 = time.perf_counter()
        build_channel_digest(channel, shared, repo, now=NOW)
        samples.append((time.perf_counter() - t0) * 1000)
    return time.perf_counter() - started, samples


def run(settings: Settings, args: argparse.Namespace, topics: list[str]) -> dict[str, object]:
    """Seed the channels, plan, tick, tick idle; the JSON figures."""
    with open_library(settings) as library:
        repo = SqlChannelRepository(library.engine)
        seed_channels(library.engine, args.channels, args.topics, topics)
        total_s, samples = plan(repo, library.ranker)
        clock = {"now": NOW}
        runner = DigestRunner(
            repo,
            library.ranker,
            {"console": AcceptingAdapter()},  # type: ignore[dict-item]  # a ChatAdapter
            worker="bench",
            clock=lambda: clock["now"],
        )
        scheduler = Scheduler(repo, runner, clock=lambda: clock["now"])
        t0 = time.perf_counter()
        counts = asyncio.run(scheduler.tick())
        tick_s = time.perf_counter() - t0
        clock["now"] = NOW + timedelta(minutes=1)
        idle = []
        for _ in range(5):
            t0 = time.perf_counter()
            asyncio.run(scheduler.tick())
            idle.append(time.perf_counter() - t0)
        ordered = sorted(samples)
        return {
            "docs": args.docs,
            "channels": args.channels,
            "topics": args.channels * args.topics,
            "distinct_topics": len(set(topics)),
            "total_s": round(total_s, 2),
            "per_digest_p50_ms": round(ordered[len(ordered) // 2], 2),
            "per_digest_p99_ms": round(statistics.quantiles(ordered, n=100)[98], 2),
            "tick_s": round(tick_s, 2),
            "tick_outcomes": dict(counts),
            "idle_tick_s": round(statistics.mean(idle), 4),
            "rss_mb": round(_current_rss_mb()),
        }


def main() -> None:
    """Run the benchmark and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--channels", type=int, default=10_000)
    parser.add_argument("--topics", type=int, default=3, help="topics per channel")
    parser.add_argument("--queries", type=Path, default=Path(__file__).parent / "queries.txt")
    parser.add_argument("--distinct", type=int, default=57, help="distinct topics shared")
    parser.add_argument("--workdir", type=Path, help="keep the database and index here")
    parser.add_argument("--database-url", help="default: SQLite in the work directory")
    parser.add_argument("--skip-ingest", action="store_true", help="reuse --workdir's papers")
    parser.add_argument("--json", action="store_true", help="print JSON (the only format)")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="paperboy-digest-plan-"))
    workdir.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        database_url=args.database_url or f"sqlite:///{workdir / 'paperboy.db'}",
        index_dir=workdir / "index",
        log_level="WARNING",
    )
    result: dict[str, object] = {}
    if not args.skip_ingest:
        result.update(ingest(settings, args.corpus, args.docs, 10_000))
    with open_library(settings) as library, library.engine.begin() as conn:
        for table in ("deliveries", "digests", "subscriptions", "channels"):
            conn.exec_driver_sql(f"DELETE FROM {table}")  # a fresh set of channels each run
    topics = read_queries(args.queries)[: args.distinct]
    result.update(run(settings, args, topics))
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
