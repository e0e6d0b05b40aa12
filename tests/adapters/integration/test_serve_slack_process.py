"""A real ``paperboy serve --adapter slack --http`` process: a signed ``/papers`` command goes
in over HTTP, the answer comes out at Slack's ``response_url``, the digest at chat.postMessage.
"""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.engine import Engine

from bot.chat import ChannelRef
from bot.sources.hf.parse import parse_daily_papers_json
from storage.channel_repository import SqlChannelRepository
from storage.paper_repository import SqlPaperRepository
from tests.adapters.slack.conftest import SIGNING_SECRET, Listener, slash_fields
from tests.conftest import hf_fixture_files
from tests.kit.serve_process import start_serve, stop_all
from tests.kit.slack import FakeSlack, slack_would_reject

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
STARTUP_SECONDS = 30


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_until_listening(base: str, session: aiohttp.ClientSession, log: Path) -> None:
    """Poll ``/healthz`` until the process answers (bounded); a dead process fails at once."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            async with session.get(f"{base}/healthz") as health:
                assert health.status == 200
                return
        except aiohttp.ClientConnectionError:
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            await asyncio.sleep(0.1)  # another process is starting; nothing to inject here


async def test_serve_answers_a_signed_slash_command_and_posts_the_digest(
    engine: Engine, database_url: str, tmp_path: Path, fake_slack: FakeSlack
) -> None:
    papers = SqlPaperRepository(engine)
    for path in hf_fixture_files():
        papers.upsert_papers(parse_daily_papers_json(path.read_text(encoding="utf-8")).papers)
    port = free_port()
    log = tmp_path / "serve.log"
    env = {
        "PAPERBOY_SLACK_API_URL": fake_slack.api_url,
        "SLACK_BOT_TOKEN": "xoxb-test-T1",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    }
    args = ("--adapter", "slack", "--http", "--host", "127.0.0.1", "--port", str(port))
    proc = start_serve(database_url, tmp_path / "console.txt", log, extra_env=env, args=args)
    try:
        async with aiohttp.ClientSession() as session:
            base = f"http://127.0.0.1:{port}"
            await wait_until_listening(base, session, log)
            slack = Listener(base, session)
            for n, text in enumerate(
                ["subscribe scaling laws", "settings window all", "digest"], start=1
            ):
                fields = slash_fields(fake_slack, text)
                fields["response_url"] = fake_slack.response_url(str(n))
                response = await slack.post_signed("/slack/events", fields)
                assert response.status == 200
                await fake_slack.wait_for(f"response/{n}", timeout=STARTUP_SECONDS)
            (digest,) = await fake_slack.wait_for("chat.postMessage")
    finally:
        # In a thread: the fake must keep answering the process's last calls while it stops.
        await asyncio.to_thread(stop_all, [proc])

    assert proc.returncode == 0, log.read_text(errors="replace")
    subscribed = fake_slack.called("response/1")[0].body
    assert subscribed["text"].startswith("Subscribed #general to “scaling laws”")
    posted = fake_slack.called("response/3")[0].body
    assert posted["text"] == "Posted 2 papers to #general."
    assert digest.token == "xoxb-test-T1" and digest.body["channel"] == "C1"
    assert "Prescriptive Scaling Laws for Data Constrained Training" in digest.body["text"]
    assert slack_would_reject(digest.body) is None
    stored = SqlChannelRepository(engine).get_channel(ChannelRef("slack", "C1", "T1"))
    assert stored is not None and [t.text for t in stored.topics] == ["scaling laws"]
    assert "Traceback" not in log.read_text(errors="replace")
