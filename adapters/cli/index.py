"""``paperboy index …``: look after this replica's search index (derived from the database)."""

from __future__ import annotations

import time

import typer

from adapters.cli.lazy import MARKUP_MODE
from adapters.cli.support import _settings, run_guarded
from adapters.composition import open_library

index_app = typer.Typer(
    help="Manage this replica's search index.", no_args_is_help=True, rich_markup_mode=MARKUP_MODE
)


@index_app.command("rebuild")
def rebuild() -> None:
    """Rebuild the search index from the database (safe at any time; searches keep working)."""
    settings = _settings()

    def action() -> tuple[int, float]:
        started = time.perf_counter()
        with open_library(settings) as library:
            written = library.index.rebuild(library.papers.iter_papers())
        return written, time.perf_counter() - started

    written, seconds = run_guarded(action)
    typer.echo(f"Search index rebuilt: {written} papers in {seconds:.1f} s.")


@index_app.command("status")
def status() -> None:
    """Say where the index is and whether it is in step with the database."""
    settings = _settings()

    def action() -> str:
        with open_library(settings) as library:
            return (
                f"Search index {library.index.directory}: {library.index.size} papers; "
                f"database: {library.papers.count()} papers."
            )

    typer.echo(run_guarded(action))
