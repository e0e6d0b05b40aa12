"""Build the chat platforms ``paperboy serve`` runs, from the environment.

Each platform package is imported only when asked for, so the core installs and runs
without the Slack or Discord SDKs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.composition import App
from adapters.platform import PlatformRuntime
from bot.channel_status import RepositoryChannelStatus
from bot.errors import UserError

PLATFORMS = ("console", "slack", "discord")
_EXTRA = {"slack": "slack", "discord": "discord"}


def configured_platforms(environ: Mapping[str, str]) -> list[str]:
    """The platforms whose credentials are set (what bare ``paperboy serve`` runs), or the
    console when none are — the same rule as the container entrypoint."""
    chosen = []
    if environ.get("SLACK_BOT_TOKEN") or environ.get("SLACK_CLIENT_ID"):
        chosen.append("slack")
    if environ.get("DISCORD_BOT_TOKEN"):
        chosen.append("discord")
    return chosen or ["console"]


def build_runtimes(app: App, names: Sequence[str]) -> list[PlatformRuntime]:
    """The runtimes for ``names`` (console needs none); each adapter joins ``app.adapters``."""
    status = RepositoryChannelStatus(app.channels)
    runtimes: list[PlatformRuntime] = []
    for name in dict.fromkeys(names):
        if name not in PLATFORMS:
            raise UserError(
                f"Unknown adapter '{name}'; choose from {', '.join(PLATFORMS)}.",
                example="paperboy serve --adapter console",
            )
        if name == "console":
            continue
        try:
            if name == "slack":
                from adapters.slack import SlackSettings
                from adapters.slack import build_runtime as build_slack

                runtime: PlatformRuntime = build_slack(
                    SlackSettings(), app.commands, status, app.library.engine
                )
            else:
                from adapters.discord import build_runtime as build_discord
                from adapters.discord import load_discord_settings

                runtime = build_discord(load_discord_settings(), app.commands, status)
        except ImportError:
            raise UserError(
                f"The {name} adapter needs its extra: pip install 'paperboy[{_EXTRA[name]}]'."
            ) from None
        app.adapters[runtime.adapter.platform] = runtime.adapter
        runtimes.append(runtime)
    return runtimes
