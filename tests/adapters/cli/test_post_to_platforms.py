"""``paperboy digest --channel slack:… / discord:… --post`` posts through the channel's own
platform (its Web API / REST only, no Socket Mode or gateway), against the local fakes."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from adapters.cli import app as cli
from tests.kit.discord import CHANNEL_ID, running_fake_discord
from tests.kit.slack import running_fake_slack

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout, result.stderr


def follow_scaling(channel: str) -> None:
    """The library from the bundled sample; ``channel`` follows "scaling" over all of it."""
    assert run("fetch", "hf", "--sample")[0] == 0
    for text in ("subscribe scaling", "settings window all"):
        code, out, err = run("command", text, "--channel", channel)
        assert code == 0, out + err


def test_the_cli_posts_a_digest_to_slack_with_the_bot_token(
    db_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_fake_slack() as slack:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-cli-token")
        monkeypatch.setenv("PAPERBOY_SLACK_API_URL", slack.api_url)
        follow_scaling("slack:C123")

        code, out, err = run("digest", "--channel", "slack:C123", "--post")

        assert code == 0, out + err
        assert out.startswith("Posted "), out
        (post,) = slack.delivered()
    assert post.channel == "C123"
    assert "Scaling" in post.text
    assert slack.tokens == {"xoxb-cli-token"}


def test_the_cli_posts_a_digest_to_discord_over_rest(
    db_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = f"discord:{CHANNEL_ID}"
    with running_fake_discord() as discord:
        monkeypatch.setenv("DISCORD_BOT_TOKEN", "cli-token")
        monkeypatch.setenv("PAPERBOY_DISCORD_API_URL", discord.base_url)
        monkeypatch.setenv("PAPERBOY_DISCORD_POST_INTERVAL", "0")
        follow_scaling(channel)

        code, out, err = run("digest", "--channel", channel, "--post")

        assert code == 0, out + err
        assert out.startswith("Posted "), out
        posts = discord.calls("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert posts, "nothing reached Discord"
    assert "Scaling" in str(posts[0].body)
    assert not discord.identified  # REST only: no gateway connection


@pytest.mark.parametrize(
    ("channel", "variable"),
    [("slack:C123", "SLACK_BOT_TOKEN"), (f"discord:{CHANNEL_ID}", "DISCORD_BOT_TOKEN")],
)
def test_without_credentials_the_cli_says_which_variable_to_set(
    db_env: str, channel: str, variable: str
) -> None:
    code, out, err = run("digest", "--channel", channel, "--post")
    assert code == 1
    assert err.startswith(f"Error: I cannot post to {channel.split(':')[0]} from here: ")
    assert variable in err
    assert "Traceback" not in out + err


def test_a_rejected_discord_token_is_one_clear_line(
    db_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = f"discord:{CHANNEL_ID}"
    with running_fake_discord() as discord:
        monkeypatch.setenv("DISCORD_BOT_TOKEN", "cli-token")
        monkeypatch.setenv("PAPERBOY_DISCORD_API_URL", discord.base_url)
        discord.fail_next("/users/@me", 401, message="401: Unauthorized")
        code, out, err = run("digest", "--channel", channel, "--post")
    assert code == 1
    assert err.startswith("Error: Discord rejected DISCORD_BOT_TOKEN"), err
    assert "cli-token" not in out + err
