"""The ``--http`` listener as an orchestrator and Prometheus see it, on a real local socket."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.engine import Engine

from adapters.http_server import bound_port, build_http_app, start_http_server
from bot.errors import UserError
from bot.metrics import DIGESTS
from storage.database import make_engine, upgrade


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[httpx.AsyncClient]:
    runner = await start_http_server(app, "127.0.0.1", 0)
    try:
        base = f"http://127.0.0.1:{bound_port(runner)}"
        async with httpx.AsyncClient(base_url=base) as client:
            yield client
    finally:
        await runner.cleanup()


@pytest.fixture
def empty_engine(tmp_path: Path) -> Iterator[Engine]:
    """A reachable database that was never migrated."""
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    yield engine
    engine.dispose()


@pytest.mark.anyio
async def test_a_migrated_database_is_healthy_and_ready(engine: Engine) -> None:
    async with serving(build_http_app(engine=engine)) as client:
        health = await client.get("/healthz")
        ready = await client.get("/readyz")
    assert health.status_code == 200
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}


@pytest.mark.anyio
async def test_an_unmigrated_database_is_alive_but_not_ready(empty_engine: Engine) -> None:
    async with serving(build_http_app(engine=empty_engine)) as client:
        health = await client.get("/healthz")
        ready = await client.get("/readyz")
    assert health.status_code == 200
    assert ready.status_code == 503
    assert ready.json()["status"] == "not ready"
    assert "paperboy db upgrade" in ready.json()["reason"]


@pytest.mark.anyio
async def test_an_outdated_schema_names_both_revisions(empty_engine: Engine) -> None:
    with empty_engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('0000old')"))
    async with serving(build_http_app(engine=empty_engine)) as client:
        ready = await client.get("/readyz")
    assert ready.status_code == 503
    assert "0000old" in ready.json()["reason"]


@pytest.mark.anyio
async def test_an_unreachable_database_is_not_ready_and_the_reason_leaks_nothing(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}")
    try:
        async with serving(build_http_app(engine=engine)) as client:
            ready = await client.get("/readyz")
    finally:
        engine.dispose()
    assert ready.status_code == 503
    assert ready.json() == {"status": "not ready", "reason": "the database is unreachable"}


@pytest.mark.anyio
async def test_metrics_expose_paperboy_counters_in_prometheus_text(engine: Engine) -> None:
    DIGESTS.labels(platform="slack", outcome="posted").inc()
    async with serving(build_http_app(engine=engine)) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    lines = response.text.splitlines()
    assert any(
        line.startswith('paperboy_digests_total{outcome="posted",platform="slack"} ')
        for line in lines
    )
    for family in (
        "paperboy_papers_ingested_total",
        "paperboy_source_errors_total",
        "paperboy_digest_delivery_seconds",
        "paperboy_command_seconds",
    ):
        assert f"# TYPE {family.removesuffix('_total')}" in response.text


@pytest.mark.anyio
async def test_platform_routes_share_the_listener(engine: Engine) -> None:
    async def events(request: web.Request) -> web.Response:
        return web.json_response({"got": await request.text()})

    app = build_http_app(engine=engine, routes=[web.post("/slack/events", events)])
    async with serving(app) as client:
        response = await client.post("/slack/events", content="hello")
        health = await client.get("/healthz")
    assert response.json() == {"got": "hello"}
    assert health.status_code == 200


@pytest.mark.anyio
async def test_a_busy_port_fails_to_start_and_releases_everything(engine: Engine) -> None:
    first = await start_http_server(build_http_app(engine=engine), "127.0.0.1", 0)
    try:
        port = bound_port(first)
        with pytest.raises(UserError, match=f"cannot listen on 127.0.0.1:{port}"):
            await start_http_server(build_http_app(engine=engine), "127.0.0.1", port)
    finally:
        await first.cleanup()


@pytest.mark.anyio
async def test_readiness_probes_do_not_log_alembic_lines(
    engine: Engine, empty_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with serving(build_http_app(engine=engine)) as client:
        for _ in range(3):
            assert (await client.get("/readyz")).status_code == 200
    assert [r.getMessage() for r in caplog.records if r.name.startswith("alembic")] == []
    upgrade(empty_engine)  # a real migration still says what it runs
    assert any("Running upgrade" in r.getMessage() for r in caplog.records)
