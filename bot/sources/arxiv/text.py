"""arXiv's text conventions: withdrawal notices, TeX accents in names, RSS creator lists
(split from :mod:`bot.sources.arxiv.parse`, which re-exports these functions)."""

from __future__ import annotations

import re
import unicodedata

from bot.text import clean_text

_WITHDRAWN_COMMENT = re.compile(r"\bwithdrawn?\b", re.IGNORECASE)
_WITHDRAWN_ABSTRACT = re.compile(
    r"^\s*(?:this (?:paper|article|submission|manuscript|work|version) (?:has been|is) "
    r"withdrawn|withdrawn\b)",
    re.IGNORECASE,
)
_TEX_ACCENT = re.compile(r"\{?\\([`'^\"~=.uvHc])\s*\{?([A-Za-z])\}?\}?")
_COMBINING = {
    "`": "\u0300",
    "'": "\u0301",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    "u": "\u0306",
    ".": "\u0307",
    '"': "\u0308",
    "H": "\u030b",
    "v": "\u030c",
    "c": "\u0327",
}


def is_withdrawn(comment: str | None, abstract: str) -> bool:
    """arXiv has no withdrawn flag: the withdrawing version says so in its comment.

    https://info.arxiv.org/help/withdraw.html. The abstract check covers feeds that carry no comment
    (RSS), where a withdrawal notice replaces the abstract.
    """
    if comment and _WITHDRAWN_COMMENT.search(comment):
        return True
    return bool(_WITHDRAWN_ABSTRACT.match(abstract))


def tex_accents_to_unicode(text: str) -> str:
    """``Barth\\'elemy`` → ``Barthélemy``: feeds carry raw TeX accents in author names."""

    def _accent(match: re.Match[str]) -> str:
        return match.group(2) + _COMBINING[match.group(1)]

    return unicodedata.normalize("NFC", _TEX_ACCENT.sub(_accent, text))


def split_creators(creators: str) -> tuple[str, ...]:
    """Split an RSS ``dc:creator`` string into names, dropping ``(affiliations)``.

    The string is ``First Last (Affil1, Affil2), Other Name`` (arXiv-feed serializer), so commas
    inside parentheses do not separate authors.
    """
    names: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in creators:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and ch == ",":
            names.append("".join(current))
            current = []
        elif depth == 0:
            current.append(ch)
    names.append("".join(current))
    cleaned = (re.sub(r"^and\s+", "", clean_text(tex_accents_to_unicode(n))) for n in names)
    return tuple(name for name in cleaned if name)
