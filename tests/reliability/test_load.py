"""Scenario: load — a steady stream of signed ``/papers <query>`` searches at the Slack HTTP
endpoint of a running ``paperboy serve --adapter slack --http`` over a large library.

What a user notices: Slack shows "operation timed out" when the ack takes over 3 s, so the
ack p99 must stay well under that; every search is answered (through ``response_url``) and
none with an error. Figures: ack p50/p99, reply p50/p99 (command sent → answer at the fake).

Sizes: CI-sized by default; ``PAPERBOY_RELIABILITY_SCALE=full`` is the issue's 50/s for 60 s
over 100k papers. ``PAPERBOY_RELIABILITY_LOAD_PAPERS`` / ``_RATE`` / ``_SECONDS`` override
each figure (to find the library size at which the search still keeps up).
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from tests.kit.serve_process import stop_all
from tests.kit.slack import running_fake_slack
from tests.reliability.library import load_library
from tests.reliability.support import (
    assert_no_secret,
    free_port,
    read_logs,
    signed_headers,
    sized,
    slash_form,
    start_slack_serve,
    wait_until_listening,
)

pytestmark = [pytest.mark.reliability, pytest.mark.slow]


def _figure(name: str, ci: int, full: int) -> int:
    return int(os.environ.get(f"PAPERBOY_RELIABILITY_LOAD_{name}") or sized(ci, full))


# Read at import: the test fixtures clear PAPERBOY_* variables before each test runs.
PAPERS = _figure("PAPERS", 1_000, 100_000)
RATE = _figure("RATE", 4, 50)  # searches per second
SECONDS = _figure("SECONDS", 10, 60)
REPLY_WAIT = _figure("REPLY_WAIT", 60, 600)  # bounded wait for the last answers
ACK_P99_LIMIT = 1.5  # seconds; Slack's limit is 3
QUERIES = (
    "diffusion models",
    "scaling laws",
    "agents",
    '"large language models" -vision',
    "cat:cs.CV segmentation",
    "reinforcement learning since:30d",
    "retrieval augmented generation",
    "speech recognition",
    "graph neural networks",
    "author:smith",
)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


async def _fire(port: int, response_url: str) -> tuple[list[tuple[int, float]], list[float]]:
    """Send RATE×SECONDS searches on a fixed schedule (open loop); (status, ack s) each, and
    the send times (monotonic)."""
    rng = random.Random(50)
    total = RATE * SECONDS
    results: list[tuple[int, float]] = [(0, 0.0)] * total
    sent_at: list[float] = [0.0] * total
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", timeout=30, limits=limits
    ) as client:

        async def one(n: int) -> None:
            body = slash_form(
                rng.choice(QUERIES), channel="C0LOAD", response_url=f"{response_url}{n}"
            )
            headers = signed_headers(body)
            started = time.monotonic()
            sent_at[n] = started
            try:
                answer = await client.post("/slack/events", content=body, headers=headers)
                results[n] = (answer.status_code, time.monotonic() - started)
            except httpx.HTTPError:
                results[n] = (-1, time.monotonic() - started)

        start = time.monotonic()
        tasks = []
        for n in range(total):
            await asyncio.sleep(max(0.0, start + n / RATE - time.monotonic()))
            tasks.append(asyncio.create_task(one(n)))
        await asyncio.gather(*tasks)
    return results, sent_at


def test_searches_at_a_steady_rate_are_acked_fast_and_all_answered(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    loaded = time.monotonic()
    assert load_library(engine, PAPERS) == PAPERS
    load_seconds = time.monotonic() - loaded
    log = tmp_path / "serve.log"
    port = free_port()
    with running_fake_slack() as fake:
        proc = start_slack_serve(database_url, fake.api_url, log, port)
        try:
            wait_until_listening(proc, port, log)
            results, sent_at = asyncio.run(_fire(port, fake.response_url("q")))
            deadline = time.monotonic() + REPLY_WAIT
            while len(fake.responses) < len(results) and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            stop_all([proc])
        replies = list(fake.responses)
    acks = [seconds for _, seconds in results]
    statuses = [status for status, _ in results]
    reply_times = [r.at - sent_at[int(r.name[1:])] for r in replies]
    errors = [r.body for r in replies if "went wrong" in str(r.body.get("text"))]
    figures = (
        f"\n{RATE}/s × {SECONDS} s = {len(results)} searches over {PAPERS:,} papers "
        f"(library stored in {load_seconds:.0f} s): ack p50 {percentile(acks, 50) * 1000:.0f} ms, "
        f"p99 {percentile(acks, 99) * 1000:.0f} ms, max {max(acks) * 1000:.0f} ms; "
        f"non-200: {sum(s != 200 for s in statuses)}; answered {len(replies)}/{len(results)}"
    )
    if reply_times:
        figures += (
            f", reply p50 {statistics.median(reply_times):.2f} s, "
            f"p99 {percentile(reply_times, 99):.2f} s; error replies {len(errors)}"
        )
    print(figures)
    assert all(s == 200 for s in statuses), figures
    assert percentile(acks, 99) < ACK_P99_LIMIT, figures
    assert not errors, errors[:3]
    assert len(replies) == len(results), figures
    text_logs = read_logs([log])
    assert "Traceback" not in text_logs
    assert_no_secret([text_logs], "serve logs")
