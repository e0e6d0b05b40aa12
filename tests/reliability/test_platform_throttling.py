"""Scenario: Slack throttles — 30 % of ``chat.postMessage`` calls answer 429 with
``Retry-After: 1``.

What a user notices: every digest still arrives, whole and in order (part 1 in the channel,
then its thread parts in sequence), and Paperboy never calls a channel again before the wait
Slack asked for has passed (the fake records every early call).
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.kit.serve_process import stop_all
from tests.kit.slack import FakeSlack, Post, running_fake_slack
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

CHANNELS = sized(40, 200)
PAPERS_PER_DIGEST = 20  # more than one Slack message each (≤ 10 papers per message)
PART = re.compile(r"\(part \d+/(\d+)\)")


def test_throttled_posts_all_arrive_in_order_and_respect_retry_after(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load_fixture_papers(engine)
    refs = slack_refs(CHANNELS)
    log = tmp_path / "serve.log"
    port = free_port()
    with running_fake_slack(throttle_ratio=0.3, retry_after=1) as fake:
        proc = start_slack_serve(database_url, fake.api_url, log, port)
        try:
            wait_until_listening(proc, port, log)
            subscribe_due(engine, refs, ("model",), max_papers=PAPERS_PER_DIGEST)
            started = time.monotonic()
            deadline = started + 60 + CHANNELS
            while not _settled(fake, CHANNELS) and time.monotonic() < deadline:
                time.sleep(0.1)
            elapsed = time.monotonic() - started
        finally:
            stop_all([proc])
        posts = fake.snapshot()
        early = list(fake.early)
    throttled = [p for p in posts if p.status == 429]
    ok = [p for p in posts if p.error is None]
    by_key: dict[str | None, list[Post]] = defaultdict(list)
    for post in ok:
        by_key[post.delivery_key].append(post)
    assert len(by_key) == CHANNELS, f"{CHANNELS - len(by_key)} digests never arrived"
    lost_parts = 0
    for key, parts in by_key.items():
        numbers = [p.part for p in parts]
        assert numbers == list(range(1, len(parts) + 1)), f"{key}: parts out of order {numbers}"
        assert parts[0].thread_ts is None
        assert all(p.thread_ts == parts[0].ts for p in parts[1:]), key
        lost_parts += max(0, _parts(parts) - len(parts))
    assert not early, f"calls before Retry-After passed: {early[:5]}"
    assert 0.2 < len(throttled) / len(posts) < 0.4
    text_logs = read_logs([log])
    assert "Traceback" not in text_logs
    assert_no_secret([text_logs, *(p.text for p in posts)], "logs or messages")
    print(
        f"\n{CHANNELS} multi-part digests, {len(posts)} calls, {len(throttled)} answered 429 "
        f"({len(throttled) / len(posts):.0%}); first parts all delivered, {lost_parts} thread "
        f"parts lost, in {elapsed:.1f} s; max posts to one channel within 1 s: "
        f"{_peak_per_channel(ok)}"
    )
    assert lost_parts == 0  # a throttled thread part waits its Retry-After and is re-sent


def _parts(posts: list[Post]) -> int:
    """How many parts the digest has, read from a thread part's "(part 2/3)" (0: unknown)."""
    for post in posts:
        found = PART.search(post.text)
        if found:
            return int(found.group(1))
    return 0


def _settled(fake: FakeSlack, channels: int) -> bool:
    """Every digest complete, or every first part in and nothing new for 5 s."""
    posts = fake.snapshot()
    by_key: dict[str | None, list[Post]] = defaultdict(list)
    for post in posts:
        if post.error is None:
            by_key[post.delivery_key].append(post)
    if len(by_key) < channels:
        return False
    return all(len(p) == _parts(p) for p in by_key.values()) or (
        time.monotonic() - posts[-1].at > 5
    )


def _peak_per_channel(posts: list[Post]) -> int:
    """The most successful posts one channel received within any one-second window."""
    times: dict[str, list[float]] = defaultdict(list)
    for post in posts:
        times[post.channel].append(post.at)
    peak = 0
    for stamps in times.values():
        stamps.sort()
        start = 0
        for end, stamp in enumerate(stamps):
            while stamp - stamps[start] >= 1.0:
                start += 1
            peak = max(peak, end - start + 1)
    return peak
