"""The operator's history on the real schema: pages through 10,000 digests, one channel only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from bot.chat import ChannelRef
from bot.papers import Paper
from storage.channel_repository import SqlChannelRepository
from storage.models import DigestRow
from storage.operator_history import SqlOperatorHistory
from storage.paper_repository import SqlPaperRepository

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
A = ChannelRef("slack", "CA", workspace_id="T1", name="ml-infra")
B = ChannelRef("slack", "CB", workspace_id="T2", name="other-team")


def post(channels: SqlChannelRepository, ref: ChannelRef, key: str, ids: list[str]) -> None:
    channel = channels.ensure_channel(ref, NOW)
    claim = channels.claim_digest(channel.pk, key, worker="w", now=NOW, scheduled_for=NOW)
    assert claim is not None
    channels.reserve_papers(claim.digest_pk, channel.pk, "w", ids, NOW)
    channels.mark_posted(claim.digest_pk, channel.pk, ids, "1700000000.000100", NOW)


def bulk_digests(engine: Engine, channel_pk: int, count: int) -> None:
    start = NOW - timedelta(days=count)
    rows = [
        {
            "channel_pk": channel_pk,
            "period_key": f"bulk-{n:05d}",
            "status": "failed" if n % 10 == 0 else "posted",
            "attempts": 1 + n % 3,
            "planned_ids": [],
            "note": "channel_not_found: gone" if n % 10 == 0 else None,
            "created_at": start + timedelta(days=n),
        }
        for n in range(count)
    ]
    with engine.begin() as conn:
        conn.execute(insert(DigestRow), rows)


def test_a_10000_digest_history_pages_newest_first_without_gaps(engine: Engine) -> None:
    channels = SqlChannelRepository(engine)
    a = channels.ensure_channel(A, NOW)
    b = channels.ensure_channel(B, NOW)
    bulk_digests(engine, a.pk, 10_000)
    bulk_digests(engine, b.pk, 30)
    history = SqlOperatorHistory(engine)
    seen: list[str] = []
    before = None
    pages = 0
    while True:
        page = history.digest_page(a.pk, limit=500, before=before)
        seen += [record.period_key for record in page.digests]
        pages += 1
        if page.before is None:
            break
        before = page.before
    assert pages == 20
    assert seen == [f"bulk-{n:05d}" for n in reversed(range(10_000))]  # none of B's
    first = history.digest_page(a.pk, limit=3).digests
    assert [r.status for r in first] == ["posted", "posted", "posted"]
    failed = history.digest_page(a.pk, limit=1, before=first[-1].cursor - 6).digests[0]
    assert (failed.status, failed.note) == ("failed", "channel_not_found: gone")


def test_channel_pages_carry_topics_last_outcome_and_deliveries(engine: Engine) -> None:
    SqlPaperRepository(engine).upsert_papers(
        [Paper(arxiv_id=f"2611.0000{n}", title=f"P{n}") for n in range(1, 4)]
    )
    channels = SqlChannelRepository(engine)
    channels.add_topic(A, "scaling", NOW)
    channels.add_topic(A, '"mixture of experts"', NOW)
    post(channels, A, "2026-11-26", ["2611.00001", "2611.00002"])
    post(channels, A, "2026-11-27", ["2611.00003"])
    channels.ensure_channel(B, NOW)
    channels.set_paused(B, "channel_not_found: the bot was removed", NOW)
    for n in range(5):
        channels.ensure_channel(ChannelRef("console", f"c{n}", name=f"c{n}"), NOW)
    history = SqlOperatorHistory(engine)

    page = history.channel_page(limit=2)
    assert [o.channel.ref.channel_id for o in page.channels] == ["CA", "CB"]
    first = page.channels[0]
    assert [t.text for t in first.channel.topics] == ["scaling", '"mixture of experts"']
    assert first.last is not None and first.last.period_key == "2026-11-27"
    assert first.last.papers == ("2611.00003",) and first.delivered == 3
    rest = history.channel_page(limit=100, after=page.after)
    assert len(rest.channels) == 5 and rest.after is None

    paused = history.channel_page(paused_only=True)
    assert [o.channel.ref.channel_id for o in paused.channels] == ["CB"]
    assert paused.channels[0].last is None and paused.channels[0].delivered == 0


def test_delivery_lookups_stay_inside_one_channel(engine: Engine) -> None:
    SqlPaperRepository(engine).upsert_papers([Paper(arxiv_id="2611.00001", title="P")])
    channels = SqlChannelRepository(engine)
    post(channels, B, "2026-11-27", ["2611.00001"])
    a = channels.ensure_channel(A, NOW)
    b = channels.ensure_channel(B, NOW)
    history = SqlOperatorHistory(engine)
    assert history.delivery_of(a.pk, "2611.00001") is None
    assert history.delivered_among(a.pk, ["2611.00001"]) == set()
    record = history.delivery_of(b.pk, "2611.00001")
    assert record is not None and record.period_key == "2026-11-27"
    assert record.message_ref == "1700000000.000100"
    many = [f"2611.{n:05d}" for n in range(1200)]  # past one IN (...) chunk
    assert history.delivered_among(b.pk, many) == {"2611.00001"}
