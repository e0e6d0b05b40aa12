"""``paperboy index …``: look after this replica's search index and the papers' vectors
(both derived from the database)."""

from __future__ import annotations

import sys
import time

import typer

from adapters.cli.lazy import MARKUP_MODE
from adapters.cli.support import _settings, run_guarded
from adapters.composition import open_library
from bot.errors import UserError

index_app = typer.Typer(
    help="Manage the search index and vectors.",
    no_args_is_help=True,
    rich_markup_mode=MARKUP_MODE,
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
    """Say where the index is, whether it is in step with the database, and how many papers
    still lack a vector (they are found by their words until they have one)."""
    settings = _settings()

    def action() -> str:
        with open_library(settings) as library:
            lines = [
                f"Search index {library.index.directory}: {library.index.size} papers; "
                f"database: {library.papers.count()} papers."
            ]
            if library.semantic is None:
                lines.append(f"Search by meaning: off — {library.semantic_problem}.")
            else:
                missing = library.semantic.store.count_missing()
                lines.append(
                    f"Vectors: {library.semantic.store.count()} papers; {missing} without a "
                    "vector" + (" (run: paperboy index embed)." if missing else ".")
                )
            return "\n".join(lines)

    typer.echo(run_guarded(action))


@index_app.command("embed")
def embed() -> None:
    """Compute the vectors of every paper that has none yet (search by meaning). Safe to
    stop at any time: a rerun carries on where it stopped."""
    settings = _settings()

    def action() -> str:
        started = time.perf_counter()
        with open_library(settings) as library:
            semantic = library.semantic
            if semantic is None:
                raise UserError(
                    f"Search by meaning is off: {library.semantic_problem}.",
                    example="paperboy doctor",
                )
            missing = semantic.store.count_missing()
            if missing == 0:
                return "Every paper has a vector."
            with typer.progressbar(length=missing, label="Embedding", file=sys.stderr) as bar:
                done = semantic.backfill(library.papers.get_papers, on_progress=bar.update)
        seconds = time.perf_counter() - started
        return f"Embedded {done} papers in {seconds:.0f} s ({done / max(seconds, 1e-9):.1f}/s)."

    typer.echo(run_guarded(action))
