"""Who may change what a workspace's channels follow: everyone, its admins, or a user group.

A workspace-level choice (Slack today), set by a workspace admin or owner with
``/papers settings managers everyone|admins|group:<handle>`` and checked by the core on every
verb the command table marks as managing (:func:`bot.commands.grammar.needs_manage`). The
platform answers the two questions the rule needs through the caller's
:class:`bot.chat.MemberDirectory`; the core never learns how (Slack: ``users.info`` and
``usergroups.users.list``, cached briefly by the adapter).

Admins and owners always qualify, whatever the rule: whoever can change the rule must not be
locked out of the channels it protects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.chat import MemberDirectory
from bot.errors import UserError

_HANDLE = re.compile(r"^@?([a-z0-9][a-z0-9._\-]{0,79})$")
EXAMPLE = "/papers settings managers admins"


class Managers(StrEnum):
    """Who may run a managing command in a workspace's channels."""

    EVERYONE = "everyone"
    ADMINS = "admins"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class ManagerRule:
    """A workspace's rule; ``handle`` names the user group (``ml-leads``) for ``GROUP``."""

    managers: Managers = Managers.EVERYONE
    handle: str = ""

    @classmethod
    def parse(cls, text: str) -> ManagerRule:
        """``everyone``, ``admins`` or ``group:<handle>`` (``@handle`` too); a mistake is a
        friendly error with an example."""
        word = text.strip().lower()
        if word in (Managers.EVERYONE, Managers.ADMINS):
            return cls(Managers(word))
        kind, colon, handle = word.partition(":")
        match = _HANDLE.match(handle)
        if kind == Managers.GROUP and colon and match:
            return cls(Managers.GROUP, match.group(1))
        raise UserError(
            f"'{text}' is not a choice for managers: everyone, admins, or group:<handle> "
            "(a user group's handle).",
            example="/papers settings managers group:ml-leads",
        )

    def __str__(self) -> str:
        return f"group:{self.handle}" if self.managers is Managers.GROUP else self.managers.value

    @property
    def needs(self) -> str | None:
        """What a member needs, worded for help and refusals ("needs …", "members with …");
        None when anyone may."""
        if self.managers is Managers.ADMINS:
            return "admin or owner rights in this workspace"
        if self.managers is Managers.GROUP:
            return f"a place in the @{self.handle} user group (or admin rights)"
        return None

    def described(self) -> str:
        """The rule in a sentence's words: "everyone", "workspace admins and owners", …"""
        if self.managers is Managers.ADMINS:
            return "workspace admins and owners"
        if self.managers is Managers.GROUP:
            return f"members of @{self.handle} (and workspace admins)"
        return "everyone"

    async def admits(self, directory: MemberDirectory) -> bool:
        """Whether the member ``directory`` describes may manage under this rule. Raises
        :class:`bot.chat.DirectoryUnavailable` when the platform cannot say."""
        if self.managers is Managers.EVERYONE:
            return True
        if self.managers is Managers.GROUP and await directory.in_group(self.handle):
            return True
        return await directory.is_admin()


EVERYONE = ManagerRule()


class WorkspaceRules(Protocol):
    """Where each workspace's :class:`ManagerRule` is kept (storage implements it)."""

    def manager_rule(self, platform: str, workspace_id: str) -> ManagerRule:
        """The workspace's rule; :data:`EVERYONE` when it never chose."""
        ...

    def set_manager_rule(
        self, platform: str, workspace_id: str, rule: ManagerRule, now: datetime
    ) -> None:
        """Store the workspace's rule (replacing the previous one)."""
        ...
