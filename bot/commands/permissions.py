"""The gate in front of every managing ``/papers`` command, and the command that sets it.

Two sources decide whether a caller may change what a channel follows: the platform's own
answer (``Caller.can_manage``, e.g. Discord's Manage Channels permission) and the workspace's
:class:`~bot.commands.managers.ManagerRule` (Slack: everyone, admins, or a user group). Both
must allow it. A workspace that chose a rule refuses a caller whose platform cannot be asked
(no ``directory``), so no path around the Slack adapter's check exists.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from bot.chat import Caller, ChannelRef, DirectoryUnavailable, Reply, Visibility
from bot.commands import table
from bot.commands.managers import EVERYONE, ManagerRule, Managers, WorkspaceRules
from bot.commands.render import error_reply

log = logging.getLogger(__name__)


def _cannot_check(ref: ChannelRef, exc: DirectoryUnavailable) -> Reply:
    log.warning("member directory unavailable: %s", exc.reason, extra=ref.log_fields())
    return error_reply(
        f"I could not check who may manage channels here: {exc.reason} Try again in a minute."
    )


class ManagerGate:
    """Checks managing commands against the workspace's rule, and lets admins choose it."""

    def __init__(self, rules: WorkspaceRules | None) -> None:
        self._rules = rules

    async def rule_for(self, ref: ChannelRef) -> ManagerRule:
        """The rule of ``ref``'s workspace (:data:`EVERYONE` without one, or no store)."""
        if self._rules is None or not ref.workspace_id:
            return EVERYONE
        return await asyncio.to_thread(self._rules.manager_rule, ref.platform, ref.workspace_id)

    async def manage_rule(self, ref: ChannelRef, caller: Caller) -> str | None:
        """Who may manage here, in words for help and refusals (None: anyone)."""
        return caller.manage_rule or (await self.rule_for(ref)).needs

    async def refusal(self, ref: ChannelRef, caller: Caller) -> Reply | None:
        """The answer to a caller who may not run a managing command here; None: go on."""
        if not caller.can_manage:
            return error_reply(table.not_allowed(caller.manage_rule))
        rule = await self.rule_for(ref)
        if rule.managers is Managers.EVERYONE:
            return None
        try:
            allowed = caller.directory is not None and await rule.admits(caller.directory)
        except DirectoryUnavailable as exc:
            return _cannot_check(ref, exc)
        return None if allowed else error_reply(table.not_allowed(rule.needs))

    async def choose(
        self, ref: ChannelRef, rule: ManagerRule, caller: Caller, now: datetime
    ) -> Reply:
        """``settings managers …``: only a workspace admin or owner, on a platform whose
        workspaces choose (Slack), and only a user group that exists."""
        directory = caller.directory
        if directory is None or self._rules is None or not ref.workspace_id:
            who = caller.manage_rule or "everyone in the channel"
            return error_reply(f"Here the platform decides who may manage channels: {who}.")
        try:
            if not await directory.is_admin():
                return error_reply("Only workspace admins and owners choose who manages channels.")
            if rule.managers is Managers.GROUP and await directory.in_group(rule.handle) is None:
                return error_reply(
                    f"This workspace has no user group @{rule.handle}. Use its handle, "
                    "as in `/papers settings managers group:ml-leads`."
                )
        except DirectoryUnavailable as exc:
            return _cannot_check(ref, exc)
        await asyncio.to_thread(
            self._rules.set_manager_rule, ref.platform, ref.workspace_id, rule, now
        )
        who = caller.dialect.quote(caller.display_name) if caller.display_name else "Someone"
        told = f"{rule.described()} may change what this workspace's channels follow"
        return Reply(
            text=f"Done: {told}.",
            visibility=Visibility.EPHEMERAL,
            announce=f"{who} decided that {told}.",
        )

    async def help_line(self, ref: ChannelRef, caller: Caller) -> str | None:
        """For a platform whose workspaces choose: the current rule and how to change it."""
        if caller.directory is None or self._rules is None or not ref.workspace_id:
            return None
        rule = await self.rule_for(ref)
        return (
            f"Who may change what channels follow: {rule.described()}. Workspace admins "
            "choose with `/papers settings managers everyone`, `admins` or `group:<handle>`."
        )
