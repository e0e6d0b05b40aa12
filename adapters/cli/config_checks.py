"""``paperboy doctor``'s offline checks: the settings, the platforms' configuration, the
database and its migrations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from adapters.cli.checks import CheckResult, failed, from_fault, passed, secret_text, skipped
from adapters.discord.settings import TOKEN_FIX, DiscordSettings
from adapters.faults import MIGRATE_FIX, Fault, engine_or_fault, unreachable_database
from adapters.http_server import schema_problem
from adapters.logging_setup import redact
from adapters.settings import Settings, read_settings
from adapters.slack.settings import CREDENTIALS_FIX as SLACK_CREDENTIALS
from adapters.slack.settings import SlackMode, SlackSettings
from storage.embedding import MODEL_ID, ModelUnavailable, check_model_file, default_model_path

Platform = Literal["console", "slack", "discord"]
CONFIGURATION_FIX = "correct these variables (see .env.example)"


def configuration_check() -> tuple[Settings | None, CheckResult]:
    """Read the settings every command reads; the problem names the variable, never its value."""
    settings, problem = read_settings()
    if problem is not None:
        return settings, failed("configuration", problem.removesuffix("."), CONFIGURATION_FIX)
    return settings, passed("configuration", "settings are valid")


def platform_configuration(settings: Settings, wanted: Sequence[Platform]) -> list[CheckResult]:
    """Catch platform settings that cannot work together, before any token is tried."""
    results: list[CheckResult] = []
    if "slack" in wanted and not settings.slack.enabled:
        results.append(
            failed("slack config", "Slack is wanted but no credentials are set", SLACK_CREDENTIALS)
        )
    if "discord" in wanted and not settings.discord.enabled:
        results.append(
            failed(
                "discord config", "Discord is wanted but DISCORD_BOT_TOKEN is not set", TOKEN_FIX
            )
        )
    if settings.slack.enabled:
        results.append(_slack_configuration(settings.slack))
    if settings.discord.enabled:
        results.append(_discord_configuration(settings.discord))
    elif settings.discord.shard_ids or settings.discord.shard_count:
        results.append(
            failed(
                "discord config", "shard settings are set but DISCORD_BOT_TOKEN is not", TOKEN_FIX
            )
        )
    if not settings.slack.enabled and not settings.discord.enabled and not wanted:
        results.append(
            skipped(
                "platforms",
                "no chat platform is configured (set SLACK_BOT_TOKEN or DISCORD_BOT_TOKEN)",
            )
        )
    return results


def _slack_configuration(slack: SlackSettings) -> CheckResult:
    name = "slack config"
    bot_token, app_token = secret_text(slack.bot_token), secret_text(slack.app_token)
    if bot_token and not bot_token.startswith("xoxb-"):
        return failed(
            name,
            "SLACK_BOT_TOKEN is not a bot token (those start with xoxb-)",
            "copy the Bot User OAuth Token from the app's OAuth & Permissions page",
        )
    if app_token and not app_token.startswith("xapp-"):
        return failed(
            name,
            "SLACK_APP_TOKEN is not an app-level token (those start with xapp-)",
            "create an app-level token with connections:write under Basic Information",
        )
    if bool(slack.client_id) != bool(secret_text(slack.client_secret)):
        return failed(
            name,
            "only one of SLACK_CLIENT_ID and SLACK_CLIENT_SECRET is set",
            "set both from the app's Basic Information page, or neither",
        )
    if not app_token and not secret_text(slack.signing_secret):
        return failed(
            name,
            "Slack cannot deliver /papers: neither Socket Mode nor HTTP mode is configured",
            "set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode, /slack/events)",
        )
    mode = "Socket Mode" if slack.mode is SlackMode.SOCKET else "HTTP mode (/slack/events)"
    install = "OAuth install for many workspaces" if slack.uses_oauth else "one workspace"
    return passed(name, f"{mode}, {install}")


def _discord_configuration(discord: DiscordSettings) -> CheckResult:
    # Shard numbers are validated with the settings (see the configuration check).
    ids = discord.shard_id_list
    if discord.shard_count is None:
        return passed("discord config", "one process runs every shard")
    shards = ", ".join(str(i) for i in ids) if ids else "all"
    return passed("discord config", f"this process runs shard(s) {shards} of {discord.shard_count}")


# --- database --------------------------------------------------------------------------------


def database_checks(settings: Settings) -> list[CheckResult]:
    """Can the database be reached, and is its schema this version's?"""
    unchecked = skipped("migrations", "cannot check without the database")
    sqlite_file = _sqlite_file(settings.database_url)
    if sqlite_file is not None and not sqlite_file.exists():
        return [failed("database", f"{sqlite_file} does not exist yet", MIGRATE_FIX), unchecked]
    engine = engine_or_fault(settings.database_url)
    if isinstance(engine, Fault):
        return [from_fault("database", engine), unchecked]
    try:
        try:
            problem = schema_problem(engine)
        except Exception as exc:
            return [
                from_fault("database", unreachable_database(settings.database_url, exc)),
                unchecked,
            ]
    finally:
        engine.dispose()
    reached = passed("database", f"reached {redact(settings.database_url)}")
    if problem is None:
        return [reached, passed("migrations", "the schema is current")]
    return [reached, failed("migrations", problem, MIGRATE_FIX)]


def model_check(settings: Settings) -> CheckResult:
    """Is the embedding model there and the pinned file? Without it search still works, by
    words only, so this says what is lost and how to get it back."""
    name = "embedding model"
    if not settings.semantic:
        return skipped(name, "search by meaning is off (PAPERBOY_SEMANTIC=off)")
    try:
        path = check_model_file(default_model_path())
    except ModelUnavailable as exc:
        return failed(name, f"{exc.reason}; search falls back to words only", exc.fix)
    return passed(name, f"{MODEL_ID} at {path} (sha256 verified)")


def _sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL (checked first: connecting would create it)."""
    if not url.startswith("sqlite:///"):
        return None
    path = url.removeprefix("sqlite:///").split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)
