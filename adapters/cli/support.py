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
from adapters.settings import Settings
from bot.errors import SourceUnavailable, UserError

log = logging.getLogger("paperboy")
T = TypeVar("T")

EXIT_USER_ERROR = 1
EXIT_SOURCE_DOWN = 2
EXIT_BUG = 70


def _settings() -> Settings:
    settings = Settings()
    configure_logging(settings.log_level)
    return settings


def print_error(message: str) -> None:
    """One ``Error: …`` line on stderr, as every command reports a failure."""
    typer.echo(f"Error: {message}", err=True)


def run_guarded(action: Callable[[], T]) -> T:
    """Run a command body; turn known failures into one clear line and an exit code."""
    try:
        return action()
    except UserError as exc:
        print_error(exc.friendly())
        raise typer.Exit(EXIT_USER_ERROR) from None
    except SourceUnavailable as exc:
        print_error(exc.message)
        raise typer.Exit(EXIT_SOURCE_DOWN) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception:
        log.exception("unexpected failure")
        typer.echo(
            "Sorry, something went wrong inside Paperboy; the details are in the log.", err=True
        )
        raise typer.Exit(EXIT_BUG) from None
