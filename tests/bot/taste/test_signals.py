"""The documented emoji table: what counts as a vote on each platform's spelling."""

from __future__ import annotations

import pytest

from bot.chat import FeedbackKind
from bot.taste.signals import Direction, button_vote, reaction_direction, reaction_signal

SLACK_UP = ["+1", "thumbsup", "heart", "fire", "star", "+1::skin-tone-4"]
DISCORD_UP = ["👍", "👍🏽", "❤️", "❤", "🔥", "⭐"]


@pytest.mark.parametrize("emoji", [*SLACK_UP, *DISCORD_UP])
def test_liking_emoji_are_up_votes(emoji: str) -> None:
    assert reaction_direction(emoji) is Direction.UP


@pytest.mark.parametrize("emoji", ["-1", "thumbsdown", "-1::skin-tone-2", "👎", "👎🏿"])
def test_thumbs_down_is_a_down_vote(emoji: str) -> None:
    assert reaction_direction(emoji) is Direction.DOWN


@pytest.mark.parametrize("emoji", ["eyes", "tada", "👀", "🎉", "<:custom:123>", "", "star-struck"])
def test_other_emoji_are_not_votes(emoji: str) -> None:
    assert reaction_direction(emoji) is None


def test_one_emoji_is_one_signal_in_either_spelling() -> None:
    assert reaction_signal("+1") == reaction_signal("👍") == reaction_signal("thumbsup")
    assert reaction_signal("+1::skin-tone-3") == reaction_signal("👍🏽")
    assert reaction_signal("heart") == reaction_signal("❤️")
    assert reaction_signal("heart") != reaction_signal("fire")


def test_buttons_share_one_signal_and_more_is_its_own() -> None:
    assert button_vote(FeedbackKind.UP) == ("button", Direction.UP)
    assert button_vote(FeedbackKind.DOWN) == ("button", Direction.DOWN)
    assert button_vote(FeedbackKind.MORE) == ("more", Direction.UP)
