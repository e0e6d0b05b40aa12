"""What an operator graphs and alerts on, as Prometheus scrapes it from a real ``paperboy
serve`` after a fetch and a digest."""

from __future__ import annotations

import re
import socket
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import Engine

from bot.chat import ChannelRef
from storage.channel_repository import SqlChannelRepository
from tests.conftest import FIXTURES
from tests.kit.serve_process import seed_due_channels, start_serve, stop_all
from tests.kit.sources import running_fake_sources

HF_BODY = (FIXTURES / "hf-daily-papers" / "newsassistant__2026-08-03__3items.json").read_text(
    encoding="utf-8"
)


AFTER_A_FETCH_AND_A_DIGEST = (
    'paperboy_source_last_success_timestamp_seconds{source="huggingface"}',
    'paperboy_digests_total{outcome="posted",platform="console"}',
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Every sample of the exposition, by sample name."""
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def value(found: dict[str, list[tuple[dict[str, str], float]]], name: str, **labels: str) -> float:
    [match] = [v for got, v in found.get(name, []) if labels.items() <= got.items()]
    return match


@pytest.mark.slow
def test_metrics_after_a_fetch_and_a_digest(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    seed_due_channels(engine, 2)
    paused = ChannelRef("console", "team-0001", name="team-0001")
    SqlChannelRepository(engine).set_paused(paused, "lost access", datetime.now(UTC))
    port = free_port()
    output, log = tmp_path / "out.txt", tmp_path / "serve.log"
    args = ("--adapter", "console", "--http", "--host", "127.0.0.1", "--port", str(port))
    started = time.time()
    with running_fake_sources(HF_BODY) as hf:
        env = {"PAPERBOY_HF_URL": hf.url, "PAPERBOY_FETCH_INTERVAL_MINUTES": "60"}
        proc = start_serve(database_url, output, log, env, args=args)
        try:
            deadline = time.monotonic() + 60
            text = ""
            while time.monotonic() < deadline:
                try:
                    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
                except httpx.TransportError:
                    text = ""
                if all(sign in text for sign in AFTER_A_FETCH_AND_A_DIGEST):
                    break
                assert proc.poll() is None, log.read_text(errors="replace")
                time.sleep(0.2)
        finally:
            stop_all([proc])
    assert all(sign in text for sign in AFTER_A_FETCH_AND_A_DIGEST), log.read_text(errors="replace")
    found = samples(text)
    assert value(found, "paperboy_digests_total", platform="console", outcome="posted") == 1
    assert value(found, "paperboy_search_seconds_count") >= 1
    fetched = value(found, "paperboy_source_last_success_timestamp_seconds", source="huggingface")
    assert started - 5 <= fetched <= time.time()
    assert value(found, "paperboy_library_papers") >= 3
    assert value(found, "paperboy_index_lag_papers") == 0
    # Search by meaning is off in the suite: every paper is found by its words only.
    assert value(found, "paperboy_papers_without_vector") == value(found, "paperboy_library_papers")
    assert value(found, "paperboy_paused_channels", platform="console") == 1
    assert value(found, "paperboy_paused_channels", platform="slack") == 0
    [(labels, _)] = found["paperboy_build_info"]
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", labels["version"])
