"""Raw ``INTERACTION_CREATE`` payloads as Discord's gateway sends them
(https://discord.com/developers/docs/interactions/receiving-and-responding)."""

from __future__ import annotations

import itertools
from typing import Any

import discord

from tests.kit.discord import APP_ID, CHANNEL_ID, GUILD_ID

MANAGER = discord.Permissions(manage_channels=True, view_channel=True, send_messages=True)
MEMBER = discord.Permissions(view_channel=True, send_messages=True)
BOT_CAN_POST = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)
_tokens = itertools.count(1)


def interaction(
    kind: int,
    data: dict[str, Any],
    *,
    permissions: discord.Permissions = MANAGER,
    app_permissions: discord.Permissions = BOT_CAN_POST,
    message: dict[str, Any] | None = None,
    user_id: int = 500000000000000001,
) -> dict[str, Any]:
    """A guild interaction of ``kind`` (2 command, 3 button, 4 autocomplete)."""
    payload: dict[str, Any] = {
        # A snowflake of "now": discord.py derives created_at and the 15-minute expiry from it.
        "id": str(discord.utils.time_snowflake(discord.utils.utcnow()) + next(_tokens)),
        "application_id": str(APP_ID),
        "type": kind,
        "token": f"interaction-token-{next(_tokens)}",
        "version": 1,
        "guild_id": str(GUILD_ID),
        "channel_id": str(CHANNEL_ID),
        "channel": {
            "id": str(CHANNEL_ID),
            "type": 0,
            "guild_id": str(GUILD_ID),
            "name": "papers",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        },
        "member": {
            "user": {
                "id": str(user_id),
                "username": "ada",
                "discriminator": "0",
                "global_name": "Ada",
                "avatar": None,
            },
            "roles": [],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "permissions": str(permissions.value),
            "deaf": False,
            "mute": False,
            "flags": 0,
        },
        "app_permissions": str(app_permissions.value),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 8388608,
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0,
        "data": data,
    }
    if message is not None:
        payload["message"] = message
    return payload


def papers_command(sub: str, **options: Any) -> dict[str, Any]:
    """``/papers <sub> option:value…`` as command data (type 2)."""
    typed = [
        {"type": 5 if isinstance(v, bool) else 3, "name": k, "value": v} for k, v in options.items()
    ]
    return {
        "id": "100000000000000001",
        "name": "papers",
        "type": 1,
        "options": [{"type": 1, "name": sub, "options": typed}],
    }


def papers_autocomplete(sub: str, option: str, typed: str) -> dict[str, Any]:
    """The member typing ``typed`` into ``option`` of ``/papers <sub>`` (type 4)."""
    data = papers_command(sub, **{option: typed})
    data["options"][0]["options"][0]["focused"] = True
    return data


def button_press(custom_id: str) -> dict[str, Any]:
    """Component data for a press on the button ``custom_id`` (type 3)."""
    return {"custom_id": custom_id, "component_type": 2}
