"""``paperboy db …``: the database schema."""

from __future__ import annotations

import typer

from adapters.cli.support import _settings, run_guarded
from storage.database import make_engine, upgrade

db_app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version."""
    settings = _settings()

    def action() -> None:
        engine = make_engine(settings.database_url)
        try:
            upgrade(engine)
        finally:
            engine.dispose()

    run_guarded(action)
    typer.echo("Database schema is up to date.")
