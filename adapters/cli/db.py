"""``paperboy db …``: the database schema."""

from __future__ import annotations

import typer

from adapters.cli.lazy import MARKUP_MODE
from adapters.cli.support import _settings, print_result, run_guarded
from adapters.faults import open_database
from storage.database import SchemaUpgrade, upgrade

db_app = typer.Typer(
    help="Manage the database schema.", no_args_is_help=True, rich_markup_mode=MARKUP_MODE
)


def describe_upgrade(done: SchemaUpgrade) -> str:
    """What ``db upgrade`` did, in words: created, upgraded from X to Y, or nothing to do."""
    if done.steps == 0:
        return f"The database schema is already up to date (revision {done.after})."
    plural = "migration" if done.steps == 1 else "migrations"
    if done.before is None:
        return f"Created the database schema at revision {done.after} ({done.steps} {plural})."
    return (
        f"Upgraded the database schema from revision {done.before} to {done.after} "
        f"({done.steps} {plural})."
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version."""
    settings = _settings()

    def action() -> SchemaUpgrade:
        engine = open_database(settings.database_url)
        try:
            return upgrade(engine)
        finally:
            engine.dispose()

    print_result(describe_upgrade(run_guarded(action)))
