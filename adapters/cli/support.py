"""What every ``paperboy`` CLI command shares: settings, exit codes, and error handling.

User mistakes print one friendly line and exit non-zero; bugs are logged with their traceback
and the user gets an apology (never exception text, which could leak a DSN or a token).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import typer

from adapters.composition import configure_logging
from adapters.logging_setup import configured_format
from adapters.settings import Settings, load_settings
from bot.errors import SourceUnavailable, UserError

log = logging.getLogger("paperboy")
T = TypeVar("T")

EXIT_USER_ERROR = 1
EXIT_SOURCE_DOWN = 2
EXIT_BUG = 70


def _settings() -> Settings:
    """The settings (see :func:`adapters.settings.load_settings`), logging configured; an
    invalid configuration ends the command with one line naming the variables."""
    settings = run_guarded(load_settings)
    configure_logging(settings.log_level, settings.log_format)
    return settings


def print_error(message: str) -> None:
    """One ``Error: …`` line on stderr, as every command reports a failure."""
    typer.echo(f"Error: {message}", err=True)


def print_result(message: str) -> None:
    """A command's answer: on stdout, or as an INFO event when logs are JSON (the container
    entrypoint's migration), so that such a log stays one JSON object per line."""
    if configured_format() == "json":
        log.info("%s", message)
    else:
        typer.echo(message)


def run_guarded(action: Callable[[], T], *, to_log: bool | None = None) -> T:
    """Run a command body; turn known failures into one clear line and an exit code.

    ``to_log`` (``serve``; by default whenever logs are JSON) writes that line as an ERROR
    event in the configured log format instead of plain text on stderr, so a JSON log stays
    one JSON object per line.
    """
    if to_log is None:
        to_log = configured_format() == "json"

    def report(line: str) -> None:
        if to_log:
            log.error("%s", line)
        else:
            print_error(line)

    try:
        return action()
    except UserError as exc:
        report(exc.friendly())
        raise typer.Exit(EXIT_USER_ERROR) from None
    except SourceUnavailable as exc:
        report(exc.message)
        raise typer.Exit(EXIT_SOURCE_DOWN) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception:
        log.exception("unexpected failure")
        if not to_log:
            typer.echo(
                "Sorry, something went wrong inside Paperboy; the details are in the log.",
                err=True,
            )
        raise typer.Exit(EXIT_BUG) from None
