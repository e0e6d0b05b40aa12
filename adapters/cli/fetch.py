"""``paperboy fetch …``: the sources, each in its own module, imported when it runs."""

from __future__ import annotations

import typer

from adapters.cli.lazy import MARKUP_MODE, LazyCommand, lazy_group

SOURCES = {
    "hf": LazyCommand(
        "adapters.cli.hf:fetch_hf",
        "Fetch Hugging Face Daily Papers (latest day by default) into the library.",
    ),
    "arxiv": LazyCommand(
        "adapters.cli.arxiv:fetch_arxiv",
        "Fetch arXiv papers (today's announcements by category, or by id) into the library.",
    ),
}

fetch_app = typer.Typer(
    cls=lazy_group(SOURCES),
    help="Fetch papers from a source into the library.",
    no_args_is_help=True,
    rich_markup_mode=MARKUP_MODE,
)


@fetch_app.callback()
def fetch() -> None:
    """Fetch papers from a source into the library."""
