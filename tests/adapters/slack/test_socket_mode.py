"""Socket Mode, the self-host default: the app dials out, acks envelopes, answers /papers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from adapters.slack import SlackRuntime
from tests.adapters.slack.conftest import slash_fields
from tests.kit.core import FakeCore
from tests.kit.slack import FakeSlack

pytestmark = pytest.mark.anyio


async def test_socket_mode_slash_command_is_acked_and_answered(
    fake_slack: FakeSlack, core: FakeCore, make_runtime: Callable[..., SlackRuntime]
) -> None:
    runtime = make_runtime(app_token="xapp-1-test", signing_secret=None, mode_override=None)
    assert runtime.http_routes() == []  # nothing to expose: no public URL needed
    await runtime.start()
    try:
        (opened,) = fake_slack.called("apps.connections.open")
        assert opened.token == "xapp-1-test"
        await fake_slack.send_envelope(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": slash_fields(fake_slack, "list"),
            }
        )
        (ack,) = await fake_slack.wait_for("socket_ack")
        assert ack.body["envelope_id"] == "env-1"
        (answer,) = await fake_slack.wait_for("response/1")
        assert answer.body["text"] == "Done: list"
    finally:
        await runtime.stop()
