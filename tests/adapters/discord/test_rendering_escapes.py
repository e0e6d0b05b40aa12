"""Paper text can never become a masked link on Discord, however many it tries."""

from __future__ import annotations

import re

from adapters.discord.rendering import escape_text

_LIVE_MASKED_LINK = re.compile(r"(?<!\\)\[[^\]]*\]\([^)]*\)")


def test_every_masked_link_in_a_string_is_escaped() -> None:
    text = "see [one](https://a.example) and [two](https://b.example) and [3](https://c)"
    assert _LIVE_MASKED_LINK.findall(escape_text(text)) == []


def test_a_single_masked_link_is_escaped_once_not_twice() -> None:
    assert escape_text("[a](https://x)") == "\\[a](https://x)"
