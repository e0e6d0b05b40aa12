"""The search query language, parsed once here and shared by the CLI, Slack and Discord.

    scaling laws "mixture of experts" -vision author:hinton org:meta cat:cs.LG
    min-upvotes:10 since:7d since:2026-01-31

Plain words are soft: they rank (a paper that covers more of them ranks higher) and enough
of them must match (:func:`min_should_match`), but not all, so a sentence or a pasted title
searches. Stopwords never decide a match, and words are stemmed (``scaling`` finds ``scale``,
``gpus`` finds ``gpu``). The operators are hard: quoted phrases must appear as written,
``+word`` must appear, ``-word`` / ``-"a phrase"`` exclude, and the five ``key:value``
filters narrow the set. Any other ``word:`` is text (``FewRel: A Dataset`` searches). A
mistake raises :class:`QuerySyntaxError`, whose message names the problem and shows an
example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.errors import UserError
from bot.ranking.matching import MIN_MATCH_SHARE as MIN_MATCH_SHARE  # re-exported, as above
from bot.ranking.matching import MatchPlan as MatchPlan
from bot.ranking.matching import match_plan as match_plan
from bot.ranking.matching import min_should_match as min_should_match
from bot.ranking.terms import STOPWORDS as STOPWORDS  # re-exported: its home before the split
from bot.ranking.terms import content_words as content_words
from bot.ranking.terms import stem as stem
from bot.ranking.terms import stems as stems
from bot.ranking.terms import tokenize as tokenize
from bot.ranking.terms import word_stems as word_stems
from bot.sources.arxiv.categories import canonical_category, close_categories
from bot.sources.arxiv.ids import base_id

_FILTER = re.compile(r"^([a-zA-Z][a-zA-Z\-]*):(.*)$", re.DOTALL)
_SINCE_DAYS = re.compile(r"^(\d{1,4})([dwmy])$")
_CATEGORY = re.compile(r"^[a-z\-]+(\.[A-Za-z\-]+)?$")
FILTERS = ("author:", "org:", "cat:", "min-upvotes:", "since:")
_FILTER_KEYS = frozenset(f[:-1] for f in FILTERS)
EXAMPLE = '"scaling laws" -vision author:kaplan cat:cs.LG min-upvotes:5 since:7d'
MAX_QUERY_CHARS = 500


class QuerySyntaxError(UserError):
    """The query could not be read; the message says where and shows an example."""

    def __init__(self, message: str) -> None:
        super().__init__(message, example=EXAMPLE)


@dataclass(frozen=True, slots=True)
class Since:
    """A lower bound on a paper's date: ``days`` ago, or a fixed ``day``."""

    days: int | None = None
    day: date | None = None

    def resolve(self, now: datetime) -> date:
        """The earliest date that passes, as of ``now``."""
        if self.day is not None:
            return self.day
        return (now - timedelta(days=self.days or 0)).date()

    def __str__(self) -> str:
        return self.day.isoformat() if self.day else f"{self.days}d"


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query. Empty text with filters only is allowed (``cat:cs.LG``)."""

    words: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    min_upvotes: int | None = None
    since: Since | None = None
    # "Papers like this one": the arXiv id (version-less) pasted as the whole query.
    like: str | None = None
    # How many soft words must match, when the ranker knows better than
    # :func:`min_should_match` (a "more like this" query built from a paper's own words).
    min_match: int | None = None

    @property
    def has_text(self) -> bool:
        """True when the query has words, phrases or a paper to score relevance on."""
        return bool(self.words or self.required or self.phrases or self.like)

    @property
    def is_empty(self) -> bool:
        """True when nothing at all was asked."""
        return self == Query()

    def describe(self) -> str:
        """The query written back in canonical form (used as a topic's display name)."""
        parts: list[str] = [self.like] if self.like else []
        parts += self.words
        parts += [f"+{w}" for w in self.required]
        parts += [f'"{p}"' for p in self.phrases]
        parts += [f'-"{e}"' if " " in e else f"-{e}" for e in self.excluded]
        parts += [f'author:"{a}"' if " " in a else f"author:{a}" for a in self.authors]
        parts += [f'org:"{o}"' if " " in o else f"org:{o}" for o in self.orgs]
        parts += [f"cat:{c}" for c in self.categories]
        if self.min_upvotes is not None:
            parts.append(f"min-upvotes:{self.min_upvotes}")
        if self.since is not None:
            parts.append(f"since:{self.since}")
        return " ".join(parts)


_QUOTES = '"“”'


def _split(text: str) -> list[str]:
    """Split on whitespace outside quotes, keeping quotes in the raw tokens."""
    tokens: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        while i < n and not text[i].isspace():
            if text[i] in _QUOTES:
                close = next((j for j in range(i + 1, n) if text[j] in _QUOTES), -1)
                if close == -1:
                    raise QuerySyntaxError(
                        f"The quote that starts at “{text[i : i + 20]}” is never closed."
                    )
                i = close + 1
            else:
                i += 1
        tokens.append(text[start:i])
    return tokens


def _unquote(raw: str) -> tuple[str, bool]:
    """Drop quote characters; say whether there were any."""
    stripped = "".join(ch for ch in raw if ch not in _QUOTES)
    return stripped, stripped != raw


def parse_since(value: str) -> Since:
    """A ``since:`` value (``7d``, ``2w``, ``2026-01-31``); also what ``--since`` accepts."""
    value = value.strip().lower()
    match = _SINCE_DAYS.match(value)
    if match:
        amount = int(match.group(1))
        days = amount * {"d": 1, "w": 7, "m": 30, "y": 365}[match.group(2)]
        return Since(days=min(days, 36500))
    try:
        return Since(day=date.fromisoformat(value))
    except ValueError:
        raise QuerySyntaxError(
            f"since:{value} is not a period: use a number of days like since:7d, "
            "or a date like since:2026-01-31."
        ) from None


def _category(value: str) -> str:
    """The canonical spelling of a ``cat:`` value; a typo gets arXiv's real names to try."""
    well_formed = bool(_CATEGORY.match(value))
    canonical = canonical_category(value) if well_formed else None
    if canonical is not None:
        return canonical
    close = close_categories(value) if well_formed else []
    if close:
        hint = " or ".join(f"cat:{c}" for c in close)
        raise QuerySyntaxError(f"cat:{value} is not an arXiv category. Did you mean {hint}?")
    raise QuerySyntaxError(f"cat:{value} is not an arXiv category; categories look like cs.LG.")


# A link to a paper's page on arXiv, Hugging Face or alphaXiv; the id is checked after.
_PAPER_LINK = re.compile(
    r"^<?(?:https?://)?(?:www\.|export\.)?"
    r"(?:arxiv\.org/(?:abs|pdf)|huggingface\.co/papers|alphaxiv\.org/(?:abs|overview|pdf))/"
    r"(?P<id>[^?#>|]+?)(?:\.pdf)?/?(?:[?#|][^>]*)?>?$",
    re.IGNORECASE,
)


def paper_reference(text: str) -> str | None:
    """The version-less arXiv id when ``text`` is one paper and nothing else: an id
    (``2401.12345``, ``2401.12345v2``, ``arXiv:2401.12345``, ``hep-th/9901001``) or a link to
    it on arxiv.org (``abs``/``pdf``), huggingface.co/papers or alphaxiv.org."""
    text = text.strip()
    if not text or any(ch.isspace() for ch in text):
        return None
    link = _PAPER_LINK.match(text)
    return base_id(link.group("id") if link else text)


@dataclass
class _Parts:
    """What :func:`parse_query` has collected so far, term by term."""

    words: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    min_upvotes: int | None = None
    since: Since | None = None


def parse_query(text: str) -> Query:
    """Parse ``text`` into a :class:`Query`; raise :class:`QuerySyntaxError` on mistakes."""
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"That query is too long (at most {MAX_QUERY_CHARS} characters).")
    like = paper_reference(text)
    if like is not None:
        return Query(like=like)
    parts = _Parts()
    for raw in _split(text):
        negative = raw.startswith("-") and len(raw) > 1
        plus = raw.startswith("+") and len(raw) > 1
        body = raw[1:] if negative or plus else raw
        match = _FILTER.match(body)
        if match and not negative and match.group(1).lower() in _FILTER_KEYS:
            _add_filter(parts, match.group(1).lower(), match.group(2))
        else:
            _add_words(parts, body, negative=negative, plus=plus)
    hard = set(parts.required)
    return Query(
        words=tuple(w for w in dict.fromkeys(parts.words) if w not in hard),
        required=tuple(dict.fromkeys(parts.required)),
        phrases=tuple(dict.fromkeys(parts.phrases)),
        excluded=tuple(dict.fromkeys(parts.excluded)),
        authors=tuple(parts.authors),
        orgs=tuple(parts.orgs),
        categories=tuple(parts.categories),
        min_upvotes=parts.min_upvotes,
        since=parts.since,
    )


def _add_filter(parts: _Parts, key: str, raw_value: str) -> None:
    """One ``key:value`` filter term (``author:``, ``org:``, ``cat:``, ``min-upvotes:``,
    ``since:``); a later ``min-upvotes:`` or ``since:`` replaces an earlier one."""
    value = " ".join(_unquote(raw_value)[0].split())
    if not value:
        raise QuerySyntaxError(f"{key}: needs a value right after the colon.")
    if key == "author":
        parts.authors.append(value)
    elif key == "org":
        parts.orgs.append(value)
    elif key == "cat":
        parts.categories.append(_category(value))
    elif key == "min-upvotes":
        if not (value.isascii() and value.isdigit()) or len(value) > 7:
            raise QuerySyntaxError(f"min-upvotes:{value} needs a whole number, e.g. 5.")
        parts.min_upvotes = int(value)
    else:
        parts.since = parse_since(value)


def _add_words(parts: _Parts, body: str, *, negative: bool, plus: bool) -> None:
    """One word or quoted phrase term, its ``-`` or ``+`` already taken off into the flags."""
    unquoted, quoted = _unquote(body)
    # A phrase is quoted whole: quotes glued to other text ('"Not not bad"is') are
    # part of a pasted title, not an operator.
    if quoted and not (body[0] in _QUOTES and body[-1] in _QUOTES):
        quoted, unquoted = False, "".join(" " if ch in _QUOTES else ch for ch in body)
    normalised = " ".join(tokenize(unquoted))
    if not normalised:
        return
    if negative:
        parts.excluded.append(normalised)
    elif (quoted or plus) and " " in normalised:
        parts.phrases.append(normalised)
    elif plus:
        parts.required.append(normalised)
    else:
        parts.words.extend(normalised.split())
