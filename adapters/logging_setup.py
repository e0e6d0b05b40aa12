"""Process logging: one event per line (text or JSON), with chat context, never a token.

Operators grep and ship these lines, so an event must never span lines (tracebacks are folded
into the event) and must never carry a secret: a filter on the handler scrubs anything shaped
like a Slack or Discord token, a ``Bearer`` credential, a webhook secret or a DSN password,
plus the exact values of the secret variables this process was started with.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Literal, TextIO

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# Where an event happened: the names every ``extra=`` uses (``ChannelRef.log_fields()``),
# written first. Any other ``extra=`` key (``reason``, ``verb``, ``status``…) follows them.
CONTEXT_FIELDS = ("platform", "workspace_id", "channel_id")
# What every LogRecord carries; anything else on a record came from ``extra=``.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}
# Variables whose values are secrets with no recognisable shape (signing secrets).
SECRET_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_SECRET",
    "DISCORD_BOT_TOKEN",
)
REDACTED = "[REDACTED]"

_TOKEN_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Slack bot/user/refresh tokens (xoxb-, xoxp-, xoxe-, xoxe.xoxp-) and app tokens (xapp-).
    (re.compile(r"\bxox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]+"), REDACTED),
    (re.compile(r"\bxapp-[A-Za-z0-9-]+"), REDACTED),
    # Discord bot tokens: three base64url parts (user id, timestamp, HMAC).
    (re.compile(r"\b[A-Za-z0-9_-]{23,}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"), REDACTED),
    (re.compile(r"(?i)\b(Bearer|Bot)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\1 {REDACTED}"),
    # Webhook URLs carry their secret in the path.
    (re.compile(r"(/api/webhooks/\d+/)[A-Za-z0-9_-]+"), rf"\1{REDACTED}"),
    (re.compile(r"(hooks\.slack\.com/services/)[A-Za-z0-9/]+"), rf"\1{REDACTED}"),
    # user:password@ in any URL or DSN (postgresql://paperboy:secret@db/...).
    (re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)[^@\s]+@"), rf"\1{REDACTED}@"),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every token-shaped string and every given secret value replaced."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _TOKEN_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def secrets_from_environment(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The values of the secret variables that are set (short ones would redact too much)."""
    return tuple(v for name in SECRET_VARIABLES if len(v := environ.get(name, "")) >= 8)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (with its args merged in) so no secret reaches a handler."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = tuple(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        """Merge args into the message, then scrub it; the record is always kept."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string still gets logged, scrubbed
            message = f"{record.msg} {record.args}"
        record.msg = redact(message, self._secrets)
        record.args = None
        for field, value in extra_fields(record).items():
            if isinstance(value, (bool, int, float)) or value is None:
                continue
            setattr(record, field, redact(str(value), self._secrets))
        return True


def extra_fields(record: logging.LogRecord) -> dict[str, object]:
    """The fields a log call passed with ``extra=``, the chat context first."""
    found = {
        key: value
        for key, value in vars(record).items()
        if key not in _RECORD_ATTRIBUTES and not key.startswith("_")
    }
    context = {key: found.pop(key) for key in CONTEXT_FIELDS if key in found}
    return context | found


def _one_line(text: str) -> str:
    return text.replace("\r", "").replace("\n", "\\n")


def _text_value(value: object) -> str:
    """``value`` as it reads after ``key=``: quoted when it holds spaces, quotes or ``=``."""
    text = str(value)
    if not text or any(c.isspace() or c in '"=' for c in text):
        return _one_line(json.dumps(text, ensure_ascii=False))
    return text


class _EventFormatter(logging.Formatter):
    """Shared behaviour: folded tracebacks and scrubbed exception text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = tuple(secrets)

    def _exception(self, record: logging.LogRecord) -> str | None:
        if record.exc_info:
            return redact(self.formatException(record.exc_info), self._secrets)
        if record.stack_info:
            return redact(self.formatStack(record.stack_info), self._secrets)
        return None

    @staticmethod
    def _fields(record: logging.LogRecord) -> dict[str, object]:
        return {key: value for key, value in extra_fields(record).items() if value is not None}

    @staticmethod
    def _timestamp(record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(_EventFormatter):
    """``ts LEVEL logger: message key=value ...`` on one line (every ``extra=`` field)."""

    def format(self, record: logging.LogRecord) -> str:
        """One human-readable line."""
        parts = [
            self._timestamp(record),
            record.levelname,
            f"{record.name}:",
            _one_line(record.getMessage()),
        ]
        parts += [f"{key}={_text_value(value)}" for key, value in self._fields(record).items()]
        if (exception := self._exception(record)) is not None:
            parts.append(_one_line(exception))
        return " ".join(parts)


class JsonFormatter(_EventFormatter):
    """One JSON object per line: ts, level, logger, message, every ``extra=`` field (chat
    context first), exception."""

    def format(self, record: logging.LogRecord) -> str:
        """One JSON line."""
        event: dict[str, object] = {
            "ts": self._timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in self._fields(record).items():
            event.setdefault(key, value if isinstance(value, (bool, int, float)) else str(value))
        if (exception := self._exception(record)) is not None:
            event["exception"] = exception
        return json.dumps(event, ensure_ascii=False)


class _PaperboyHandler(logging.StreamHandler[TextIO]):
    """The handler this module installs (reconfiguring replaces only ours).

    Without an explicit stream it writes to whatever ``sys.stderr`` is at emit time, so a
    replaced stderr (test runners, daemonizers) never leaves it writing to a closed file.
    """

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__(sys.stderr if stream is None else stream)
        self._follow_stderr = stream is None

    def emit(self, record: logging.LogRecord) -> None:
        """Write one line to the current stream."""
        if self._follow_stderr:
            self.stream = sys.stderr
        super().emit(record)


def configure_logging(
    level: str,
    fmt: LogFormat = "text",
    *,
    stream: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Send every log event to ``stream`` (stderr) as one scrubbed line in ``fmt``.

    Safe to call again: the handler installed last time is replaced, others are left alone.
    Raises ``ValueError`` for an unknown level or format, naming the valid ones.
    """
    name = level.strip().upper()
    if name not in LOG_LEVELS:
        raise ValueError(f"unknown log level {level!r}; use one of {', '.join(LOG_LEVELS)}")
    if fmt not in LOG_FORMATS:
        raise ValueError(f"unknown log format {fmt!r}; use one of {', '.join(LOG_FORMATS)}")
    global _configured_format
    secrets = secrets_from_environment(os.environ if environ is None else environ)
    handler = _PaperboyHandler(stream)
    handler.addFilter(RedactingFilter(secrets))
    handler.setFormatter(JsonFormatter(secrets) if fmt == "json" else TextFormatter(secrets))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _PaperboyHandler)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(name)
    _configured_format = fmt


_configured_format: LogFormat | None = None


def configured_format() -> LogFormat | None:
    """The format :func:`configure_logging` last installed (None before it ran)."""
    return _configured_format
