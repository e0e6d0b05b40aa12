"""serve's fetch loop: Hugging Face's latest day, and the arXiv categories channels follow."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy.engine import Engine

from adapters import serve as serve_module
from adapters.composition import open_app
from adapters.settings import Settings
from bot.chat import ChannelRef
from bot.sources.arxiv.calendar import AnnouncementStatus
from storage.arxiv_calendar_repository import SqlAnnouncementCalendar
from tests.conftest import FIXTURES

RSS = (FIXTURES / "arxiv-rss" / "distill__cs.LG__2026-04-27__3items.xml").read_bytes()
HF = (FIXTURES / "hf-daily-papers" / "newsassistant__2026-08-03__3items.json").read_text(
    encoding="utf-8"
)


@pytest.fixture
def fake_web(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every HTTP client serve makes talks to this fake: HF JSON, arXiv's cs.LG feed."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/api/daily_papers":
            return httpx.Response(200, text=HF)
        if request.url.path.endswith("/cs.LG"):
            return httpx.Response(200, content=RSS, headers={"Content-Type": "application/rss+xml"})
        return httpx.Response(404)

    real = httpx.AsyncClient

    def client(**kwargs: object) -> httpx.AsyncClient:
        return real(transport=httpx.MockTransport(handler))

    monkeypatch.setattr(serve_module.httpx, "AsyncClient", client)
    return seen


def test_fetch_loop_ingests_hf_and_the_subscribed_arxiv_categories(
    db_env: str, engine: Engine, fake_web: list[str]
) -> None:
    settings = Settings()
    with open_app(settings) as app:
        app.channels.add_topic(
            ChannelRef("console", "ml", name="ml"), "cat:cs.LG", datetime.now(UTC)
        )
        asyncio.run(serve_module.fetch_once(app, settings))
        asyncio.run(serve_module.fetch_arxiv_categories(app, settings))
        count = app.library.papers.count()
    assert any("/api/daily_papers" in url for url in fake_web)
    assert any(url.endswith("/rss/cs.LG") for url in fake_web)
    assert count == 3 + 3
    calendar = SqlAnnouncementCalendar(engine)
    assert calendar.announcement_status("cs.LG", date(2026, 4, 27)) is AnnouncementStatus.ANNOUNCED


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, ["console"]),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, ["slack"]),
        ({"SLACK_CLIENT_ID": "1.2", "DISCORD_BOT_TOKEN": "t"}, ["slack", "discord"]),
        ({"DISCORD_BOT_TOKEN": ""}, ["console"]),
    ],
)
def test_bare_serve_runs_the_platforms_that_have_credentials(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], expected: list[str]
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert Settings().configured_platforms() == expected
