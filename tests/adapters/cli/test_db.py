"""``paperboy db upgrade`` says what it did."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from typer.testing import CliRunner

from adapters.cli import app as cli
from adapters.cli.db import describe_upgrade
from storage.database import (
    SchemaUpgrade,
    _alembic_config,
    current_revision,
    head_revision,
    make_engine,
)

runner = CliRunner()


def test_a_new_database_is_created_then_found_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERBOY_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    first = runner.invoke(cli.app, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert f"Created the database schema at revision {head_revision()} (" in first.stdout
    assert "migrations)." in first.stdout
    again = runner.invoke(cli.app, ["db", "upgrade"])
    assert again.stdout.strip() == (
        f"The database schema is already up to date (revision {head_revision()})."
    )


def test_an_older_schema_is_upgraded_and_the_revisions_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    monkeypatch.setenv("PAPERBOY_DATABASE_URL", url)
    runner.invoke(cli.app, ["db", "upgrade"])
    engine = make_engine(url)
    command.downgrade(_alembic_config(engine), "-1")  # as if the newest migration were new
    before = current_revision(engine)
    engine.dispose()
    result = runner.invoke(cli.app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"Upgraded the database schema from revision {before} to {head_revision()} (1 migration)."
    )


def test_the_words_for_one_migration() -> None:
    assert describe_upgrade(SchemaUpgrade("0004", "0006", 1)) == (
        "Upgraded the database schema from revision 0004 to 0006 (1 migration)."
    )
