"""Faults an operator fixes outside Paperboy — the database, its driver, a port — each as one
line with the fix.

``paperboy doctor`` reports these as failed checks and every other command (``serve``
included) stops with the same line instead of a traceback, so the wording lives here once.
Database URLs are shown with their password scrubbed.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from adapters.logging_setup import redact
from bot.errors import UserError
from storage.database import make_engine

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

DATABASE_FIX = "start the database or correct PAPERBOY_DATABASE_URL"
MIGRATE_FIX = "run `paperboy db upgrade`"
_DRIVER_FIX = "pip install 'paperboy[postgres]'"


@dataclass(frozen=True)
class Fault:
    """What is wrong (``detail``) and what to do about it (``fix``)."""

    detail: str
    fix: str

    def line(self) -> str:
        """``detail — fix: fix``, the one line both doctor and the commands show."""
        return f"{self.detail} — fix: {self.fix}"

    def error(self) -> UserError:
        """The fault as the error a command stops with."""
        return UserError(self.line())


def first_line(exc: BaseException) -> str:
    """``DriverError: first line`` — the driver's own error rather than SQLAlchemy's wrapper,
    scrubbed of secrets."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return redact(f"{type(cause).__name__}: {lines[0] if lines else ''}".rstrip(": "))


def missing_driver(exc: ModuleNotFoundError) -> Fault:
    """The database driver (psycopg) is not installed."""
    return Fault(f"{exc.name or 'the database driver'} is not installed", _DRIVER_FIX)


def unreachable_database(url: str, exc: BaseException) -> Fault:
    """The database did not answer (down, wrong host or port, bad password...)."""
    return Fault(f"cannot reach {redact(url)}: {first_line(exc)}", DATABASE_FIX)


def not_a_database_url(url: str, exc: BaseException) -> Fault:
    """``PAPERBOY_DATABASE_URL`` is not something SQLAlchemy can connect to."""
    return Fault(f"{redact(url)} is not a database URL ({type(exc).__name__})", DATABASE_FIX)


def unusable_port(host: str, port: int, exc: OSError) -> Fault:
    """The HTTP listener cannot bind (in use, privileged, no such address)."""
    # asyncio's strerror repeats the address; the errno's own text is the reason.
    reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
    return Fault(
        f"cannot listen on {host}:{port} ({reason})",
        "stop whatever uses that port, or choose another with --port (and --host)",
    )


def engine_or_fault(url: str) -> Engine | Fault:
    """An engine for ``url``, or why there cannot be one (a missing driver, a malformed URL)."""
    try:
        return make_engine(url)
    except ModuleNotFoundError as exc:
        return missing_driver(exc)
    except Exception as exc:
        return not_a_database_url(url, exc)


def open_database(url: str) -> Engine:
    """An engine for ``url``, connected once: a missing driver, a malformed URL or an
    unreachable database is a :class:`UserError` with the fix, before any command starts."""
    engine = engine_or_fault(url)
    if isinstance(engine, Fault):
        raise engine.error()
    try:
        with engine.connect():
            pass
    except Exception as exc:
        engine.dispose()
        log.debug("database unreachable", exc_info=True)
        raise unreachable_database(url, exc).error() from None
    return engine
