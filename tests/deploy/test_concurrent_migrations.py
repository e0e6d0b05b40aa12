"""Replicas starting together on one PostgreSQL: all come up, the migrations run once."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import make_url, text

from storage.database import (
    _ADVISORY_LOCK_KEY,
    head_revision,
    make_engine,
)
from storage.database import (
    _MIGRATIONS as MIGRATIONS,
)
from tests.deploy.conftest import ROOT

# What each replica runs on start, with Alembic's "Running upgrade" lines on stderr.
REPLICA = """
import logging, sys
logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
from storage.database import make_engine, upgrade
engine = make_engine(sys.argv[1])
try:
    upgrade(engine)
finally:
    engine.dispose()
"""


@pytest.fixture
def fresh_schema_url(database_url: str) -> Iterator[str]:
    """A URL whose search_path is a brand-new, empty schema (dropped afterwards)."""
    if not database_url.startswith(("postgresql", "postgres")):
        pytest.skip("advisory locks are PostgreSQL's; set PAPERBOY_TEST_DATABASE_URL to run this")
    schema = f"paperboy_race_{uuid.uuid4().hex[:12]}"
    admin = make_engine(database_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(database_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_two_replicas_migrating_at_once_both_succeed_and_migrate_once(
    fresh_schema_url: str,
) -> None:
    holder = make_engine(fresh_schema_url)
    replicas: list[subprocess.Popen[str]] = []
    try:
        with holder.connect() as conn:
            # Hold the migration lock, so both replicas are surely waiting on it at once.
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _ADVISORY_LOCK_KEY})
            baseline = waiting_for_lock(conn)
            replicas = [
                subprocess.Popen(
                    [sys.executable, "-c", REPLICA, fresh_schema_url],
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(2)
            ]
            while waiting_for_lock(conn) < baseline + 2:
                assert all(r.poll() is None for r in replicas), "a replica exited early"
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _ADVISORY_LOCK_KEY})
            conn.commit()
        outputs = [replica.communicate(timeout=120) for replica in replicas]
        with holder.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    finally:
        for replica in replicas:
            if replica.poll() is None:
                replica.kill()
                replica.communicate()
        holder.dispose()
    for replica, (_, err) in zip(replicas, outputs, strict=True):
        assert replica.returncode == 0, err
    runs = [[line for line in err.splitlines() if "Running upgrade" in line] for _, err in outputs]
    migrated = [lines for lines in runs if lines]
    assert len(migrated) == 1, runs  # one replica ran the migrations, the other found none to run
    assert len(migrated[0]) == len(revisions()), migrated  # each revision ran exactly once
    assert versions == [head_revision()]


def revisions() -> list[str]:
    """Every revision shipped, from the migration scripts."""
    from alembic.script import ScriptDirectory

    return [rev.revision for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions()]


def waiting_for_lock(conn: object) -> int:
    """How many sessions wait for an advisory lock right now."""
    query = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    return int(conn.execute(query).scalar_one())  # type: ignore[attr-defined]  # a Connection
