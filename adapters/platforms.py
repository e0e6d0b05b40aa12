"""Build the chat platforms a command needs, from the settings.

Part of the composition root. Each platform package is imported only when asked for, so the
core installs and runs without the Slack or Discord SDKs.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.platform import ChatPlatform
from adapters.settings import Settings
from bot.errors import UserError
from storage.slack_repository import SqlSlackRepository

PLATFORMS = ("console", "slack", "discord")
_EXTRA = {"slack": "slack", "discord": "discord"}


def check_platform_names(names: Sequence[str]) -> list[str]:
    """``names`` without repeats, in order; an unknown one is a friendly ``UserError``."""
    for name in names:
        if name not in PLATFORMS:
            raise UserError(
                f"Unknown adapter '{name}'; choose from {', '.join(PLATFORMS)}.",
                example="paperboy serve --adapter console",
            )
    return list(dict.fromkeys(names))


def missing_credentials(settings: Settings, platform: str) -> str | None:
    """What to set so that Paperboy can post to ``platform`` (None when it can)."""
    if settings.platform_enabled(platform):
        return None
    if platform == "slack":
        from adapters.slack.settings import CREDENTIALS_FIX

        return CREDENTIALS_FIX
    from adapters.discord.settings import TOKEN_FIX

    return TOKEN_FIX


def require_credentials(settings: Settings, platform: str) -> None:
    """A ``UserError`` saying which variable to set when ``platform`` cannot be posted to."""
    fix = missing_credentials(settings, platform)
    if fix is not None:
        raise UserError(f"I cannot post to {platform} from here: {fix}.")


def platforms_for_channel(settings: Settings, platform: str, *, post: bool) -> list[str]:
    """What a CLI command on a ``platform`` channel builds: the console, plus that platform
    when its credentials are set. ``post`` requires them, naming the variable to set."""
    if post:
        require_credentials(settings, platform)
    wanted = ["console"]
    if platform != "console" and settings.platform_enabled(platform):
        wanted.append(platform)
    return wanted


def build_platform(name: str, settings: Settings, slack: SqlSlackRepository) -> ChatPlatform:
    """The Slack or Discord platform, from ``settings``; its credentials must be set.

    ``slack`` is where an OAuth Slack app keeps its installations; nothing else of the
    database reaches a platform.
    """
    require_credentials(settings, name)
    try:
        if name == "slack":
            from adapters.slack.runtime import SlackPlatform
            from adapters.slack.stores import SlackStores

            oauth = settings.slack.uses_oauth
            stores = SlackStores.on(slack, settings.slack.client_id or "") if oauth else None
            return SlackPlatform(settings.slack, stores)
        from adapters.discord.runtime import DiscordPlatform

        return DiscordPlatform(settings.discord)
    except ImportError:
        raise UserError(
            f"The {name} adapter needs its extra: pip install 'paperboy[{_EXTRA[name]}]'."
        ) from None
