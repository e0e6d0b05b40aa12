"""A team installs the app through OAuth; the installation lands in our database and is used."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy.engine import Engine

from adapters.slack import SlackRuntime
from bot.chat import ChannelRef, ChannelUnavailable, WorkspaceUnavailable
from bot.digests.build import Digest, DigestItem
from storage.slack_repository import SqlSlackRepository
from tests.adapters.slack.conftest import Listener, now, ranked, slash_fields
from tests.kit.core import FakeCore
from tests.kit.slack import FakeSlack, Scripted

pytestmark = [
    pytest.mark.anyio,
    # slack_sdk 3.48 sends oauth.v2.access with aiohttp.BasicAuth, deprecated in aiohttp 3.14;
    # harmless (Python hides DeprecationWarning in production) and not ours to fix.
    pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning"),
]

CLIENT_ID = "111.222"
COOKIE = "slack-app-oauth-state"


def oauth_runtime(make_runtime: Callable[..., SlackRuntime]) -> SlackRuntime:
    return make_runtime(bot_token=None, client_id=CLIENT_ID, client_secret="client-secret")


async def install(listener: Listener) -> tuple[int, str]:
    """Open /slack/install, follow Slack's redirect back with a good code; (status, state)."""
    page = await listener.session.get(listener.url + "/slack/install", allow_redirects=False)
    html = await page.text()
    assert page.status == 200
    state = page.cookies[COOKIE].value
    authorize = html.split('<a href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    query = parse_qs(urlparse(authorize).query)
    assert query["state"] == [state] and query["client_id"] == [CLIENT_ID]
    back = await listener.session.get(
        listener.url + "/slack/oauth_redirect",
        params={"code": "good-code", "state": state},
        headers={"Cookie": f"{COOKIE}={state}"},
        allow_redirects=False,
    )
    await back.read()
    return back.status, state


async def test_install_stores_the_workspace_and_its_token_is_used(
    fake_slack: FakeSlack,
    core: FakeCore,
    engine: Engine,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: Callable[[SlackRuntime], Any],
) -> None:
    runtime = oauth_runtime(make_runtime)
    listener: Listener = await serve_runtime(runtime)

    status, _ = await install(listener)

    assert status == 200
    (exchange,) = fake_slack.called("oauth.v2.access")
    assert exchange.body["code"] == "good-code"  # the fake also checked the client credentials
    stored = SqlSlackRepository(engine).find_installation(
        client_id=CLIENT_ID, enterprise_id="", team_id="T2"
    )
    assert stored is not None
    assert stored["bot_token"] == fake_slack.install_token
    assert stored["user_id"] == fake_slack.installer

    # The morning digest for a channel in that workspace goes out with its own token.
    channel = ChannelRef("slack", "C9", workspace_id="T2")
    items = (DigestItem(ranked(), "scaling"),)
    await runtime.adapter.post_digest(channel, Digest("Digest", items, now()), delivery_key="k")
    (post,) = fake_slack.called("chat.postMessage")
    assert post.token == fake_slack.install_token

    # Its members can run /papers; Bolt authorizes them from our table.
    await listener.post_signed("/slack/events", slash_fields(fake_slack, "list", team="T2"))
    (answer,) = await fake_slack.wait_for("response/1")
    assert answer.body["text"] == "Done: list"


async def test_oauth_state_is_single_use(
    fake_slack: FakeSlack,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: Callable[[SlackRuntime], Any],
) -> None:
    listener: Listener = await serve_runtime(oauth_runtime(make_runtime))
    _, state = await install(listener)

    replay = await listener.session.get(
        listener.url + "/slack/oauth_redirect",
        params={"code": "good-code", "state": state},
        headers={"Cookie": f"{COOKIE}={state}"},
    )
    await replay.read()

    assert replay.status == 401
    assert len(fake_slack.called("oauth.v2.access")) == 1


async def test_uninstall_forgets_the_workspace_and_pauses_it(
    fake_slack: FakeSlack,
    core: FakeCore,
    engine: Engine,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: Callable[[SlackRuntime], Any],
) -> None:
    runtime = oauth_runtime(make_runtime)
    listener: Listener = await serve_runtime(runtime)
    await install(listener)
    event = {
        "type": "event_callback",
        "token": "deprecated",
        "team_id": "T2",
        "api_app_id": "A1",
        "event": {"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}},
        "event_id": "Ev2",
        "event_time": int(time.time()),
    }

    response = await listener.post_signed("/slack/events", json_body=event)

    assert response.status == 200
    channel = ChannelRef("slack", "C9", workspace_id="T2")
    items = (DigestItem(ranked(), "scaling"),)
    # Bolt runs the listener after answering; the pause arrives within a bounded wait.
    async with asyncio.timeout(5):
        while not core.paused_workspaces:
            await asyncio.sleep(0)
    assert core.paused_workspaces[0][:2] == ("slack", "T2")
    assert (
        SqlSlackRepository(engine).find_installation(
            client_id=CLIENT_ID, enterprise_id="", team_id="T2"
        )
        is None
    )
    with pytest.raises(WorkspaceUnavailable):
        await runtime.adapter.post_digest(channel, Digest("D", items, now()), delivery_key="k")


async def test_lost_channel_is_told_to_the_installer_by_dm_once(
    fake_slack: FakeSlack,
    make_runtime: Callable[..., SlackRuntime],
    serve_runtime: Callable[[SlackRuntime], Any],
) -> None:
    runtime = oauth_runtime(make_runtime)
    listener: Listener = await serve_runtime(runtime)
    await install(listener)
    fake_slack.script("C9", Scripted(error="not_in_channel"), Scripted(error="not_in_channel"))
    channel = ChannelRef("slack", "C9", workspace_id="T2")
    items = (DigestItem(ranked(), "scaling"),)

    for _ in range(2):
        with pytest.raises(ChannelUnavailable):
            await runtime.adapter.post_digest(channel, Digest("D", items, now()), delivery_key="k")

    dms = [c for c in fake_slack.called("chat.postMessage") if c.body["channel"] == "UINSTALLER"]
    assert len(dms) == 1
    assert "<#C9>" in dms[0].body["text"] and "/invite" in dms[0].body["text"]
