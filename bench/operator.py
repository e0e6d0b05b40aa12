"""Operator views at scale: a channel with 10,000 digests and 10,000 deliveries among 1,000
channels — the first and the last page of ``paperboy deliveries``, a page of ``paperboy
channels``, and the delivery look-ups ``why`` makes.

    python -m bench.operator --database-url sqlite:////tmp/bench-operator.db

Keyset pages cost the same at page 1 and page 500; this prints the medians to show it.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from bot.chat import ChannelRef
from bot.papers import Paper
from storage.channel_repository import SqlChannelRepository
from storage.database import make_engine, upgrade
from storage.models import DeliveryRow, DigestRow
from storage.operator_history import SqlOperatorHistory
from storage.paper_repository import SqlPaperRepository

NOW = datetime(2026, 11, 27, tzinfo=UTC)


def median_ms(action: Callable[[], object], runs: int = 30) -> float:
    """The median wall time of ``action`` in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    """Seed, then time each view."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--digests", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=1_000)
    args = parser.parse_args()
    engine = make_engine(args.database_url)
    upgrade(engine)
    channels = SqlChannelRepository(engine)
    big = channels.ensure_channel(ChannelRef("slack", "CBIG", workspace_id="T1"), NOW)
    for n in range(args.channels - 1):
        channels.ensure_channel(ChannelRef("slack", f"C{n}", workspace_id="T1"), NOW)
    ids = [f"2611.{n:05d}" for n in range(args.digests)]
    SqlPaperRepository(engine).upsert_papers([Paper(arxiv_id=i, title=i) for i in ids])
    start = NOW - timedelta(days=args.digests)
    with engine.begin() as conn:
        conn.execute(
            insert(DigestRow),
            [
                {
                    "channel_pk": big.pk,
                    "period_key": f"d{n}",
                    "status": "posted",
                    "attempts": 1,
                    "planned_ids": [ids[n]],
                    "created_at": start + timedelta(days=n),
                }
                for n in range(args.digests)
            ],
        )
        conn.execute(
            insert(DeliveryRow),
            [{"channel_pk": big.pk, "paper_id": i, "delivered_at": NOW} for i in ids],
        )
    history = SqlOperatorHistory(engine)
    first = history.digest_page(big.pk, limit=20)
    cursor = first.digests[-1].cursor
    for _ in range(args.digests // 20 - 2):  # walk to the last page once
        cursor = history.digest_page(big.pk, limit=20, before=cursor).digests[-1].cursor
    results = {
        "deliveries page 1 (20 digests)": median_ms(lambda: history.digest_page(big.pk, limit=20)),
        "deliveries last page": median_ms(
            lambda: history.digest_page(big.pk, limit=20, before=cursor)
        ),
        "channels page (500 of 1,000)": median_ms(lambda: history.channel_page(limit=500), 10),
        "why: delivery_of": median_ms(lambda: history.delivery_of(big.pk, ids[-1])),
        "why: delivered_among 250 ids": median_ms(
            lambda: history.delivered_among(big.pk, ids[:250])
        ),
    }
    for name, value in results.items():
        print(f"{name:34s} {value:8.2f} ms")


if __name__ == "__main__":
    main()
