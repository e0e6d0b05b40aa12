"""Discord settings, read from the environment and checked before anything connects.

``DISCORD_BOT_TOKEN`` keeps Discord's customary name; everything else is ``PAPERBOY_DISCORD_*``.
This module imports no discord.py: :class:`adapters.settings.Settings` composes it, and
``paperboy doctor`` must work where the SDK is not installed.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import UserError

DEFAULT_API_URL = "https://discord.com/api/v10"
TOKEN_VARIABLE = "DISCORD_BOT_TOKEN"
TOKEN_FIX = (
    f"create a bot at https://discord.com/developers/applications (Bot → Reset Token) "
    f"and export its token as {TOKEN_VARIABLE}"
)
TOKEN_HELP = f"{TOKEN_VARIABLE} is not set: {TOKEN_FIX}."
# What to do when Discord cannot be reached or refuses the token (serve, the CLI and doctor).
UNREACHABLE_FIX = "check the network or PAPERBOY_DISCORD_API_URL"
REJECTED_FIX = (
    f"reset the token in the Developer Portal (Bot → Reset Token) and set {TOKEN_VARIABLE}"
)


class DiscordSettings(BaseSettings):
    """How the Discord runtime connects, syncs its commands and paces its posts."""

    model_config = SettingsConfigDict(env_prefix="PAPERBOY_DISCORD_", extra="ignore")

    bot_token: SecretStr | None = Field(default=None, validation_alias=TOKEN_VARIABLE)
    api_url: str = DEFAULT_API_URL
    dev_guild: int | None = None
    sync_commands: bool = False
    gateway: bool = True
    shard_ids: str = ""
    shard_count: int | None = Field(default=None, ge=1)
    manage_permission: str = "manage_channels"
    post_interval: float = Field(default=1.0, ge=0)
    max_ratelimit_wait: float = Field(default=60.0, ge=30)

    @field_validator("api_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("PAPERBOY_DISCORD_API_URL must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("shard_ids")
    @classmethod
    def _numbers(cls, value: str) -> str:
        if not all(p.strip().isdigit() for p in value.split(",") if p.strip()):
            raise ValueError("PAPERBOY_DISCORD_SHARD_IDS is a comma-separated list of numbers")
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> DiscordSettings:
        ids = self.shard_id_list or []
        if ids and self.shard_count is None:
            raise ValueError("PAPERBOY_DISCORD_SHARD_IDS needs PAPERBOY_DISCORD_SHARD_COUNT")
        if self.shard_count is not None and any(i >= self.shard_count for i in ids):
            raise ValueError("every PAPERBOY_DISCORD_SHARD_IDS entry must be < SHARD_COUNT")
        return self

    @property
    def enabled(self) -> bool:
        """Discord runs (and digests can be posted there) when its bot token is set."""
        return self.bot_token is not None and bool(self.bot_token.get_secret_value().strip())

    @property
    def shard_id_list(self) -> list[int] | None:
        """``0,2,4`` → ``[0, 2, 4]``; None lets discord.py run every shard of ``shard_count``."""
        parts = [p.strip() for p in self.shard_ids.split(",") if p.strip()]
        return [int(p) for p in parts] if parts else None

    def token(self) -> str:
        """The bot token; fail with the variable's name when it is missing."""
        if self.bot_token is None or not self.enabled:
            raise UserError(TOKEN_HELP)
        return self.bot_token.get_secret_value().strip()
