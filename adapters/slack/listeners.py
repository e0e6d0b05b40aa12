"""What the Bolt app listens to: ``/papers``, the digest buttons, uninstall events.

Each listener acks first — Slack gives 3 seconds — then calls the core and answers through
``respond`` (``response_url``: 5 uses within 30 minutes), so a slow search never shows the
user a timeout. Listeners translate only; the grammar and the rules live in the core.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import (
    SHARE_ACTION_ID,
    escape,
    mention,
    parse_feedback_action,
    render_digest,
    render_results,
)
from adapters.slack.directory import SlackDirectory
from adapters.slack.reactions import REACTION_EVENTS, register_reactions
from bot.chat import (
    Caller,
    ChannelRef,
    ChannelStatus,
    CommandHandler,
    Reply,
    SignalHandler,
    Visibility,
)

log = logging.getLogger(__name__)

SLASH_COMMAND = "/papers"
SORRY = "Sorry, something went wrong inside Paperboy; the details are in the log."
_FEEDBACK_ACTIONS = re.compile(r"^paperboy_feedback_[a-z]+$")
# Every bot event Paperboy subscribes to (the app manifest lists exactly these).
BOT_EVENTS = ("app_uninstalled", "tokens_revoked", *REACTION_EVENTS)


def _channel(team_id: str | None, channel_id: str, name: str | None = None) -> ChannelRef:
    shown = name if name and name not in ("directmessage", "privategroup") else None
    return ChannelRef("slack", channel_id, workspace_id=team_id or "", name=shown)


def _action_channel(body: dict[str, Any]) -> ChannelRef:
    """The channel a button was pressed in (block_actions carry its id and name)."""
    where = body.get("channel") or {}
    return _channel((body.get("team") or {}).get("id"), str(where.get("id", "")), where.get("name"))


def reply_bodies(reply: Reply, *, share_value: str | None) -> list[dict[str, Any]]:
    """The ``respond`` bodies for the core's reply, in order: errors and searches only to the
    caller, announcements to all. Every text is escaped (``& < >``): a topic or a name can
    never ping or hide a link."""
    visible = (
        "in_channel"
        if reply.visibility is Visibility.CHANNEL and not reply.is_error
        else "ephemeral"
    )
    common: dict[str, Any] = {
        "unfurl_links": False,
        "unfurl_media": False,
        "replace_original": False,
    }
    bodies: list[dict[str, Any]] = []
    private_notice = reply.notice if visible == "ephemeral" else None
    text = reply.text
    if reply.notice and not private_notice:  # public: the notice goes to the caller alone
        bodies.append({"text": escape(reply.notice), "response_type": "ephemeral"})
        text = text.removeprefix(f"{reply.notice}\n\n")
    if reply.is_error:
        bodies.append({"text": escape(reply.text), "response_type": "ephemeral"})
    elif reply.results:
        shareable = share_value if visible == "ephemeral" else None
        message = render_results(
            reply.heading, reply.results, share_value=shareable, notice=private_notice
        )
        bodies.append({"text": message.text, "blocks": message.blocks, "response_type": visible})
    elif reply.digest is not None:
        if private_notice:
            bodies.append({"text": escape(private_notice), "response_type": "ephemeral"})
        bodies += [
            {"text": message.text, "blocks": message.blocks, "response_type": visible}
            for message in render_digest(reply.digest)[:3]
        ]
    else:
        bodies.append({"text": escape(text), "response_type": visible})
    if reply.announce and not reply.is_error:
        bodies.append({"text": escape(reply.announce), "response_type": "in_channel"})
    return [{**body, **common} for body in bodies]


async def send_reply(respond: AsyncRespond, reply: Reply, *, share_value: str | None) -> None:
    """Send :func:`reply_bodies` through ``respond`` (the command's ``response_url``)."""
    for body in reply_bodies(reply, share_value=share_value):
        await respond(**body)


async def share_reply(respond: AsyncRespond, reply: Reply, *, shared_by: str) -> None:
    """Post search results in the channel for "Share in channel". Only the results go to
    the channel: a pause notice (or an error) is for the sharer alone."""
    if reply.is_error or not reply.results:
        await send_reply(respond, reply, share_value=None)
        return
    message = render_results(reply.heading, reply.results, shared_by=shared_by)
    await respond(
        text=message.text,
        blocks=message.blocks,
        response_type="in_channel",
        replace_original=False,
        unfurl_links=False,
        unfurl_media=False,
    )
    if reply.notice:
        await respond(text=escape(reply.notice), response_type="ephemeral", replace_original=False)


def register_listeners(
    app: AsyncApp,
    handler: CommandHandler,
    status: ChannelStatus,
    installation_store: AsyncInstallationStore | None,
    directory: SlackDirectory | None = None,
) -> None:
    """Attach every Paperboy listener to ``app`` (reactions when the core takes them).
    ``directory`` answers the core's questions about a caller (admin? in a user group?)
    with a short cache shared by every request."""
    if isinstance(handler, SignalHandler):
        register_reactions(app, handler)
    _register_commands(app, handler, directory or SlackDirectory())
    _register_lifecycle(app, status, installation_store)


def _register_commands(app: AsyncApp, handler: CommandHandler, members: SlackDirectory) -> None:
    """``/papers``, the feedback buttons and "Share in channel": into the core, and back."""

    @app.command(SLASH_COMMAND)
    async def on_papers(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        text = str(body.get("text") or "")
        channel = _channel(
            body.get("team_id"), str(body.get("channel_id", "")), body.get("channel_name")
        )
        user_id = str(body.get("user_id", ""))
        caller = Caller(
            user_id=user_id,
            display_name=body.get("user_name"),
            directory=members.member(client, channel.workspace_id, user_id),
        )
        try:
            reply = await handler.handle(channel, text, caller)
            await send_reply(respond, reply, share_value=text)
        except Exception:
            log.exception("slack /papers failed", extra=channel.log_fields())
            await respond(text=SORRY, response_type="ephemeral")

    @app.action(_FEEDBACK_ACTIONS)
    async def on_feedback(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        kind = parse_feedback_action(str(action.get("action_id", "")))
        paper_id = str(action.get("value", ""))
        if kind is None or not paper_id:
            return
        channel = _action_channel(body)
        caller = Caller(user_id=str((body.get("user") or {}).get("id", "")))
        try:
            reply = await handler.feedback(channel, paper_id, kind, caller)
            await send_reply(respond, reply, share_value=None)
        except Exception:
            log.exception("slack feedback failed", extra=channel.log_fields())
            await respond(text=SORRY, response_type="ephemeral", replace_original=False)

    @app.action(SHARE_ACTION_ID)
    async def on_share(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        channel = _action_channel(body)
        user_id = str((body.get("user") or {}).get("id", ""))
        try:
            text = str(action.get("value", ""))
            reply = await handler.handle(channel, text, Caller(user_id=user_id))
            await share_reply(respond, reply, shared_by=mention(user_id))
            if isinstance(handler, SignalHandler) and not reply.is_error:
                ids = [r.paper.arxiv_id for r in reply.results]
                await handler.shared(channel, ids, user_id)
        except Exception:
            log.exception("slack share failed", extra=channel.log_fields())
            await respond(text=SORRY, response_type="ephemeral", replace_original=False)


def _register_lifecycle(
    app: AsyncApp, status: ChannelStatus, installation_store: AsyncInstallationStore | None
) -> None:
    """Uninstalls and revoked tokens: forget the workspace's token, pause its channels."""

    async def lose_workspace(body: dict[str, Any], reason: str) -> None:
        team_id = str(body.get("team_id") or "")
        enterprise_id = body.get("enterprise_id")
        log.warning(
            "slack workspace lost",
            extra={"platform": "slack", "workspace_id": team_id, "reason": reason},
        )
        if installation_store is not None:
            await installation_store.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
        await status.pause_workspace("slack", team_id, reason)

    @app.event("app_uninstalled")
    async def on_uninstalled(body: dict[str, Any]) -> None:
        await lose_workspace(body, "Paperboy was uninstalled from this workspace.")

    @app.event("tokens_revoked")
    async def on_tokens_revoked(body: dict[str, Any], event: dict[str, Any]) -> None:
        if (event.get("tokens") or {}).get("bot"):
            await lose_workspace(body, "Paperboy's bot token was revoked.")
