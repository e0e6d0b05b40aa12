"""The app manifest asks for exactly what the code uses: the command, scopes and events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from adapters.slack.listeners import BOT_EVENTS, SLASH_COMMAND
from adapters.slack.runtime import BOT_SCOPES

MANIFEST = Path(__file__).resolve().parents[3] / "deploy" / "slack-manifest.yaml"


def test_manifest_matches_the_code() -> None:
    manifest: dict[str, Any] = yaml.safe_load(MANIFEST.read_text())

    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands == [SLASH_COMMAND]
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == set(BOT_EVENTS)
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
