"""Slack: slash command, digests in Block Kit, OAuth installs in many workspaces (slack-bolt).

``paperboy serve`` calls :func:`build_runtime` with :class:`SlackSettings` read from the
environment.
"""

from adapters.slack.runtime import SlackRuntime, build_runtime
from adapters.slack.settings import SlackMode, SlackSettings

__all__ = ["SlackMode", "SlackRuntime", "SlackSettings", "build_runtime"]
