"""Shared fixtures: a clean environment, a migrated database (SQLite or PostgreSQL), papers.

``PAPERBOY_TEST_DATABASE_URL`` picks the database; unset, each run uses a fresh SQLite file.
The schema comes from the real Alembic migrations once per session; every test starts from
empty tables.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import storage.all_models  # noqa: F401  # every table, so cleanup empties them all
from storage.database import make_engine, upgrade

# Real recorded payloads, copied byte-for-byte from shared/fixtures (see PROVENANCE.md there).
FIXTURES = Path(__file__).resolve().parent / "fixtures"
_TEST_URL = os.environ.get("PAPERBOY_TEST_DATABASE_URL", "")


def pytest_report_header() -> str:
    """Say which database this run uses, so a CI log shows both runs."""
    return f"paperboy test database: {_TEST_URL.split('@')[-1] if _TEST_URL else 'SQLite'}"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees a real token or the developer's own configuration. Search by meaning is
    off unless a test turns it on (``PAPERBOY_SEMANTIC=on``): running the model on every
    fetch would make the suite minutes slower, and tests/storage/test_semantic.py and
    tests/adapters/cli/test_semantic_cli.py cover it."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "DISCORD_", "PAPERBOY_", "HF_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PAPERBOY_SEMANTIC", "off")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of the test database for this run."""
    if _TEST_URL:
        return _TEST_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'paperboy-test.db'}"


@pytest.fixture(scope="session")
def migrated_engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database migrated with the real Alembic scripts."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    """The migrated engine, with every table emptied after the test."""
    yield migrated_engine
    with migrated_engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(text(f'DELETE FROM "{table.name}"'))


@pytest.fixture
def db_env(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, database_url: str, tmp_path: Path
) -> str:
    """Point ``PAPERBOY_DATABASE_URL`` at the test database and ``PAPERBOY_INDEX_DIR`` at a
    fresh directory (for CLI tests)."""
    monkeypatch.setenv("PAPERBOY_DATABASE_URL", database_url)
    monkeypatch.setenv("PAPERBOY_INDEX_DIR", str(tmp_path / "paperboy-index"))
    return database_url


def hf_fixture_files() -> list[Path]:
    """Every recorded Hugging Face Daily Papers payload in shared/fixtures."""
    return sorted((FIXTURES / "hf-daily-papers").glob("*.json"))


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio (discord.py and slack_sdk need it)."""
    return "asyncio"
