"""Slack configuration, read from the environment and checked before anything connects."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import UserError

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
CREDENTIALS_FIX = (
    "set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
    "(install into many workspaces)"
)


class SlackMode(StrEnum):
    """How Slack reaches us: a WebSocket we dial out (socket) or HTTP requests (http)."""

    SOCKET = "socket"
    HTTP = "http"


class SlackSettings(BaseSettings):
    """Slack credentials and endpoints.

    Socket Mode is the default whenever ``SLACK_APP_TOKEN`` is set (no public URL needed);
    otherwise Slack posts to ``/slack/events``. ``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET``
    switch on multi-workspace OAuth; without them ``SLACK_BOT_TOKEN`` serves one workspace.
    """

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    signing_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    client_id: str | None = Field(default=None, validation_alias="SLACK_CLIENT_ID")
    client_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_CLIENT_SECRET")
    api_url: str = Field(
        default=DEFAULT_SLACK_API_URL,
        validation_alias=AliasChoices("PAPERBOY_SLACK_API_URL", "api_url"),
    )
    mode_override: SlackMode | None = Field(
        default=None, validation_alias=AliasChoices("PAPERBOY_SLACK_MODE", "mode_override")
    )

    @property
    def enabled(self) -> bool:
        """Whether Slack is configured: a bot token (one workspace) or an OAuth app (many).

        This is what bare ``paperboy serve`` and ``paperboy digest --post`` go by; an app
        token alone posts nowhere.
        """
        return bool(self.bot_token or self.uses_oauth)

    @property
    def mode(self) -> SlackMode:
        """Socket Mode when an app token is set (unless ``PAPERBOY_SLACK_MODE`` says http)."""
        if self.mode_override is not None:
            return self.mode_override
        return SlackMode.SOCKET if self.app_token else SlackMode.HTTP

    @property
    def uses_oauth(self) -> bool:
        """Whether installations come from the OAuth flow (many workspaces)."""
        return bool(self.client_id or self.client_secret)

    @property
    def api_base_url(self) -> str:
        """The Web API base with the trailing slash slack_sdk expects."""
        return self.api_url if self.api_url.endswith("/") else self.api_url + "/"

    def check(self) -> None:
        """Fail fast, naming the variable to set, before anything opens a connection."""
        needed: list[str] = []
        if self.mode is SlackMode.SOCKET and not self.app_token:
            needed.append("SLACK_APP_TOKEN (an xapp- token with connections:write)")
        if self.mode is SlackMode.HTTP and not self.signing_secret:
            needed.append("SLACK_SIGNING_SECRET (Basic Information → App Credentials)")
        if self.uses_oauth:
            if not self.client_id:
                needed.append("SLACK_CLIENT_ID")
            if not self.client_secret:
                needed.append("SLACK_CLIENT_SECRET")
        elif not self.bot_token:
            needed.append(
                "SLACK_BOT_TOKEN (an xoxb- token), or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                "to install in many workspaces"
            )
        if needed:
            raise UserError(
                "Slack is not configured: set " + "; ".join(needed) + ".",
                example="SLACK_APP_TOKEN=xapp-… SLACK_BOT_TOKEN=xoxb-… paperboy serve",
            )
