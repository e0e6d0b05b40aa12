"""The ``paperboy`` command tree: this module only names the commands and where they live.

Each command lives in its own module as a plain function or a sub-app — ``doctor``,
``library`` (``search``, ``digest``), ``channels`` (``command``, ``serve``), ``chat``, ``db``,
``fetch`` (``hf``, ``arxiv``), ``index`` — imported only when it runs (see
:mod:`adapters.cli.lazy`), so ``paperboy --help`` starts fast. None of them imports this
module. Shared error handling: :mod:`adapters.cli.support`; entry point:
:func:`adapters.cli.main`.
"""

from __future__ import annotations

import typer

from adapters.cli import main
from adapters.cli.lazy import MARKUP_MODE, LazyCommand, lazy_group

__all__ = ["COMMANDS", "app", "main"]  # main: for installs whose script still points here

COMMANDS = {
    "doctor": LazyCommand(
        "adapters.cli.doctor:doctor",
        "Check configuration, database, migrations, platform tokens and sources.",
    ),
    "search": LazyCommand(
        "adapters.cli.library:search",
        "Search the library; each result says why it was picked.",
        # A query may start with "-" (paperboy search -vision diffusion): words that look
        # like options but are not ours are query text, not an error.
        context_settings={"ignore_unknown_options": True},
    ),
    "digest": LazyCommand(
        "adapters.cli.library:digest",
        "Print a digest for topics, or build (and with --post, post) a channel's digest now.",
    ),
    "feedback": LazyCommand(
        "adapters.cli.feedback:feedback",
        "Vote on a paper in a channel, as its buttons do; `more` also lists similar papers.",
    ),
    "command": LazyCommand(
        "adapters.cli.channels:command",
        "Run any /papers command against a channel, without a chat platform.",
    ),
    "chat": LazyCommand(
        "adapters.cli.chat:chat",
        "Type /papers commands in a terminal and see the replies, without a chat platform.",
    ),
    "serve": LazyCommand(
        "adapters.cli.channels:serve",
        "Run the scheduler and the chosen platforms until stopped (SIGTERM or Ctrl-C).",
    ),
    "db": LazyCommand("adapters.cli.db:db_app", "Manage the database schema."),
    "fetch": LazyCommand(
        "adapters.cli.fetch:fetch_app", "Fetch papers from a source into the library."
    ),
    "index": LazyCommand(
        "adapters.cli.index:index_app",
        "Manage the search index and vectors.",
    ),
    "channels": LazyCommand(
        "adapters.cli.history:channels",
        "List channels: topics, schedule, next digest, last outcome, why paused.",
    ),
    "deliveries": LazyCommand(
        "adapters.cli.history:deliveries",
        "Show a channel's digests, newest first: when, key, status, attempts, papers, error.",
    ),
    "why": LazyCommand(
        "adapters.cli.why:why",
        "Say why a paper did or did not reach a channel, one reason per line.",
    ),
}

app = typer.Typer(
    cls=lazy_group(COMMANDS),
    help="Paperboy delivers ranked research papers to team channels.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=MARKUP_MODE,
)


@app.callback()
def paperboy() -> None:
    """Paperboy delivers ranked research papers to team channels."""
