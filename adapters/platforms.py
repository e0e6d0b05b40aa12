"""Build the chat platforms ``paperboy serve`` runs, from the environment.

Each platform package is imported only when asked for, so the core installs and runs
without the Slack or Discord SDKs.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.composition import App
from adapters.platform import PlatformRuntime
from bot.channel_status import RepositoryChannelStatus
from bot.errors import UserError

PLATFORMS = ("console", "slack", "discord")
_EXTRA = {"slack": "slack", "discord": "discord"}


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
