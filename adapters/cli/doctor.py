"""``paperboy doctor``: check what an operator may have forgotten, and say how to fix it.

Each check prints one line — ``ok``, ``FAIL`` with the fix, or ``skip`` with why — and the
exit code is 0 only when nothing failed. Tokens are sent only to the platform that issued
them and never printed; database URLs are shown with their password scrubbed. Platform
checks use plain HTTP (Slack ``auth.test``, Discord ``/users/@me``) so that the doctor works
even where a platform's SDK is not installed. The checks themselves live in
:mod:`adapters.cli.config_checks` (offline) and :mod:`adapters.cli.network_checks`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Annotated

import httpx
import typer

from adapters.cli.checks import CheckResult, skipped
from adapters.cli.config_checks import (
    Platform,
    configuration_check,
    database_checks,
    model_check,
    platform_configuration,
)
from adapters.cli.network_checks import network_checks
from adapters.logging_setup import configure_logging
from adapters.settings import read_settings

_PLATFORMS: dict[str, Platform] = {"console": "console", "slack": "slack", "discord": "discord"}
NETWORK_TIMEOUT_SECONDS = 10.0


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
        return [configuration, skipped("everything else", "fix the configuration first")]
    results = [configuration, *platform_configuration(settings, wanted)]
    results += database_checks(settings)
    results.append(model_check(settings))
    if offline:
        results.append(skipped("network", "platform tokens and sources not checked (--offline)"))
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
