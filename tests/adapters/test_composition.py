"""The composition root builds every part once, in order, and serve's lifetimes nest."""

from __future__ import annotations

import ast
import asyncio
import os
import signal
from pathlib import Path
from types import TracebackType

import pytest
from aiohttp import web

from adapters.composition import open_app
from adapters.serve import serve
from adapters.settings import Settings, load_settings
from bot.errors import UserError
from tests.deploy.conftest import ROOT

pytestmark = pytest.mark.anyio


def test_platforms_are_built_before_the_runner_which_posts_through_them(
    db_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "t")
    settings = load_settings()
    with open_app(settings, settings.configured_platforms()) as app:
        assert sorted(app.platforms) == ["discord", "slack"]
        for name, platform in app.platforms.items():
            assert app.runner.adapter_for(name) is platform.adapter
        assert app.runner.adapter_for("console") is None  # only what was asked for
        runtimes = app.runtimes()
        assert [r.name for r in runtimes] == ["slack", "discord"]


def test_a_platform_without_credentials_names_the_variable_to_set(db_env: str) -> None:
    with pytest.raises(UserError, match="set SLACK_BOT_TOKEN"), open_app(Settings(), ["slack"]):
        pass


def test_the_slack_side_never_sees_the_database_engine() -> None:
    """Only the composition root holds the engine; Slack gets its stores."""
    for path in (ROOT / "adapters" / "slack").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        } | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert not {m for m in imported if m.startswith(("sqlalchemy", "sqlmodel"))}, path


class Runtime:
    """A platform runtime that records its lifetime; ``fail`` makes entering it fail."""

    def __init__(self, name: str, events: list[str], *, fail: bool = False) -> None:
        self.name = name
        self._events = events
        self._fail = fail

    def http_routes(self) -> list[web.RouteDef]:
        return []

    async def __aenter__(self) -> Runtime:
        if self._fail:
            raise UserError(f"{self.name} cannot start")
        self._events.append(f"enter {self.name}")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._events.append(f"exit {self.name}")


async def test_a_platform_that_cannot_start_closes_the_ones_already_started(
    db_env: str, tmp_path: Path
) -> None:
    events: list[str] = []
    settings = Settings(fetch_interval_minutes=0)
    runtimes = [Runtime("first", events), Runtime("second", events, fail=True)]
    with open_app(settings) as app, pytest.raises(UserError, match="second cannot start"):
        await serve(app, settings, runtimes=runtimes, http=("127.0.0.1", 0))
    assert events == ["enter first", "exit first"]


async def test_runtimes_stop_in_reverse_order_after_the_background_tasks(db_env: str) -> None:
    events: list[str] = []
    settings = Settings(fetch_interval_minutes=0)
    runtimes = [Runtime("first", events), Runtime("second", events)]
    with open_app(settings) as app:
        running = asyncio.create_task(serve(app, settings, runtimes=runtimes))
        while len(events) < 2:
            await asyncio.sleep(0.01)
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(running, 10)
    assert events == ["enter first", "enter second", "exit second", "exit first"]
