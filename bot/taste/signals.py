"""Which signals count as a vote, and which way.

The table, documented once (README "Votes and taste" derives from it):

=================================  ======  ==========================================
signal                             vote    where it comes from
=================================  ======  ==========================================
👍 ❤️ 🔥 ⭐ reaction                up      Slack ``reaction_added``, Discord raw reaction
👎 reaction                        down    the same events
👍 / 👎 button                      up/down the buttons under each digest paper
*More like this*                   up      the button: asking for more is liking it
*Share in channel*                 up      sharing a result with the team
=================================  ======  ==========================================

Other emoji are not votes (👀 or 🎉 say something else). Slack names emoji by short name
(``+1``, ``thumbsup``; skin tones as ``+1::skin-tone-3``), Discord by the character itself
(with an optional variation selector); both spellings are here.
"""

from __future__ import annotations

from enum import StrEnum

from bot.chat import FeedbackKind


class Direction(StrEnum):
    """Which way a vote goes."""

    UP = "up"
    DOWN = "down"


UP_EMOJI = ("👍", "❤️", "🔥", "⭐")
DOWN_EMOJI = ("👎",)
_SLACK_NAMES = {
    "+1": Direction.UP,
    "thumbsup": Direction.UP,
    "heart": Direction.UP,
    "fire": Direction.UP,
    "star": Direction.UP,
    "-1": Direction.DOWN,
    "thumbsdown": Direction.DOWN,
}
_VARIATION_SELECTOR = "\ufe0f"
_CHARACTERS = {e.replace(_VARIATION_SELECTOR, ""): Direction.UP for e in UP_EMOJI} | {
    e: Direction.DOWN for e in DOWN_EMOJI
}
_SKIN_TONES = tuple(chr(c) for c in range(0x1F3FB, 0x1F400))

BUTTON_SIGNAL = "button"
MORE_SIGNAL = "more"
SHARE_SIGNAL = "share"


def reaction_direction(emoji: str) -> Direction | None:
    """The vote an emoji reaction means, or None when it is not a vote.

    Accepts Slack short names (``+1``, ``heart``, ``+1::skin-tone-2``) and the characters
    Discord sends (``👍``, ``👍🏽``, ``❤️`` with or without U+FE0F).
    """
    name = emoji.strip().split("::", 1)[0].strip(":")
    if name in _SLACK_NAMES:
        return _SLACK_NAMES[name]
    bare = "".join(ch for ch in name if ch != _VARIATION_SELECTOR and ch not in _SKIN_TONES)
    return _CHARACTERS.get(bare)


def reaction_signal(emoji: str) -> str:
    """The stored signal of a reaction: one per emoji, so 👍 and ❤️ from one person are two
    signals (taking one back keeps the other) but still one vote on the paper."""
    name = emoji.strip().split("::", 1)[0].strip(":")
    bare = "".join(ch for ch in name if ch != _VARIATION_SELECTOR and ch not in _SKIN_TONES)
    canonical = {"thumbsup": "+1", "thumbsdown": "-1", "👍": "+1", "👎": "-1"}.get(bare, bare)
    canonical = {"❤": "heart", "🔥": "fire", "⭐": "star"}.get(canonical, canonical)
    return f"reaction:{canonical}"[:80]


def button_vote(kind: FeedbackKind) -> tuple[str, Direction]:
    """The signal and vote of a digest button: 👍/👎 are one signal (the later press wins),
    *More like this* is its own, always up."""
    if kind is FeedbackKind.MORE:
        return MORE_SIGNAL, Direction.UP
    return BUTTON_SIGNAL, Direction.UP if kind is FeedbackKind.UP else Direction.DOWN
