"""Lets platform runtimes pause channels and workspaces they lost (``bot.chat.ChannelStatus``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from bot.channels import ChannelRepository
from bot.chat import ChannelRef

log = logging.getLogger(__name__)


class RepositoryChannelStatus:
    """Records lost access in the channel store, so digests stop and users are told why."""

    def __init__(
        self,
        channels: ChannelRepository,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._channels = channels
        self._clock = clock

    async def pause_channel(self, channel: ChannelRef, reason: str) -> None:
        """Pause the channel's subscriptions until someone fixes access."""
        await asyncio.to_thread(self._channels.set_paused, channel, reason, self._clock())
        log.warning(
            "paused %s: %s",
            channel,
            reason,
            extra={"platform": channel.platform, "channel_id": channel.channel_id},
        )

    async def pause_workspace(self, platform: str, workspace_id: str, reason: str) -> None:
        """Pause every channel of a workspace/guild."""
        count = await asyncio.to_thread(
            self._channels.pause_workspace, platform, workspace_id, reason, self._clock()
        )
        log.warning(
            "paused %d channels of %s workspace %s: %s",
            count,
            platform,
            workspace_id,
            reason,
            extra={"platform": platform, "workspace_id": workspace_id},
        )
