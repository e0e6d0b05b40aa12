"""Text hygiene shared by every parser: collapse whitespace, drop control characters."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Collapse runs of whitespace (arXiv hard-wraps) and drop control/format characters.

    Unicode letters, accents and ``$LaTeX$`` stay as they are; bidi overrides and other
    invisible format characters (category Cf) go, so a title cannot reorder a message.
    """
    kept = "".join(
        ch
        for ch in text
        if ch in "\n\t " or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co")
    )
    return _SPACE.sub(" ", kept).strip()
