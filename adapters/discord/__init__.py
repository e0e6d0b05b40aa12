"""Discord: ``/papers`` slash commands, digests as embeds, feedback buttons (discord.py)."""

from adapters.discord.runtime import DiscordRuntime, build_runtime
from adapters.discord.settings import DiscordSettings, load_discord_settings

__all__ = ["DiscordRuntime", "DiscordSettings", "build_runtime", "load_discord_settings"]
