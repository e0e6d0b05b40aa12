"""Shared pieces of the reliability scenarios: sizes, fake secrets, Slack-mode ``serve``
processes, signed requests, and the checks every scenario repeats (no secret leaked, no
traceback).

Sizes: ``PAPERBOY_RELIABILITY_SCALE=full`` runs the issue's full figures (minutes); unset (or
``ci``) runs the CI-sized ones. The value is read at import, before the test fixtures clear
``PAPERBOY_*`` variables.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.engine import Engine

from bot.channels import SettingsChange
from bot.chat import ChannelRef
from bot.digests.schedule import ScheduleSpec
from bot.sources.hf.parse import parse_daily_papers_json
from storage.channel_repository import SqlChannelRepository
from storage.paper_repository import SqlPaperRepository
from tests.conftest import hf_fixture_files
from tests.serve_process import start_serve

SCALE = os.environ.get("PAPERBOY_RELIABILITY_SCALE", "ci").strip().lower() or "ci"
FULL = SCALE == "full"

# Recognisable fake secrets: each scenario asserts none of them ever leaves the process.
SLACK_BOT_TOKEN = "xoxb-FAKE-SECRET-1111111111-2222222222-reliabilitysuite"
SLACK_SIGNING_SECRET = "FAKE-SECRET-signing-7d0c5e3b91a2f4"
DISCORD_BOT_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAw.FAKESE.CRET-discord-token-reliability-suite1"
SECRETS = (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, DISCORD_BOT_TOKEN, "FAKE-SECRET")
TEAM = "T1"


def sized(ci: int, full: int) -> int:
    """The CI-sized figure, or the issue's full one under ``PAPERBOY_RELIABILITY_SCALE=full``."""
    return full if FULL else ci


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def slack_env(api_url: str) -> dict[str, str]:
    """Environment of a Slack ``serve`` in HTTP mode against the fake, with fake secrets."""
    return {
        "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "DISCORD_BOT_TOKEN": DISCORD_BOT_TOKEN,  # unused here, but must never leak either
        "PAPERBOY_SLACK_API_URL": api_url,
        "PAPERBOY_SLACK_MODE": "http",
    }


def start_slack_serve(
    database_url: str,
    api_url: str,
    log: Path,
    port: int,
    extra_env: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """``paperboy serve --adapter slack --http --log-format json`` on ``port``."""
    args = (
        "--adapter",
        "slack",
        "--http",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-format",
        "json",
    )
    env = {**slack_env(api_url), **(extra_env or {})}
    return start_serve(database_url, log.with_suffix(".out"), log, env, args=args)


def wait_until_listening(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Block (bounded) until ``/healthz`` answers; fail with the log if the process died."""
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert proc.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, "the listener never came up"
        time.sleep(0.1)


def slash_form(text: str, *, channel: str, response_url: str, user: str = "U1") -> str:
    """The urlencoded body Slack posts for ``/papers <text>``."""
    return urlencode(
        {
            "token": "deprecated",
            "team_id": TEAM,
            "team_domain": "example",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": "ada",
            "command": "/papers",
            "text": text,
            "response_url": response_url,
            "trigger_id": "1.2.3",
            "api_app_id": "A1",
        }
    )


def signed_headers(
    body: str, *, secret: str = SLACK_SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """Headers Slack sends: ``X-Slack-Signature`` = HMAC of ``v0:timestamp:body``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }


def load_fixture_papers(engine: Engine) -> None:
    """The library from every recorded Hugging Face payload."""
    papers = SqlPaperRepository(engine)
    for path in hf_fixture_files():
        papers.upsert_papers(parse_daily_papers_json(path.read_text(encoding="utf-8")).papers)


def slack_refs(count: int) -> list[ChannelRef]:
    """``count`` Slack channels in workspace ``T1``: C0000000, C0000001, ..."""
    return [ChannelRef("slack", f"C{n:07d}", TEAM, name=f"team-{n}") for n in range(count)]


def subscribe_due(
    engine: Engine,
    refs: Sequence[ChannelRef],
    topics: Sequence[str] = ("scaling", "diffusion", "agents"),
    *,
    max_papers: int = 3,
) -> None:
    """Each channel follows one of ``topics`` and is due a minute ago (daily, UTC)."""
    repo = SqlChannelRepository(engine)
    now = datetime.now(UTC)
    yesterday = now - timedelta(days=1)
    due = (now - timedelta(minutes=1)).time().replace(second=0, microsecond=0)
    for n, ref in enumerate(refs):
        repo.add_topic(ref, topics[n % len(topics)], yesterday)
        repo.update_settings(
            ref, yesterday, SettingsChange(window_days=None, max_papers=max_papers)
        )
        repo.set_schedule(ref, ScheduleSpec("daily", due, timezone="UTC"), yesterday)


def assert_no_secret(texts: Iterable[str], where: str) -> None:
    """None of the fake secrets (nor the marker they share) appears in ``texts``."""
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, f"a secret leaked into {where}: …{secret[:12]}…"


def read_logs(paths: Iterable[Path]) -> str:
    """The stderr of every ``serve`` process, concatenated."""
    return "\n".join(p.read_text(errors="replace") for p in paths if p.exists())
