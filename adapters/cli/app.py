"""The ``paperboy`` command tree: this module only registers the commands.

Each command lives in its own module (``hf``, ``arxiv``, ``library``, ``channels``, ``db``,
``index``, ``doctor``) as a plain function or a sub-app; none of them imports this one, so
there is no import circle. Error handling shared by every command lives in
:mod:`adapters.cli.support`; the console-script entry point is :func:`adapters.cli.main`.
"""

from __future__ import annotations

import typer

from adapters.cli import arxiv, channels, hf, library, main
from adapters.cli.db import db_app
from adapters.cli.doctor import doctor
from adapters.cli.index import index_app

__all__ = ["app", "main"]  # main: for installs whose `paperboy` script still points here

app = typer.Typer(
    help="Paperboy delivers ranked research papers to team channels.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
fetch_app = typer.Typer(help="Fetch papers from a source into the library.", no_args_is_help=True)
fetch_app.command("hf")(hf.fetch_hf)
fetch_app.command("arxiv")(arxiv.fetch_arxiv)

app.command()(doctor)
app.command(context_settings=library.SEARCH_CONTEXT)(library.search)
app.command()(library.digest)
app.command("command")(channels.command)
app.command("serve")(channels.serve)
app.add_typer(db_app, name="db")
app.add_typer(fetch_app, name="fetch")
app.add_typer(index_app, name="index")
