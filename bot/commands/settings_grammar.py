"""The values of ``/papers settings``: one ``key value`` pair at a time, checked and turned
into the channel setting it changes (split from :mod:`bot.commands.grammar`)."""

from __future__ import annotations

import re

from bot.errors import UserError

MAX_PAPERS_LIMIT = 20
_WINDOW = re.compile(r"^(\d{1,3})d$")


def is_number(text: str) -> bool:
    """ASCII digits only: ``"²".isdigit()`` is True, yet ``int("²")`` raises."""
    return text.isascii() and text.isdigit()


def settings_change(key: str, value: str) -> tuple[str, object]:
    """One ``settings`` pair as (stored field, value); a friendly :class:`UserError` for a
    setting that does not exist or a value it does not take."""
    key = key.lower()
    if key == "max":
        if not is_number(value) or not 1 <= int(value) <= MAX_PAPERS_LIMIT:
            raise UserError(
                f"max takes a number from 1 to {MAX_PAPERS_LIMIT}.", example="settings max 5"
            )
        return "max_papers", int(value)
    if key in ("min-upvotes", "min_upvotes", "minupvotes"):
        if value.lower() in ("off", "none", "0"):
            return "min_upvotes", None
        if not is_number(value) or len(value) > 6:
            raise UserError("min-upvotes takes a whole number.", example="settings min-upvotes 10")
        return "min_upvotes", int(value)
    if key == "window":
        if value.lower() == "all":
            return "window_days", None
        match = _WINDOW.match(value.lower())
        if not match or not 1 <= int(match.group(1)) <= 365:
            raise UserError(
                "window takes a number of days (1d to 365d) or all.", example="settings window 7d"
            )
        return "window_days", int(match.group(1))
    if key == "empty":
        if value.lower() not in ("quiet", "explain"):
            raise UserError(
                "empty takes quiet (post nothing) or explain (say why there is nothing).",
                example="settings empty explain",
            )
        return "empty_mode", value.lower()
    if key == "taste":
        if value.lower() not in ("on", "off"):
            raise UserError(
                "taste takes on (votes shape the ranking) or off.", example="settings taste off"
            )
        return "taste_enabled", value.lower() == "on"
    if key in ("followups", "follow-ups", "followup"):
        if value.lower() in ("off", "none", "0"):
            return "followup_upvotes", None
        if not is_number(value) or len(value) > 6:
            raise UserError(
                "followups takes the upvotes a paper must reach for a reply in its thread, or off.",
                example="settings followups 50",
            )
        return "followup_upvotes", int(value)
    raise UserError(
        f"'{key}' is not a setting; the settings are max, min-upvotes, window, empty, taste "
        "and followups (and, for workspace admins, managers).",
        example="settings max 5",
    )
