"""Builds the Slack side of ``paperboy serve``: the Bolt app, its routes, its connection.

One :class:`AsyncWebClient` (base URL ``PAPERBOY_SLACK_API_URL``, our bounded retry handler)
is the app's client; Bolt copies its base URL and retry handlers into every per-request client
and the OAuth flow uses it for ``oauth.v2.access``, so every Web API call goes to one place.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import Engine

from adapters.platform import PlatformRuntime
from adapters.slack.listeners import register_listeners
from adapters.slack.poster import SlackChatAdapter
from adapters.slack.retry import BoundedRetryHandler, Sleep
from adapters.slack.settings import SlackMode, SlackSettings
from adapters.slack.stores import DatabaseInstallationStore, DatabaseOAuthStateStore
from bot.chat import ChannelStatus, ChatAdapter, CommandHandler

log = logging.getLogger(__name__)

BOT_SCOPES = ("commands", "chat:write", "chat:write.public", "channels:history", "groups:history")
EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
API_TIMEOUT_SECONDS = 10


class SlackRuntime:
    """The running Slack platform: adapter for digests, routes for HTTP mode, Socket Mode link."""

    name = "slack"

    def __init__(self, settings: SlackSettings, app: AsyncApp, adapter: SlackChatAdapter) -> None:
        self.settings = settings
        self.app = app
        self.adapter: ChatAdapter = adapter
        self._socket: AsyncSocketModeHandler | None = None

    def http_routes(self) -> Sequence[web.RouteDef]:
        """``POST /slack/events`` in HTTP mode; the OAuth pages whenever OAuth is on."""
        routes: list[web.RouteDef] = []
        if self.settings.mode is SlackMode.HTTP:
            routes.append(web.post(EVENTS_PATH, self._events))
        if self.app.oauth_flow is not None:
            routes.append(web.get(INSTALL_PATH, self._install))
            routes.append(web.get(REDIRECT_PATH, self._oauth_redirect))
        return routes

    async def _events(self, request: web.Request) -> web.Response:
        bolt_response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    def _flow(self) -> AsyncOAuthFlow:
        flow = self.app.oauth_flow
        assert flow is not None  # the routes exist only when OAuth is configured
        return flow

    async def _install(self, request: web.Request) -> web.Response:
        bolt_response = await self._flow().handle_installation(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def _oauth_redirect(self, request: web.Request) -> web.Response:
        bolt_response = await self._flow().handle_callback(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def start(self) -> None:
        """Open the Socket Mode connection (HTTP mode has nothing to start)."""
        if self.settings.mode is not SlackMode.SOCKET or self._socket is not None:
            return
        app_token = self.settings.app_token
        assert app_token is not None  # SlackSettings.check() guarantees it in socket mode
        self._socket = AsyncSocketModeHandler(self.app, app_token.get_secret_value())
        await self._socket.connect_async()  # type: ignore[no-untyped-call]  # untyped in slack_bolt
        log.info("slack socket mode connected")

    async def stop(self) -> None:
        """Close the Socket Mode connection and its HTTP session."""
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]  # untyped in slack_bolt
            self._socket = None


def build_runtime(
    settings: SlackSettings,
    handler: CommandHandler,
    status: ChannelStatus,
    engine: Engine,
    *,
    retry_sleep: Sleep | None = None,
) -> PlatformRuntime:
    """The Slack runtime for ``serve``; raises a friendly ``UserError`` if misconfigured.

    ``retry_sleep`` replaces the retry handler's sleep (tests only).
    """
    settings.check()
    # slack_sdk logs response bodies at DEBUG, and oauth.v2.access answers carry tokens.
    sdk_logger = logging.getLogger("slack_sdk")
    if sdk_logger.getEffectiveLevel() < logging.INFO:
        sdk_logger.setLevel(logging.INFO)
    retry = BoundedRetryHandler() if retry_sleep is None else BoundedRetryHandler(sleep=retry_sleep)
    bot_token = None if settings.uses_oauth or settings.bot_token is None else settings.bot_token
    client = AsyncWebClient(
        token=bot_token.get_secret_value() if bot_token else None,
        base_url=settings.api_base_url,
        timeout=API_TIMEOUT_SECONDS,
        retry_handlers=[retry],
    )
    signing_secret = settings.signing_secret.get_secret_value() if settings.signing_secret else ""
    installation_store: DatabaseInstallationStore | None = None
    oauth_settings: AsyncOAuthSettings | None = None
    if settings.uses_oauth:
        assert settings.client_id and settings.client_secret  # check() guarantees both
        installation_store = DatabaseInstallationStore(engine, settings.client_id)
        oauth_settings = AsyncOAuthSettings(
            client_id=settings.client_id,
            client_secret=settings.client_secret.get_secret_value(),
            scopes=list(BOT_SCOPES),
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            installation_store=installation_store,
            installation_store_bot_only=True,
            state_store=DatabaseOAuthStateStore(engine),
        )
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        oauth_settings=oauth_settings,
        installation_store=installation_store,
        installation_store_bot_only=True if installation_store else None,
        process_before_response=False,
        request_verification_enabled=True,
    )
    register_listeners(app, handler, status, installation_store)

    async def token_for(workspace_id: str) -> str | None:
        if installation_store is None:
            return bot_token.get_secret_value() if bot_token else None
        bot = await installation_store.async_find_bot(enterprise_id=None, team_id=workspace_id)
        return bot.bot_token if bot is not None else None

    async def installer_of(workspace_id: str) -> str | None:
        if installation_store is None:
            return None
        found = await installation_store.async_find_installation(
            enterprise_id=None, team_id=workspace_id
        )
        return found.user_id if found is not None else None

    adapter = (
        SlackChatAdapter(client, token_for, installer_of)
        if retry_sleep is None
        else SlackChatAdapter(client, token_for, installer_of, sleep=retry_sleep)
    )
    return SlackRuntime(settings, app, adapter)
