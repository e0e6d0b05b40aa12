"""Discord: ``/papers`` slash commands, digests as embeds, feedback buttons (discord.py).

Where things are:

- ``/papers`` subcommands (derived from the command table) and the Manage Channels check:
  :mod:`adapters.discord.commands`; button presses: :mod:`adapters.discord.feedback`.
- Posting over REST and Discord's errors (50001/50013/10003 → pause the channel; 429 pacing):
  :mod:`adapters.discord.posting`; embeds within Discord's limits:
  :mod:`adapters.discord.rendering`.
- :mod:`adapters.discord.runtime` builds the poster, then the gateway client
  (:mod:`adapters.discord.client`) for ``serve``.

Names are loaded on first use (PEP 562), so reading :class:`DiscordSettings` (part of
:class:`adapters.settings.Settings`) never imports discord.py.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.discord.runtime import (
        DiscordPlatform,
        DiscordRuntime,
        build_runtime,
        load_discord_settings,
    )
    from adapters.discord.settings import DiscordSettings

_HOMES = {
    "DiscordPlatform": "adapters.discord.runtime",
    "DiscordRuntime": "adapters.discord.runtime",
    "build_runtime": "adapters.discord.runtime",
    "load_discord_settings": "adapters.discord.runtime",
    "DiscordSettings": "adapters.discord.settings",
}
__all__ = [
    "DiscordPlatform",
    "DiscordRuntime",
    "DiscordSettings",
    "build_runtime",
    "load_discord_settings",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'adapters.discord' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
