"""Links to a posted digest message, built from what the platform returned when posting."""

from __future__ import annotations

from bot.chat import ChannelRef


def message_link(channel: ChannelRef, message_ref: str | None) -> str | None:
    """A browser link to the message ``message_ref`` in ``channel``, when one can be built
    without asking the platform.

    Discord documents message links as ``https://discord.com/channels/<guild>/<channel>/<id>``.
    Slack's permalinks (https://api.slack.com/methods/chat.getPermalink) are
    ``…/archives/<channel>/p<ts without the dot>``; ``slack.com`` sends a signed-in reader on
    to their workspace. The console has no links (its key is shown instead).
    """
    if not message_ref:
        return None
    if channel.platform == "discord" and channel.workspace_id and message_ref.isdigit():
        return f"https://discord.com/channels/{channel.workspace_id}/{channel.channel_id}/{message_ref}"
    if channel.platform == "slack" and message_ref.replace(".", "", 1).isdigit():
        return f"https://slack.com/archives/{channel.channel_id}/p{message_ref.replace('.', '')}"
    return None
