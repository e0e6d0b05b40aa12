"""Fixtures: the fake Slack server, a scripted core, and the Slack runtime on a local listener."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.engine import Engine

from adapters.slack import SlackRuntime, SlackSettings, build_runtime
from adapters.slack.stores import SlackStores
from bot.papers import SOURCE_HF, Paper
from bot.ranking.blend import RankedPaper
from storage.slack_repository import SqlSlackRepository
from tests.kit.core import FakeCore
from tests.kit.slack import FakeSlack, serving_fake_slack

SIGNING_SECRET = "test-signing-secret"


def ranked(
    arxiv_id: str = "2601.00001", title: str = "Scaling laws for tiny models", **kw: Any
) -> RankedPaper:
    """A ranked paper with the fields a digest shows."""
    paper = Paper(
        arxiv_id=arxiv_id,
        title=title,
        authors=kw.pop("authors", ("Ada Lovelace", "Alan Turing")),
        upvotes=kw.pop("upvotes", 42),
        github_stars=kw.pop("github_stars", 7),
        github_repo=kw.pop("github_repo", "https://github.com/example/tiny"),
        ai_summary=kw.pop("ai_summary", "Small models follow the same scaling laws."),
        thumbnail=kw.pop("thumbnail", f"https://cdn.example.org/{arxiv_id}.png"),
        sources=frozenset({SOURCE_HF}),
        **kw,
    )
    return RankedPaper(paper, 1.0, 1.0, 'title matches "scaling" · 42 upvotes', "title")


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """The kit's fake Slack on 127.0.0.1, port 0."""
    async with serving_fake_slack() as fake:
        yield fake


@pytest.fixture
def core() -> FakeCore:
    """The scripted core."""
    return FakeCore()


@pytest.fixture
def sleeps() -> list[float]:
    """Every wait the retry handler asked for (recorded instead of slept)."""
    return []


@pytest.fixture
def make_runtime(
    fake_slack: FakeSlack, core: FakeCore, engine: Engine, sleeps: list[float]
) -> Callable[..., SlackRuntime]:
    """Build the Slack runtime against the fake; keyword arguments override settings."""

    async def record_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    def make(**overrides: Any) -> SlackRuntime:
        values: dict[str, Any] = {
            "bot_token": "xoxb-test-T1",
            "signing_secret": SIGNING_SECRET,
            "api_url": fake_slack.api_url,
            "mode_override": "http",
        }
        values.update(overrides)
        settings = SlackSettings(**values)
        stores = SlackStores.on(SqlSlackRepository(engine), settings.client_id or "")
        return build_runtime(
            settings, core, core, stores if settings.uses_oauth else None, retry_sleep=record_sleep
        )

    return make


@dataclass
class Listener:
    """The shared HTTP listener ``serve --http`` would run, with the Slack routes mounted."""

    url: str
    session: aiohttp.ClientSession

    async def post_signed(
        self,
        path: str,
        fields: dict[str, str] | None = None,
        *,
        json_body: dict[str, Any] | None = None,
        secret: str = SIGNING_SECRET,
        timestamp: int | None = None,
    ) -> aiohttp.ClientResponse:
        """POST a request signed the way Slack signs it (HMAC of ``v0:ts:body``)."""
        body = json.dumps(json_body) if json_body is not None else urlencode(fields or {})
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        headers = {
            "Content-Type": "application/json"
            if json_body is not None
            else "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
        }
        response = await self.session.post(self.url + path, data=body, headers=headers)
        await response.read()
        return response


@pytest.fixture
async def serve_runtime() -> AsyncIterator[Callable[[SlackRuntime], Any]]:
    """Mount a runtime's routes on a local aiohttp listener (port 0) and return a client."""
    runners: list[web.AppRunner] = []
    sessions: list[aiohttp.ClientSession] = []

    async def serve(runtime: SlackRuntime) -> Listener:
        application = web.Application()
        application.add_routes(runtime.http_routes())
        runner = web.AppRunner(application)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        session = aiohttp.ClientSession()
        sessions.append(session)
        return Listener(f"http://127.0.0.1:{runner.addresses[0][1]}", session)

    yield serve
    for session in sessions:
        await session.close()
    for runner in runners:
        await runner.cleanup()


def slash_fields(
    fake: FakeSlack, text: str, *, channel: str = "C1", team: str = "T1"
) -> dict[str, str]:
    """The form fields Slack sends for ``/papers <text>``."""
    return {
        "token": "deprecated",
        "team_id": team,
        "team_domain": "example",
        "channel_id": channel,
        "channel_name": "general",
        "user_id": "U1",
        "user_name": "ada",
        "command": "/papers",
        "text": text,
        "response_url": fake.response_url("1"),
        "trigger_id": "1.2.3",
        "api_app_id": "A1",
    }


def now() -> datetime:
    """A fixed time for digests."""
    return datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
