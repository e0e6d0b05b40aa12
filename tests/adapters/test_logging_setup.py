"""Log lines as an operator reads and ships them: one event per line, context, no secrets."""

from __future__ import annotations

import ast
import io
import json
import logging
from collections.abc import Iterator

import pytest

from adapters.logging_setup import LogFormat, configure_logging, redact
from bot.chat import ChannelRef
from tests.deploy.conftest import ROOT

SLACK_BOT = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
DISCORD_BOT = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """Capture the configured handler's output; restore the root logger afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    out = io.StringIO()
    yield out
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_json_event_carries_chat_context_on_one_line(stream: io.StringIO) -> None:
    configure_logging("info", "json", stream=stream, environ={})
    logging.getLogger("paperboy.digest").info(
        "posted %d papers",
        5,
        extra={"platform": "slack", "workspace_id": "T01", "channel_id": "C42"},
    )
    [line] = lines(stream)
    event = json.loads(line)
    assert event["level"] == "INFO"
    assert event["logger"] == "paperboy.digest"
    assert event["message"] == "posted 5 papers"
    assert (event["platform"], event["workspace_id"], event["channel_id"]) == (
        "slack",
        "T01",
        "C42",
    )
    assert event["ts"].endswith("Z")


def test_a_traceback_stays_inside_its_one_event(stream: io.StringIO) -> None:
    configure_logging("INFO", "text", stream=stream, environ={})
    try:
        raise RuntimeError("first line\nsecond line")
    except RuntimeError:
        logging.getLogger("paperboy").exception("digest failed", extra={"channel_id": "C42"})
    [line] = lines(stream)
    assert line.split(" ")[1:4] == ["ERROR", "paperboy:", "digest"]
    assert "channel_id=C42" in line
    assert "RuntimeError: first line\\nsecond line" in line


def test_json_traceback_is_one_line_too(stream: io.StringIO) -> None:
    configure_logging("INFO", "json", stream=stream, environ={})
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("x").exception("failed")
    [line] = lines(stream)
    assert "ValueError: boom" in json.loads(line)["exception"]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_no_token_reaches_the_log_in_any_part_of_an_event(
    stream: io.StringIO, fmt: LogFormat
) -> None:
    configure_logging("DEBUG", fmt, stream=stream, environ={})
    log = logging.getLogger("slack_sdk")
    log.debug("token %s for %s", SLACK_BOT, "T01")
    log.info("Authorization: Bearer %s", "sk-live-abcdefghijklmnop")
    log.info("discord login with %s", DISCORD_BOT)
    log.info("app token xapp-1-A0123-456789-abcdef and refresh xoxe.xoxp-1-Mi0yLTEy")
    log.warning("cannot connect to postgresql://paperboy:hunter2@db:5432/paperboy")
    try:
        raise ConnectionError(f"auth failed for {SLACK_BOT}")
    except ConnectionError:
        log.exception("call failed")
    output = stream.getvalue()
    for secret in (SLACK_BOT, "sk-live-abcdefghijklmnop", DISCORD_BOT, "xapp-1", "xoxe", "hunter2"):
        assert secret not in output
    assert "postgresql://paperboy:[REDACTED]@db:5432/paperboy" in output
    assert len(lines(stream)) == 6


def test_shapeless_secrets_from_the_environment_are_scrubbed(stream: io.StringIO) -> None:
    configure_logging(
        "INFO", "text", stream=stream, environ={"SLACK_SIGNING_SECRET": "8f742231b10e8888abcd"}
    )
    logging.getLogger("x").info("verifying with %s", "8f742231b10e8888abcd")
    assert "8f742231b10e8888abcd" not in stream.getvalue()
    assert "verifying with [REDACTED]" in stream.getvalue()


def test_reconfiguring_replaces_the_handler_instead_of_doubling_lines(stream: io.StringIO) -> None:
    configure_logging("INFO", "text", stream=stream, environ={})
    configure_logging("INFO", "json", stream=stream, environ={})
    logging.getLogger("x").info("once")
    assert len(lines(stream)) == 1
    assert json.loads(lines(stream)[0])["message"] == "once"


def test_level_filters_and_bad_settings_are_named(stream: io.StringIO) -> None:
    configure_logging("warning", "text", stream=stream, environ={})
    logging.getLogger("x").info("hidden")
    assert stream.getvalue() == ""
    with pytest.raises(ValueError, match="DEBUG, INFO"):
        configure_logging("verbose", "text", stream=stream, environ={})
    with pytest.raises(ValueError, match="text, json"):
        configure_logging("INFO", "yaml", stream=stream, environ={})  # type: ignore[arg-type]  # on purpose


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        (
            "https://discord.com/api/webhooks/123/abcDEF_-x",
            "https://discord.com/api/webhooks/123/[REDACTED]",
        ),
        (
            "https://hooks.slack.com/services/T0/B0/XyZ",
            "https://hooks.slack.com/services/[REDACTED]",
        ),
        ("Authorization: Bot abcdefghijkl", "Authorization: Bot [REDACTED]"),
        ("arXiv 2405.12345v2 and cs.LG stay", "arXiv 2405.12345v2 and cs.LG stay"),
        (
            "https://huggingface.co/api/daily_papers?date=2026-05-08",
            "https://huggingface.co/api/daily_papers?date=2026-05-08",
        ),
    ],
)
def test_redact_keeps_ordinary_text(dirty: str, clean: str) -> None:
    assert redact(dirty) == clean


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_every_extra_field_reaches_the_line_context_first_and_scrubbed(
    stream: io.StringIO, fmt: LogFormat
) -> None:
    configure_logging("INFO", fmt, stream=stream, environ={})
    channel = ChannelRef("slack", "C42", "T01")
    logging.getLogger("paperboy.slack").warning(
        "post failed",
        extra={
            "reason": f"token {SLACK_BOT} was revoked",
            "status": 403,
            **channel.log_fields(),
            "verb": "digest",
        },
    )
    [line] = lines(stream)
    assert SLACK_BOT not in line
    if fmt == "json":
        event = json.loads(line)
        assert list(event)[4:] == [
            "platform", "workspace_id", "channel_id", "reason", "status", "verb"
        ]  # fmt: skip
        assert event["status"] == 403
        assert event["reason"] == "token [REDACTED] was revoked"
    else:
        assert line.endswith(
            "post failed platform=slack workspace_id=T01 channel_id=C42 "
            'reason="token [REDACTED] was revoked" status=403 verb=digest'
        )


def test_log_calls_use_the_shared_context_names() -> None:
    """``channel``/``team_id``/``guild`` were dropped by the formatter and named the same
    thing three ways; every ``extra=`` now says platform, workspace_id, channel_id."""
    retired = {"channel", "team_id", "guild", "team", "guild_id"}
    offenders = []
    for package in ("bot", "adapters", "storage"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.keyword) and node.arg == "extra"):
                    continue
                if isinstance(node.value, ast.Dict):
                    keys = {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
                    offenders += [f"{path.name}: {key}" for key in keys & retired]
    assert offenders == []
