"""Anyone can POST to /slack/events: junk is refused with 400/401 and one WARNING line — never
a 500 with an ERROR traceback (a log anyone could flood)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk.signature import SignatureVerifier

from adapters.slack import SlackRuntime
from tests.adapters.slack.conftest import SIGNING_SECRET, Listener, slash_fields
from tests.kit.core import FakeCore
from tests.kit.slack import FakeSlack

pytestmark = pytest.mark.anyio


def signed(body: bytes) -> dict[str, str]:
    """Headers Slack would send with ``body`` (signed over the raw bytes)."""
    ts = str(int(time.time()))
    digest = SignatureVerifier(SIGNING_SECRET).generate_signature(
        timestamp=ts, body=body.decode("utf-8", "replace")
    )
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": str(digest)}


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        (
            {"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": "v0=00"},
            b"command=%2Fpapers&text=list",
            401,
        ),
        (
            {"X-Slack-Request-Timestamp": "１２３", "X-Slack-Signature": "v0=00"},  # not ASCII
            b"command=%2Fpapers",
            401,
        ),
        ({"Content-Type": "application/json"}, b"{not json", 401),
        ({"X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=ab"}, b"\xff\xfe", 401),
        (None, b'{"type": "event_callback", "event": ', 400),  # signed, but cut off
        (None, b"payload=%7Bbroken", 400),  # signed form with a broken JSON payload
    ],
)
async def test_malformed_or_unsigned_events_are_refused_with_one_warning(
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: Callable[[SlackRuntime], Any],
    core: FakeCore,
    caplog: pytest.LogCaptureFixture,
    headers: dict[str, str] | None,
    body: bytes,
    status: int,
) -> None:
    listener: Listener = await serve_runtime(make_runtime())
    sent = headers if headers is not None else {"Content-Type": "application/json", **signed(body)}
    caplog.set_level(logging.INFO)

    response = await listener.session.post(f"{listener.url}/slack/events", data=body, headers=sent)

    assert response.status == status
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.levelname for r in warnings] == ["WARNING"]
    assert warnings[0].getMessage().startswith("slack request refused: ")
    assert warnings[0].exc_info is None
    assert core.handled == []


async def test_a_signed_command_still_goes_through(
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: Callable[[SlackRuntime], Any],
    core: FakeCore,
    fake_slack: FakeSlack,
) -> None:
    listener: Listener = await serve_runtime(make_runtime())
    response = await listener.post_signed("/slack/events", slash_fields(fake_slack, "list"))
    assert response.status == 200
    (answer,) = await fake_slack.wait_for("response/1")
    assert answer.body["text"] == "Done: list"
