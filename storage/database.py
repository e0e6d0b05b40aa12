"""Engine set-up and the schema's Alembic lifecycle."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine, text

DEFAULT_DATABASE_URL = "sqlite:///paperboy.db"
_MIGRATIONS = Path(__file__).parent / "migrations"
_ADVISORY_LOCK_KEY = 0x7061_7065  # "pape": one key for "migrations running"


def normalise_url(url: str) -> str:
    """Accept the common ``postgres://`` / ``postgresql://`` forms and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str = DEFAULT_DATABASE_URL) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and a busy timeout for replicas."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]  # DB-API object
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One session per unit of work: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["engine"] = engine
    return config


@dataclass(frozen=True, slots=True)
class SchemaUpgrade:
    """What :func:`upgrade` did: from ``before`` (None: an empty database) to ``after``."""

    before: str | None
    after: str | None
    steps: int


def upgrade(engine: Engine) -> SchemaUpgrade:
    """Bring the schema to the newest migration; say which revisions it went through.

    On PostgreSQL an advisory lock serialises replicas that start together: the first runs
    the migrations, the others wait and then find nothing to do.
    """
    config = _alembic_config(engine)
    if engine.dialect.name == "postgresql":
        with engine.connect() as lock_conn:
            lock_conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _ADVISORY_LOCK_KEY})
            try:
                return _upgrade_to_head(engine, config)
            finally:
                lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _ADVISORY_LOCK_KEY})
                lock_conn.commit()
    return _upgrade_to_head(engine, config)


def _upgrade_to_head(engine: Engine, config: Config) -> SchemaUpgrade:
    before = current_revision(engine)
    command.upgrade(config, "head")
    after = current_revision(engine)
    if before == after:
        return SchemaUpgrade(before, after, 0)
    script = ScriptDirectory.from_config(config)
    steps = len(list(script.iterate_revisions(after, before or "base")))
    return SchemaUpgrade(before, after, steps)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with this version of Paperboy."""
    return ScriptDirectory(str(_MIGRATIONS)).get_current_head()


def is_current(engine: Engine) -> bool:
    """Whether the database schema matches this version's newest migration."""
    return current_revision(engine) == head_revision()
