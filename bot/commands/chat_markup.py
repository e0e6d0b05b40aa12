"""Chat markup in what users type, read as the words they meant.

Slack sends a slash command's text with its own markup: a link as ``<https://x|label>``, a
mention as ``<@U123>``, ``<!channel>`` or ``<#C1|name>``, and ``& < >`` typed by the user as
``&amp; &lt; &gt;`` (https://docs.slack.dev/messaging/formatting-message-text#escaping).
Discord mentions look alike (``<@123>``, ``<@&123>``, ``<#123>``). Left as they are, these
became topic words (``https``, ``u123``). A link becomes its label (or its URL without the
scheme); a mention is
refused with a message, since no topic or search means a person or a channel.
"""

from __future__ import annotations

import re

from bot.errors import UserError

_MARKUP = re.compile(r"<([^<>]*)>")
_MENTION_STARTS = ("@", "!", "#")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:(//)?", re.IGNORECASE)
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))  # &amp; last: "&amp;lt;" is "&lt;"


def _unwrap(match: re.Match[str]) -> str:
    inside = match.group(1)
    if inside.startswith(_MENTION_STARTS):
        raise UserError(
            "Commands cannot contain mentions (@someone, @channel, #channel): write the words "
            "of the topic or search instead.",
            example='/papers subscribe "scaling laws"',
        )
    target, _, label = inside.partition("|")
    # Without a label, the URL's words: "https:" would read as an (unknown) query filter.
    return label or _SCHEME.sub("", target)


def plain_words(text: str) -> str:
    """``text`` with chat links unwrapped and Slack's escapes undone; UserError on mentions."""
    unwrapped = _MARKUP.sub(_unwrap, text)
    for entity, character in _ENTITIES:
        unwrapped = unwrapped.replace(entity, character)
    return unwrapped
