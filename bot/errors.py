"""One small error hierarchy for the whole core.

A :class:`UserError` is the user's mistake or a condition they can act on: its ``message`` is
safe to show in a channel. Anything else is a bug: it is logged and the user gets an apology,
never the exception text (which could leak a DSN or a token).
"""

from __future__ import annotations


class PaperboyError(Exception):
    """Base class of every error Paperboy raises on purpose."""


class UserError(PaperboyError):
    """A problem the user can fix; ``message`` is friendly and safe to show in a channel."""

    def __init__(self, message: str, *, example: str | None = None) -> None:
        self.message = message
        self.example = example
        super().__init__(message)

    def friendly(self) -> str:
        """The message plus, when there is one, a correct example to copy."""
        if self.example:
            return f"{self.message}\nExample: {self.example}"
        return self.message


class SourceUnavailable(PaperboyError):
    """A paper source stayed down after retries; ``message`` says which and why."""

    def __init__(self, source: str, message: str) -> None:
        self.source = source
        self.message = message
        super().__init__(f"{source}: {message}")


class BadPayload(UserError):
    """A body that is not what the source should send (truncated JSON, no papers block...)."""
