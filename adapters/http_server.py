"""The shared ``--http`` listener: health, readiness, metrics, and the platforms' routes.

One aiohttp application per process. Orchestrators probe ``/healthz`` (the process answers)
and ``/readyz`` (the database is reachable and its schema is this version's), Prometheus
scrapes ``/metrics``, and chat platforms mount their own routes (Slack events, OAuth) next to
them. Readiness never shows exception text: it can carry a DSN; the details go to the log.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from adapters.faults import unusable_port
from storage.database import current_revision, head_revision

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

log = logging.getLogger("paperboy.http")

READINESS_TIMEOUT_SECONDS = 5.0
LISTENER_STOP_SECONDS = 1.0


class _QuietInThisThread(logging.Filter):
    """Drops alembic's "Context impl …" / "Will assume … DDL" lines logged by a schema check
    in the current thread: an orchestrator probes /readyz every few seconds, and those two
    INFO lines per probe would bury everything else. Migrations elsewhere still log."""

    def __init__(self) -> None:
        super().__init__()
        self._local = threading.local()

    @contextmanager
    def active(self) -> Iterator[None]:
        self._local.quiet = True
        try:
            yield
        finally:
            self._local.quiet = False

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(self._local, "quiet", False)


_QUIET_SCHEMA_CHECK = _QuietInThisThread()
logging.getLogger("alembic.runtime.migration").addFilter(_QUIET_SCHEMA_CHECK)


def schema_problem(engine: Engine) -> str | None:
    """Why the schema is not this version's (``None`` when it is); blocking, use a thread.

    Raises whatever the driver raises when the database cannot be reached.
    """
    with _QUIET_SCHEMA_CHECK.active():
        current = current_revision(engine)
    head = head_revision()
    if current == head:
        return None
    if current is None:
        return "the database has no schema yet"
    return f"the database schema is at {current}, this version needs {head}"


async def _healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _readiness(engine: Engine) -> web.Response:
    try:
        problem = await asyncio.wait_for(
            asyncio.to_thread(schema_problem, engine), READINESS_TIMEOUT_SECONDS
        )
    except TimeoutError:
        log.warning("readiness: the database did not answer within %ss", READINESS_TIMEOUT_SECONDS)
        return web.json_response(
            {"status": "not ready", "reason": "the database did not answer in time"}, status=503
        )
    except Exception:
        log.warning("readiness: the database is unreachable", exc_info=True)
        return web.json_response(
            {"status": "not ready", "reason": "the database is unreachable"}, status=503
        )
    if problem is not None:
        reason = f"{problem}; run `paperboy db upgrade`"
        return web.json_response({"status": "not ready", "reason": reason}, status=503)
    return web.json_response({"status": "ready"})


async def _metrics(_request: web.Request) -> web.Response:
    body = await asyncio.to_thread(generate_latest, REGISTRY)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def build_http_app(*, engine: Engine, routes: Sequence[web.RouteDef] = ()) -> web.Application:
    """The listener's application: ``/healthz``, ``/readyz``, ``/metrics`` plus ``routes``."""

    async def readyz(_request: web.Request) -> web.Response:
        return await _readiness(engine)

    app = web.Application()
    app.add_routes(
        [
            web.get("/healthz", _healthz),
            web.get("/readyz", readyz),
            web.get("/metrics", _metrics),
            *routes,
        ]
    )
    return app


async def start_http_server(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Start serving ``app`` on ``host:port`` (0 picks a free port; see :func:`bound_port`).

    The caller owns the runner: ``await runner.cleanup()`` stops the listener. A port that
    cannot be bound is a one-line ``UserError`` with the fix.
    """
    # In-flight requests get a second when the listener stops (serve must stop within 10 s).
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=LISTENER_STOP_SECONDS)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:  # in use, privileged, no such address: the operator's to fix
        await runner.cleanup()
        raise unusable_port(host, port, exc).error() from None
    except BaseException:
        await runner.cleanup()
        raise
    log.info("HTTP listener on %s:%s", host, bound_port(runner))
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The TCP port the runner listens on (the real one when started with port 0)."""
    for address in runner.addresses:
        return int(address[1])
    raise RuntimeError("the HTTP listener is not started")
