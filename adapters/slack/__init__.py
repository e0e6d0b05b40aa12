"""Slack: slash command, digests in Block Kit, OAuth installs in many workspaces (slack-bolt).

Where things are:

- ``/papers``, buttons and uninstall events arrive in :mod:`adapters.slack.listeners` (the
  core's reply → ``respond`` bodies), reactions in :mod:`adapters.slack.reactions`.
- Slack errors are handled in :mod:`adapters.slack.poster` (``chat.postMessage`` errors →
  pause the channel, disable the workspace, or try later) and :mod:`adapters.slack.retry`
  (429/5xx retries for every Web API call); lookups about a member in
  :mod:`adapters.slack.directory`; forged requests stop in :mod:`adapters.slack.signing`.
- Messages are built in :mod:`adapters.slack.blocks` (Block Kit within Slack's limits).
- :mod:`adapters.slack.runtime` builds it all; :mod:`adapters.slack.stores` keeps OAuth
  installations in our database.

The composition root reads :class:`SlackSettings` as part of :class:`adapters.settings.Settings`
and builds the platform with :func:`adapters.slack.runtime.build_platform`. Names are loaded on
first use (PEP 562), so reading the settings never imports slack-bolt.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.slack.runtime import SlackPlatform, SlackRuntime, build_runtime
    from adapters.slack.settings import SlackMode, SlackSettings

_HOMES = {
    "SlackPlatform": "adapters.slack.runtime",
    "SlackRuntime": "adapters.slack.runtime",
    "build_runtime": "adapters.slack.runtime",
    "SlackMode": "adapters.slack.settings",
    "SlackSettings": "adapters.slack.settings",
}
__all__ = ["SlackMode", "SlackPlatform", "SlackRuntime", "SlackSettings", "build_runtime"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'adapters.slack' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
