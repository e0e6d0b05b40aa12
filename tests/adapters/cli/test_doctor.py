"""``paperboy doctor`` as an operator runs it: what is wrong, how to fix it, the exit code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from adapters.cli import app as cli
from adapters.cli import doctor as cli_doctor
from adapters.cli.config_checks import configuration_check, platform_configuration

runner = CliRunner()
SLACK_TOKEN = "xoxb-1111-2222-AbCdEfGhIjKlMnOpQrSt"
DISCORD_TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"
Handler = Callable[[httpx.Request], httpx.Response]


def healthy_world(request: httpx.Request) -> httpx.Response:
    """Every remote answers as the real one does when all is well."""
    url = str(request.url)
    if url == "http://slack.local/api/auth.test":
        assert request.method == "POST"
        assert request.headers["authorization"] == f"Bearer {SLACK_TOKEN}"
        return httpx.Response(200, json={"ok": True, "team": "Acme", "user": "paperboy"})
    if url == "http://discord.local/api/v10/users/@me":
        assert request.headers["authorization"] == f"Bot {DISCORD_TOKEN}"
        return httpx.Response(200, json={"id": "1", "username": "Paperboy", "bot": True})
    if url == "http://hf.local/api/daily_papers?limit=1":
        return httpx.Response(200, json=[{"paper": {"id": "2605.00001"}}])
    if url.startswith("http://arxiv.local/api/query?"):
        return httpx.Response(200, text='<?xml version="1.0"?><feed xmlns="x"></feed>')
    if url == "http://rss.local/rss/cs.LG":
        return httpx.Response(200, text='<?xml version="1.0"?><rss version="2.0"></rss>')
    raise AssertionError(f"unexpected request {url}")


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> list[Handler]:
    """Point every remote at a MockTransport; tests may swap the handler."""
    handlers: list[Handler] = [healthy_world]
    monkeypatch.setattr(
        cli_doctor,
        "_default_client",
        lambda: httpx.AsyncClient(transport=httpx.MockTransport(lambda r: handlers[-1](r))),
    )
    for name, value in {
        "PAPERBOY_HF_URL": "http://hf.local",
        "PAPERBOY_SLACK_API_URL": "http://slack.local/api/",
        "PAPERBOY_DISCORD_API_URL": "http://discord.local/api/v10",
        "PAPERBOY_ARXIV_API_URL": "http://arxiv.local/api/query",
        "PAPERBOY_ARXIV_RSS_URL": "http://rss.local/rss",
    }.items():
        monkeypatch.setenv(name, value)
    return handlers


@pytest.fixture
def both_platforms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A1-2-abcdef")
    monkeypatch.setenv("DISCORD_BOT_TOKEN", DISCORD_TOKEN)


def doctor(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli.app, ["doctor", *args])
    return result.exit_code, result.stdout + result.stderr


def line(output: str, name: str) -> str:
    [found] = [text for text in output.splitlines() if text[6:].startswith(f"{name}:")]
    return found


def test_all_well_exits_zero_with_one_ok_line_per_check(
    db_env: str, world: list[Handler], both_platforms: None
) -> None:
    code, out = doctor()
    assert code == 0, out
    for name in (
        "configuration",
        "slack config",
        "discord config",
        "database",
        "migrations",
        "slack token",
        "discord token",
        "hugging face",
        "arxiv api",
        "arxiv rss",
    ):
        assert line(out, name).startswith("ok  "), out
    assert "works as @paperboy in Acme" in line(out, "slack token")
    assert "Socket Mode" in line(out, "slack config")
    assert out.rstrip().endswith("All checks passed.")


def test_rejected_tokens_say_how_to_fix_and_are_never_printed(
    db_env: str, world: list[Handler], both_platforms: None
) -> None:
    def revoked(request: httpx.Request) -> httpx.Response:
        if "auth.test" in str(request.url):
            return httpx.Response(200, json={"ok": False, "error": "invalid_auth"})
        if "users/@me" in str(request.url):
            return httpx.Response(401, json={"message": "401: Unauthorized", "code": 0})
        return healthy_world(request)

    world.append(revoked)
    code, out = doctor()
    assert code == 1
    assert "FAIL  slack token: Slack rejected SLACK_BOT_TOKEN (invalid_auth)" in out
    assert "reinstall the app" in line(out, "slack token")
    assert "Reset Token" in line(out, "discord token")
    assert SLACK_TOKEN not in out and DISCORD_TOKEN not in out
    assert "2 problem(s) found." in out


def test_unreachable_or_broken_sources_are_named_with_their_variable(
    db_env: str, world: list[Handler]
) -> None:
    def sources_down(request: httpx.Request) -> httpx.Response:
        if request.url.host == "hf.local":
            return httpx.Response(503, text="upstream down")
        if request.url.host == "arxiv.local":
            raise httpx.ConnectError("refused", request=request)
        if request.url.host == "rss.local":
            return httpx.Response(200, text="<html>captive portal</html>")
        raise AssertionError("no platform is configured, so none is called")

    world.append(sources_down)
    code, out = doctor()
    assert code == 1
    assert "http://hf.local/api/daily_papers?limit=1 answered HTTP 503" in line(out, "hugging face")
    assert "cannot reach" in line(out, "arxiv api")
    assert "PAPERBOY_ARXIV_API_URL" in line(out, "arxiv api")
    assert "does not look like arxiv rss" in line(out, "arxiv rss")
    assert line(out, "platforms").startswith("skip")


def test_offline_calls_nothing_and_an_unmigrated_database_says_run_db_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, world: list[Handler]
) -> None:
    def no_network(request: httpx.Request) -> httpx.Response:
        raise AssertionError("--offline must not touch the network")

    world.append(no_network)
    database = tmp_path / "old.db"
    database.write_bytes(b"")  # exists, but was never migrated
    monkeypatch.setenv("PAPERBOY_DATABASE_URL", f"sqlite:///{database}")
    code, out = doctor("--offline")
    assert code == 1
    assert line(out, "database").startswith("ok  ")
    assert line(out, "migrations") == (
        "FAIL  migrations: the database has no schema yet — fix: run `paperboy db upgrade`"
    )
    assert line(out, "network").startswith("skip")


def test_a_missing_sqlite_file_is_reported_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "paperboy.db"
    monkeypatch.setenv("PAPERBOY_DATABASE_URL", f"sqlite:///{database}")
    code, out = doctor("--offline")
    assert code == 1
    assert "does not exist yet" in line(out, "database")
    assert not database.exists()


def test_an_unreachable_database_never_shows_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PAPERBOY_DATABASE_URL", "postgresql://paperboy:hunter2@127.0.0.1:1/x")
    code, out = doctor("--offline")
    assert code == 1
    assert "hunter2" not in out
    assert "cannot reach postgresql://paperboy:[REDACTED]@127.0.0.1:1/x" in line(out, "database")
    assert "PAPERBOY_DATABASE_URL" in line(out, "database")
    assert line(out, "migrations").startswith("skip")


def test_a_bad_log_level_is_a_configuration_problem(
    db_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERBOY_LOG_LEVEL", "chatty")
    code, out = doctor("--offline")
    assert code == 1
    assert "PAPERBOY_LOG_LEVEL" in line(out, "configuration")


def test_a_wanted_platform_without_credentials_fails(db_env: str) -> None:
    code, out = doctor("--offline", "--adapter", "slack")
    assert code == 1
    assert "set SLACK_BOT_TOKEN" in line(out, "slack config")
    code, out = doctor("--offline", "--adapter", "teams")
    assert code == 1 and "use console, slack or discord" in out


@pytest.mark.parametrize(
    ("environ", "status", "fragment"),
    [
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "fail", "start with xoxb-"),
        ({"SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_APP_TOKEN": "xoxb-x"}, "fail", "xapp-"),
        ({"SLACK_BOT_TOKEN": SLACK_TOKEN}, "fail", "SLACK_APP_TOKEN (Socket Mode) or"),
        ({"SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": "s"}, "ok", "HTTP mode"),
        (
            {"SLACK_CLIENT_ID": "1.2", "SLACK_SIGNING_SECRET": "s"},
            "fail",
            "SLACK_CLIENT_SECRET",
        ),
        (
            {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c", "SLACK_APP_TOKEN": "xapp-1"},
            "ok",
            "many workspaces",
        ),
        ({"DISCORD_BOT_TOKEN": "t"}, "ok", "every shard"),
        (
            {
                "DISCORD_BOT_TOKEN": "t",
                "PAPERBOY_DISCORD_SHARD_COUNT": "4",
                "PAPERBOY_DISCORD_SHARD_IDS": "2, 3",
            },
            "ok",
            "shard(s) 2, 3 of 4",
        ),
        (
            {"PAPERBOY_DISCORD_SHARD_COUNT": "2", "PAPERBOY_DISCORD_SHARD_IDS": "0"},
            "fail",
            "DISCORD_BOT_TOKEN is not",
        ),
    ],
)
def test_platform_settings_that_cannot_work_together(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], status: str, fragment: str
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    settings, configuration = configuration_check()
    assert settings is not None and configuration.status == "ok"
    result = platform_configuration(settings, ())[0]
    assert result.status == status
    assert fragment in result.render()
    for secret in environ.values():
        if len(secret) > 8:
            assert secret not in result.render()


@pytest.mark.parametrize(
    ("environ", "fragment"),
    [
        (
            {"PAPERBOY_DISCORD_SHARD_COUNT": "2", "PAPERBOY_DISCORD_SHARD_IDS": "2"},
            "PAPERBOY_DISCORD_SHARD_IDS entry must be < SHARD_COUNT",
        ),
        ({"PAPERBOY_DISCORD_SHARD_IDS": "0"}, "needs PAPERBOY_DISCORD_SHARD_COUNT"),
        ({"PAPERBOY_DISCORD_SHARD_COUNT": "many"}, "PAPERBOY_DISCORD_SHARD_COUNT: Input should"),
        ({"PAPERBOY_SLACK_MODE": "carrier-pigeon"}, "PAPERBOY_SLACK_MODE: Input should be"),
        ({"PAPERBOY_SCHEDULER_TICK_SECONDS": "-1"}, "PAPERBOY_SCHEDULER_TICK_SECONDS: Input"),
    ],
)
def test_invalid_values_name_their_variable_for_doctor_and_every_command(
    db_env: str, monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], fragment: str
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    code, out = doctor("--offline")
    assert code == 1
    assert fragment in line(out, "configuration"), out
    result = runner.invoke(cli.app, ["search", "scaling"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: The configuration is invalid: "), result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
