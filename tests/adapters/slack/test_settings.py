"""Slack settings: read from the environment, and a missing variable is named at start-up."""

from __future__ import annotations

import pytest

from adapters.slack import SlackMode, SlackSettings
from bot.errors import UserError


def test_socket_mode_is_the_default_when_an_app_token_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")

    settings = SlackSettings()

    settings.check()
    assert settings.mode is SlackMode.SOCKET
    assert settings.api_base_url == "https://slack.com/api/"
    assert "xoxb-1" not in repr(settings)  # tokens never end up in a log line


def test_api_url_comes_from_paperboy_slack_api_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERBOY_SLACK_API_URL", "http://127.0.0.1:9999/api")

    assert SlackSettings().api_base_url == "http://127.0.0.1:9999/api/"


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1.2"}, "SLACK_CLIENT_SECRET"),
        ({"PAPERBOY_SLACK_MODE": "socket", "SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
    ],
)
def test_missing_variable_is_named(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], missing: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(UserError) as raised:
        SlackSettings().check()

    assert missing in raised.value.message


def test_slack_is_off_until_a_token_or_client_id_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not SlackSettings().enabled

    monkeypatch.setenv("SLACK_CLIENT_ID", "1.2")

    assert SlackSettings().enabled
