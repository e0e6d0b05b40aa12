"""Builds the Slack side of Paperboy: the digest poster first, then (for serve) the Bolt app.

:class:`SlackPlatform` is what the composition root builds before the digest runner: one
:class:`AsyncWebClient` (base URL ``PAPERBOY_SLACK_API_URL``, our bounded retry handler) and
the :class:`SlackChatAdapter` posting through it — all ``paperboy digest --post`` needs, no
Socket Mode and no signing secret. :meth:`SlackPlatform.runtime` then wires the core's command
handler into a Bolt app for ``serve``; Bolt copies the client's base URL and retry handlers into
every per-request client and the OAuth flow uses it for ``oauth.v2.access``, so every Web API
call goes to one place.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.platform import StartStop
from adapters.slack.directory import DIRECTORY_SCOPES
from adapters.slack.listeners import register_listeners
from adapters.slack.poster import SlackChatAdapter
from adapters.slack.retry import BoundedRetryHandler, Sleep
from adapters.slack.settings import SlackMode, SlackSettings
from adapters.slack.signing import signature_problem
from adapters.slack.stores import SlackStores
from bot.chat import ChannelStatus, CommandHandler

log = logging.getLogger(__name__)

BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "channels:history",
    "groups:history",
    "reactions:read",
    *DIRECTORY_SCOPES,
)
EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
API_TIMEOUT_SECONDS = 10


class SlackPlatform:
    """Slack's Web API client and digest poster; :meth:`runtime` adds the Bolt app for serve.

    ``stores`` (installations and OAuth states in our database) are needed when the app
    installs into many workspaces (``SLACK_CLIENT_ID``); ``retry_sleep`` replaces the retry
    handler's sleep (tests only).
    """

    name = "slack"

    def __init__(
        self,
        settings: SlackSettings,
        stores: SlackStores | None,
        *,
        retry_sleep: Sleep | None = None,
    ) -> None:
        if settings.uses_oauth and stores is None:
            raise ValueError("an OAuth Slack app needs its installation and OAuth-state stores")
        # slack_sdk logs response bodies at DEBUG, and oauth.v2.access answers carry tokens.
        sdk_logger = logging.getLogger("slack_sdk")
        if sdk_logger.getEffectiveLevel() < logging.INFO:
            sdk_logger.setLevel(logging.INFO)
        self.settings = settings
        self.stores = stores if settings.uses_oauth else None
        retry = (
            BoundedRetryHandler() if retry_sleep is None else BoundedRetryHandler(sleep=retry_sleep)
        )
        self._bot_token = None if settings.uses_oauth else settings.bot_token
        self.client = AsyncWebClient(
            token=self._bot_token.get_secret_value() if self._bot_token else None,
            base_url=settings.api_base_url,
            timeout=API_TIMEOUT_SECONDS,
            retry_handlers=[retry],
        )
        self.adapter = (
            SlackChatAdapter(self.client, self._token_for, self._installer_of)
            if retry_sleep is None
            else SlackChatAdapter(
                self.client, self._token_for, self._installer_of, sleep=retry_sleep
            )
        )

    async def _token_for(self, workspace_id: str) -> str | None:
        if self.stores is None:
            return self._bot_token.get_secret_value() if self._bot_token else None
        found = await self.stores.installations.async_find_bot(
            enterprise_id=None, team_id=workspace_id
        )
        return found.bot_token if found is not None else None

    async def _installer_of(self, workspace_id: str) -> str | None:
        if self.stores is None:
            return None
        found = await self.stores.installations.async_find_installation(
            enterprise_id=None, team_id=workspace_id
        )
        return found.user_id if found is not None else None

    @contextlib.asynccontextmanager
    async def posting(self) -> AsyncIterator[None]:
        """Nothing to open: slack_sdk opens an HTTP session per call."""
        yield

    def runtime(self, handler: CommandHandler, status: ChannelStatus) -> SlackRuntime:
        """The Bolt app answering ``/papers`` through ``handler``; a friendly ``UserError``
        naming the missing variable when Slack cannot receive commands as configured."""
        self.settings.check()
        signing = self.settings.signing_secret
        oauth_settings: AsyncOAuthSettings | None = None
        installations = self.stores.installations if self.stores is not None else None
        if self.stores is not None:
            assert self.settings.client_id and self.settings.client_secret  # check() did
            oauth_settings = AsyncOAuthSettings(
                client_id=self.settings.client_id,
                client_secret=self.settings.client_secret.get_secret_value(),
                scopes=list(BOT_SCOPES),
                install_path=INSTALL_PATH,
                redirect_uri_path=REDIRECT_PATH,
                installation_store=installations,
                installation_store_bot_only=True,
                state_store=self.stores.states,
            )
        app = AsyncApp(
            client=self.client,
            signing_secret=signing.get_secret_value() if signing else "",
            oauth_settings=oauth_settings,
            installation_store=installations,
            installation_store_bot_only=True if installations else None,
            process_before_response=False,
            request_verification_enabled=True,
        )
        register_listeners(app, handler, status, installations)
        return SlackRuntime(self.settings, app, self.adapter)


class SlackRuntime(StartStop):
    """The running Slack platform: routes for HTTP mode, the Socket Mode link.

    An async context manager: entering connects Socket Mode (HTTP mode has nothing to open),
    leaving closes it.
    """

    name = "slack"

    def __init__(self, settings: SlackSettings, app: AsyncApp, adapter: SlackChatAdapter) -> None:
        self.settings = settings
        self.app = app
        self.adapter = adapter
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
        """Slack's events and commands: the signature is checked on the raw body first, so
        nobody but Slack gets as far as Bolt's parsing; refusals are one WARNING line."""
        body = await request.read()
        secret = self.settings.signing_secret
        problem = signature_problem(
            secret.get_secret_value() if secret else "", body, request.headers
        )
        if problem is not None:
            return _refuse(request, 401, problem)
        try:
            bolt_request = AsyncBoltRequest(
                body=body.decode("utf-8"), query=request.query_string, headers=dict(request.headers)
            )
        except ValueError as exc:  # signed, but not UTF-8 or not the JSON it claims to be
            return _refuse(request, 400, f"malformed body ({type(exc).__name__})")
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

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
        """Open the Socket Mode connection (HTTP mode has nothing to start).

        slack_sdk retries an unreachable Slack forever; cancelling this call (serve does on
        SIGTERM) stops the attempts and closes what was opened.
        """
        if self.settings.mode is not SlackMode.SOCKET or self._socket is not None:
            return
        app_token = self.settings.app_token
        assert app_token is not None  # SlackSettings.check() guarantees it in socket mode
        self._socket = AsyncSocketModeHandler(self.app, app_token.get_secret_value())
        try:
            await self._socket.connect_async()  # type: ignore[no-untyped-call]  # untyped in slack_bolt
        except BaseException:
            await self.stop()
            raise
        log.info("slack socket mode connected", extra={"platform": "slack"})

    async def stop(self) -> None:
        """Close the Socket Mode connection and its HTTP session."""
        if self._socket is not None:
            socket, self._socket = self._socket, None
            await socket.close_async()  # type: ignore[no-untyped-call]  # untyped in slack_bolt


def _refuse(request: web.Request, status: int, reason: str) -> web.Response:
    log.warning(
        "slack request refused: %s",
        reason,
        extra={
            "platform": "slack",
            "path": request.path,
            "remote": request.remote,
            "status": status,
        },
    )
    return web.json_response({"error": "invalid request"}, status=status)


def build_runtime(
    settings: SlackSettings,
    handler: CommandHandler,
    status: ChannelStatus,
    stores: SlackStores | None = None,
    *,
    retry_sleep: Sleep | None = None,
) -> SlackRuntime:
    """:class:`SlackPlatform` and its runtime in one step (tests, one-off tools)."""
    return SlackPlatform(settings, stores, retry_sleep=retry_sleep).runtime(handler, status)
