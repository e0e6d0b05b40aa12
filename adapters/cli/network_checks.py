"""``paperboy doctor``'s network checks: platform tokens and paper sources, over plain HTTP
(Slack ``auth.test``, Discord ``/users/@me``) so they work where a platform's SDK is absent."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping

import httpx

from adapters.cli.checks import CheckResult, failed, passed, secret_text, skipped
from adapters.discord.settings import REJECTED_FIX as DISCORD_REJECTED_FIX
from adapters.discord.settings import UNREACHABLE_FIX as DISCORD_UNREACHABLE_FIX
from adapters.discord.settings import DiscordSettings
from adapters.settings import Settings
from adapters.slack.settings import SlackSettings

_DEAD_SLACK_TOKEN = {"invalid_auth", "not_authed", "token_revoked", "account_inactive"}


async def slack_token_check(client: httpx.AsyncClient, slack: SlackSettings) -> CheckResult:
    """``auth.test`` with the bot token: is it alive, and for which workspace?"""
    name = "slack token"
    url = f"{slack.api_base_url}auth.test"
    headers = {"Authorization": f"Bearer {secret_text(slack.bot_token)}"}
    response = await _call(
        client, "POST", url, headers, name=name, hint="check the network or PAPERBOY_SLACK_API_URL"
    )
    if isinstance(response, CheckResult):
        return response
    body = _json_object(response)
    if response.status_code == 200 and body.get("ok") is True:
        return passed(name, f"works as @{body.get('user', '?')} in {body.get('team', '?')}")
    error = str(body.get("error") or f"HTTP {response.status_code}")
    if error in _DEAD_SLACK_TOKEN:
        return failed(
            name,
            f"Slack rejected SLACK_BOT_TOKEN ({error})",
            "reinstall the app to the workspace and copy the new Bot User OAuth Token "
            "into SLACK_BOT_TOKEN",
        )
    return failed(name, f"auth.test failed ({error})", "try again later, or check status.slack.com")


async def discord_token_check(client: httpx.AsyncClient, discord: DiscordSettings) -> CheckResult:
    """``GET /users/@me`` with the bot token: is it alive, and which bot is it?"""
    name = "discord token"
    url = f"{discord.api_url}/users/@me"
    headers = {"Authorization": f"Bot {secret_text(discord.bot_token)}"}
    response = await _call(client, "GET", url, headers, name=name, hint=DISCORD_UNREACHABLE_FIX)
    if isinstance(response, CheckResult):
        return response
    if response.status_code == 200:
        return passed(name, f"works as {_json_object(response).get('username', '?')}")
    if response.status_code == 401:
        return failed(
            name,
            "Discord rejected DISCORD_BOT_TOKEN (401)",
            DISCORD_REJECTED_FIX,
        )
    return failed(
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
        return failed(
            name,
            f"{url} answered HTTP {response.status_code}",
            f"try again later, or check {variable}",
        )
    if expect not in response.text[:2000]:
        return failed(name, f"{url} does not look like {name}", f"check {variable}")
    return passed(name, f"{url} answers")


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
        return failed(name, f"cannot reach {url} ({type(exc).__name__})", hint)


def _json_object(response: httpx.Response) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


async def network_checks(client: httpx.AsyncClient, settings: Settings) -> list[CheckResult]:
    """Platform tokens and source reachability, all at once."""
    checks: list[Awaitable[CheckResult]] = []
    if secret_text(settings.slack.bot_token) and not settings.slack.uses_oauth:
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
    return skipped(name, detail)
