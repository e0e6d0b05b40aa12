"""``paperboy doctor``: check what an operator may have forgotten, and say how to fix it.

Each check prints one line — ``ok``, ``FAIL`` with the fix, or ``skip`` with why — and the
exit code is 0 only when nothing failed. Tokens are sent only to the platform that issued
them and never printed; database URLs are shown with their password scrubbed. Platform
checks use plain HTTP (Slack ``auth.test``, Discord ``/users/@me``) so that the doctor works
even where a platform's SDK is not installed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import httpx
import typer
from pydantic import SecretStr

from adapters.discord.settings import REJECTED_FIX as DISCORD_REJECTED_FIX
from adapters.discord.settings import TOKEN_FIX, DiscordSettings
from adapters.discord.settings import UNREACHABLE_FIX as DISCORD_UNREACHABLE_FIX
from adapters.faults import MIGRATE_FIX, Fault, engine_or_fault, unreachable_database
from adapters.http_server import schema_problem
from adapters.logging_setup import configure_logging, redact
from adapters.settings import Settings, read_settings
from adapters.slack.settings import CREDENTIALS_FIX as SLACK_CREDENTIALS
from adapters.slack.settings import SlackMode, SlackSettings
from storage.embedding import MODEL_ID, ModelUnavailable, check_model_file, default_model_path

Status = Literal["ok", "fail", "skip"]
Platform = Literal["console", "slack", "discord"]

CONFIGURATION_FIX = "correct these variables (see .env.example)"
NETWORK_TIMEOUT_SECONDS = 10.0
_PLATFORMS: dict[str, Platform] = {"console": "console", "slack": "slack", "discord": "discord"}
_DEAD_SLACK_TOKEN = {"invalid_auth", "not_authed", "token_revoked", "account_inactive"}


@dataclass(frozen=True)
class CheckResult:
    """One line of the report."""

    name: str
    status: Status
    detail: str
    fix: str = ""

    def render(self) -> str:
        """``ok    name: detail`` / ``FAIL  name: detail — fix: ...`` on one line."""
        label = {"ok": "ok  ", "fail": "FAIL", "skip": "skip"}[self.status]
        fix = f" — fix: {self.fix}" if self.fix else ""
        return f"{label}  {self.name}: {self.detail}{fix}"


def _ok(name: str, detail: str) -> CheckResult:
    return CheckResult(name, "ok", detail)


def _fail(name: str, detail: str, fix: str) -> CheckResult:
    return CheckResult(name, "fail", detail, fix)


def _skip(name: str, detail: str) -> CheckResult:
    return CheckResult(name, "skip", detail)


def _fault(name: str, fault: Fault) -> CheckResult:
    return CheckResult(name, "fail", fault.detail, fault.fix)


# --- configuration ---------------------------------------------------------------------------


def configuration_check() -> tuple[Settings | None, CheckResult]:
    """Read the settings every command reads; the problem names the variable, never its value."""
    settings, problem = read_settings()
    if problem is not None:
        return settings, _fail("configuration", problem.removesuffix("."), CONFIGURATION_FIX)
    return settings, _ok("configuration", "settings are valid")


def platform_configuration(settings: Settings, wanted: Sequence[Platform]) -> list[CheckResult]:
    """Catch platform settings that cannot work together, before any token is tried."""
    results: list[CheckResult] = []
    if "slack" in wanted and not settings.slack.enabled:
        results.append(
            _fail("slack config", "Slack is wanted but no credentials are set", SLACK_CREDENTIALS)
        )
    if "discord" in wanted and not settings.discord.enabled:
        results.append(
            _fail("discord config", "Discord is wanted but DISCORD_BOT_TOKEN is not set", TOKEN_FIX)
        )
    if settings.slack.enabled:
        results.append(_slack_configuration(settings.slack))
    if settings.discord.enabled:
        results.append(_discord_configuration(settings.discord))
    elif settings.discord.shard_ids or settings.discord.shard_count:
        results.append(
            _fail(
                "discord config", "shard settings are set but DISCORD_BOT_TOKEN is not", TOKEN_FIX
            )
        )
    if not settings.slack.enabled and not settings.discord.enabled and not wanted:
        results.append(
            _skip(
                "platforms",
                "no chat platform is configured (set SLACK_BOT_TOKEN or DISCORD_BOT_TOKEN)",
            )
        )
    return results


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value().strip() if value is not None else ""


def _slack_configuration(slack: SlackSettings) -> CheckResult:
    name = "slack config"
    bot_token, app_token = _secret(slack.bot_token), _secret(slack.app_token)
    if bot_token and not bot_token.startswith("xoxb-"):
        return _fail(
            name,
            "SLACK_BOT_TOKEN is not a bot token (those start with xoxb-)",
            "copy the Bot User OAuth Token from the app's OAuth & Permissions page",
        )
    if app_token and not app_token.startswith("xapp-"):
        return _fail(
            name,
            "SLACK_APP_TOKEN is not an app-level token (those start with xapp-)",
            "create an app-level token with connections:write under Basic Information",
        )
    if bool(slack.client_id) != bool(_secret(slack.client_secret)):
        return _fail(
            name,
            "only one of SLACK_CLIENT_ID and SLACK_CLIENT_SECRET is set",
            "set both from the app's Basic Information page, or neither",
        )
    if not app_token and not _secret(slack.signing_secret):
        return _fail(
            name,
            "Slack cannot deliver /papers: neither Socket Mode nor HTTP mode is configured",
            "set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode, /slack/events)",
        )
    mode = "Socket Mode" if slack.mode is SlackMode.SOCKET else "HTTP mode (/slack/events)"
    install = "OAuth install for many workspaces" if slack.uses_oauth else "one workspace"
    return _ok(name, f"{mode}, {install}")


def _discord_configuration(discord: DiscordSettings) -> CheckResult:
    # Shard numbers are validated with the settings (see the configuration check).
    ids = discord.shard_id_list
    if discord.shard_count is None:
        return _ok("discord config", "one process runs every shard")
    shards = ", ".join(str(i) for i in ids) if ids else "all"
    return _ok("discord config", f"this process runs shard(s) {shards} of {discord.shard_count}")


# --- database --------------------------------------------------------------------------------


def database_checks(settings: Settings) -> list[CheckResult]:
    """Can the database be reached, and is its schema this version's?"""
    unchecked = _skip("migrations", "cannot check without the database")
    sqlite_file = _sqlite_file(settings.database_url)
    if sqlite_file is not None and not sqlite_file.exists():
        return [_fail("database", f"{sqlite_file} does not exist yet", MIGRATE_FIX), unchecked]
    engine = engine_or_fault(settings.database_url)
    if isinstance(engine, Fault):
        return [_fault("database", engine), unchecked]
    try:
        try:
            problem = schema_problem(engine)
        except Exception as exc:
            return [_fault("database", unreachable_database(settings.database_url, exc)), unchecked]
    finally:
        engine.dispose()
    reached = _ok("database", f"reached {redact(settings.database_url)}")
    if problem is None:
        return [reached, _ok("migrations", "the schema is current")]
    return [reached, _fail("migrations", problem, MIGRATE_FIX)]


def model_check(settings: Settings) -> CheckResult:
    """Is the embedding model there and the pinned file? Without it search still works, by
    words only, so this says what is lost and how to get it back."""
    name = "embedding model"
    if not settings.semantic:
        return _skip(name, "search by meaning is off (PAPERBOY_SEMANTIC=off)")
    try:
        path = check_model_file(default_model_path())
    except ModelUnavailable as exc:
        return _fail(name, f"{exc.reason}; search falls back to words only", exc.fix)
    return _ok(name, f"{MODEL_ID} at {path} (sha256 verified)")


def _sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL (checked first: connecting would create it)."""
    if not url.startswith("sqlite:///"):
        return None
    path = url.removeprefix("sqlite:///").split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)


# --- network ---------------------------------------------------------------------------------


async def slack_token_check(client: httpx.AsyncClient, slack: SlackSettings) -> CheckResult:
    """``auth.test`` with the bot token: is it alive, and for which workspace?"""
    name = "slack token"
    url = f"{slack.api_base_url}auth.test"
    headers = {"Authorization": f"Bearer {_secret(slack.bot_token)}"}
    response = await _call(
        client, "POST", url, headers, name=name, hint="check the network or PAPERBOY_SLACK_API_URL"
    )
    if isinstance(response, CheckResult):
        return response
    body = _json_object(response)
    if response.status_code == 200 and body.get("ok") is True:
        return _ok(name, f"works as @{body.get('user', '?')} in {body.get('team', '?')}")
    error = str(body.get("error") or f"HTTP {response.status_code}")
    if error in _DEAD_SLACK_TOKEN:
        return _fail(
            name,
            f"Slack rejected SLACK_BOT_TOKEN ({error})",
            "reinstall the app to the workspace and copy the new Bot User OAuth Token "
            "into SLACK_BOT_TOKEN",
        )
    return _fail(name, f"auth.test failed ({error})", "try again later, or check status.slack.com")


async def discord_token_check(client: httpx.AsyncClient, discord: DiscordSettings) -> CheckResult:
    """``GET /users/@me`` with the bot token: is it alive, and which bot is it?"""
    name = "discord token"
    url = f"{discord.api_url}/users/@me"
    headers = {"Authorization": f"Bot {_secret(discord.bot_token)}"}
    response = await _call(client, "GET", url, headers, name=name, hint=DISCORD_UNREACHABLE_FIX)
    if isinstance(response, CheckResult):
        return response
    if response.status_code == 200:
        return _ok(name, f"works as {_json_object(response).get('username', '?')}")
    if response.status_code == 401:
        return _fail(
            name,
            "Discord rejected DISCORD_BOT_TOKEN (401)",
            DISCORD_REJECTED_FIX,
        )
    return _fail(
        name,
        f"/users/@me answered HTTP {response.status_code}",
        "try again later, or check discordstatus.com",
    )


async def source_check(
    client: httpx.AsyncClient, name: str, url: str, variable: str, expect: str
) -> CheckResult:
    """Does a paper source answer with what it should (``expect`` in the body)?"""
    hint = f"check the network, a proxy, or {variable}"
    response = await _call(client, "GET", url, {}, name=name, hint=hint)
    if isinstance(response, CheckResult):
        return response
    if response.status_code != 200:
        return _fail(
            name,
            f"{url} answered HTTP {response.status_code}",
            f"try again later, or check {variable}",
        )
    if expect not in response.text[:2000]:
        return _fail(name, f"{url} does not look like {name}", f"check {variable}")
    return _ok(name, f"{url} answers")


async def _call(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    headers: Mapping[str, str],
    *,
    name: str,
    hint: str,
) -> httpx.Response | CheckResult:
    """The response, or a failed check saying the host could not be reached."""
    try:
        return await client.request(method, url, headers=dict(headers))
    except httpx.HTTPError as exc:
        return _fail(name, f"cannot reach {url} ({type(exc).__name__})", hint)


def _json_object(response: httpx.Response) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


async def network_checks(client: httpx.AsyncClient, settings: Settings) -> list[CheckResult]:
    """Platform tokens and source reachability, all at once."""
    checks: list[Awaitable[CheckResult]] = []
    if _secret(settings.slack.bot_token) and not settings.slack.uses_oauth:
        checks.append(slack_token_check(client, settings.slack))
    elif settings.slack.uses_oauth:
        checks.append(
            _skip_async("slack token", "OAuth install: tokens live in the database, not checked")
        )
    if settings.discord.enabled:
        checks.append(discord_token_check(client, settings.discord))
    hf = f"{settings.hf_url.rstrip('/')}/api/daily_papers?limit=1"
    checks.append(source_check(client, "hugging face", hf, "PAPERBOY_HF_URL", "["))
    api = f"{settings.arxiv.api_url}?search_query=cat:cs.LG&max_results=1"
    rss = f"{settings.arxiv.rss_url.rstrip('/')}/cs.LG"
    checks.append(source_check(client, "arxiv api", api, "PAPERBOY_ARXIV_API_URL", "<feed"))
    checks.append(source_check(client, "arxiv rss", rss, "PAPERBOY_ARXIV_RSS_URL", "<rss"))
    return list(await asyncio.gather(*checks))


async def _skip_async(name: str, detail: str) -> CheckResult:
    return _skip(name, detail)


# --- the command -----------------------------------------------------------------------------

ClientFactory = Callable[[], httpx.AsyncClient]


def _default_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=NETWORK_TIMEOUT_SECONDS, follow_redirects=True)


def diagnose(
    *,
    offline: bool = False,
    wanted: Sequence[Platform] = (),
    make_client: ClientFactory = _default_client,
) -> list[CheckResult]:
    """Every check, in the order an operator fixes things."""
    settings, configuration = configuration_check()
    if settings is None:
        return [configuration, _skip("everything else", "fix the configuration first")]
    results = [configuration, *platform_configuration(settings, wanted)]
    results += database_checks(settings)
    results.append(model_check(settings))
    if offline:
        results.append(_skip("network", "platform tokens and sources not checked (--offline)"))
        return results

    async def run() -> list[CheckResult]:
        async with make_client() as client:
            return await network_checks(client, settings)

    return results + asyncio.run(run())


def doctor(
    offline: Annotated[
        bool, typer.Option("--offline", help="Skip checks that need the network.")
    ] = False,
    adapter: Annotated[
        list[str] | None,
        typer.Option(
            "--adapter", help="A platform you mean to run (console, slack, discord); repeatable."
        ),
    ] = None,
) -> None:
    """Check configuration, database, migrations, platform tokens and sources."""
    wanted: list[Platform] = []
    for name in adapter or []:
        if name not in _PLATFORMS:
            typer.echo(f"Error: --adapter {name}: use console, slack or discord.", err=True)
            raise typer.Exit(1)
        wanted.append(_PLATFORMS[name])
    settings, _ = read_settings()
    try:
        if settings is None:
            configure_logging("WARNING")
        else:
            configure_logging(settings.log_level, settings.log_format)
    except ValueError:
        configure_logging("WARNING")  # the configuration check reports the bad level
    results = diagnose(offline=offline, wanted=wanted, make_client=_default_client)
    for result in results:
        typer.echo(result.render())
    failures = sum(result.status == "fail" for result in results)
    if failures:
        typer.echo(f"{failures} problem(s) found.")
        raise typer.Exit(1)
    typer.echo("All checks passed.")
