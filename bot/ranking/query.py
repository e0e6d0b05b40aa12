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

import math
import re
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import snowballstemmer

from bot.errors import UserError
from bot.sources.arxiv.categories import canonical_category, close_categories
from bot.sources.arxiv.ids import base_id

_STEMMERS = threading.local()  # snowball stemmers keep state: one per thread
_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits, as the index splits
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


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens of ``text`` (Unicode-aware)."""
    return _WORD.findall(text.lower())


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The English Snowball stem of one lower-case word (cached: vocabularies are small)."""
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return str(stemmer.stemWord(word))


def stems(text: str) -> list[str]:
    """Stemmed tokens of ``text``, in order (phrases match on these)."""
    return [stem(token) for token in tokenize(text)]


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


def parse_query(text: str) -> Query:
    """Parse ``text`` into a :class:`Query`; raise :class:`QuerySyntaxError` on mistakes."""
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"That query is too long (at most {MAX_QUERY_CHARS} characters).")
    like = paper_reference(text)
    if like is not None:
        return Query(like=like)
    words: list[str] = []
    required: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    authors: list[str] = []
    orgs: list[str] = []
    categories: list[str] = []
    min_upvotes: int | None = None
    since: Since | None = None
    for raw in _split(text):
        negative = raw.startswith("-") and len(raw) > 1
        plus = raw.startswith("+") and len(raw) > 1
        body = raw[1:] if negative or plus else raw
        match = _FILTER.match(body)
        if match and not negative and match.group(1).lower() in _FILTER_KEYS:
            key = match.group(1).lower()
            value = " ".join(_unquote(match.group(2))[0].split())
            if not value:
                raise QuerySyntaxError(f"{key}: needs a value right after the colon.")
            if key == "author":
                authors.append(value)
            elif key == "org":
                orgs.append(value)
            elif key == "cat":
                categories.append(_category(value))
            elif key == "min-upvotes":
                if not (value.isascii() and value.isdigit()) or len(value) > 7:
                    raise QuerySyntaxError(f"min-upvotes:{value} needs a whole number, e.g. 5.")
                min_upvotes = int(value)
            else:
                since = parse_since(value)
            continue
        unquoted, quoted = _unquote(body)
        # A phrase is quoted whole: quotes glued to other text ('"Not not bad"is') are
        # part of a pasted title, not an operator.
        if quoted and not (body[0] in _QUOTES and body[-1] in _QUOTES):
            quoted, unquoted = False, "".join(" " if ch in _QUOTES else ch for ch in body)
        normalised = " ".join(tokenize(unquoted))
        if not normalised:
            continue
        if negative:
            excluded.append(normalised)
        elif (quoted or plus) and " " in normalised:
            phrases.append(normalised)
        elif plus:
            required.append(normalised)
        else:
            words.extend(normalised.split())
    hard = set(required)
    return Query(
        words=tuple(w for w in dict.fromkeys(words) if w not in hard),
        required=tuple(dict.fromkeys(required)),
        phrases=tuple(dict.fromkeys(phrases)),
        excluded=tuple(dict.fromkeys(excluded)),
        authors=tuple(authors),
        orgs=tuple(orgs),
        categories=tuple(categories),
        min_upvotes=min_upvotes,
        since=since,
    )


# Function words: they never decide a match (a query made only of them still searches them).
STOPWORDS = frozenset(
    """a about above after against all also am among an and any are as at be been before being
    below between both but by can could did do does doing during each few for from further had
    has have having how i if in into is it its itself just may me might my no nor not of off on
    once only or other our ours out over own same should so some such than that the their theirs
    them then there these they this those through to too toward towards under until up upon us
    very via vs versus was we were what when where whether which while who whom why will with
    within without would you your""".split()  # noqa: SIM905  # a word list reads better as text
)


def content_words(words: tuple[str, ...] | list[str]) -> list[str]:
    """The query words that carry meaning: stopwords only when nothing else is left (so
    "mixture of experts" needs "mixture" and "experts", never "of")."""
    return [w for w in words if w not in STOPWORDS] or list(words)


def word_stems(word: str) -> tuple[str, ...]:
    """The stems a query word matches: its own, and its singular or plural (Snowball keeps
    ``gpus`` and ``gpu`` apart; people do not)."""
    own = stem(word)
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        other = stem(word[:-1])
    elif not word.endswith("s") and word.isalpha():
        other = stem(word + "s")
    else:
        other = own
    return (own,) if other == own else (own, other)


def min_should_match(count: int) -> int:
    """How many of ``count`` content words a paper must contain. Up to three words: all of
    them (a digest topic "diffusion models" must not bring papers that only say "models",
    and tantivy's pruning keeps such queries fast); longer queries need a third, at least
    three, so a sentence or a pasted title finds papers that word it differently, and the
    coverage bonus ranks those with more of the words higher. Measured on CSFCube and
    bench/judged.jsonl (bench/README.md)."""
    if count <= 3:
        return count
    return max(3, math.ceil(count * MIN_MATCH_SHARE))


MIN_MATCH_SHARE = 0.34  # a third, rounded up


@dataclass(frozen=True, slots=True)
class MatchPlan:
    """What a query's words demand, shared by the index and the scan so both match the same
    papers: each content word as its stems (a word matches when any stem does), the hard
    ``+words``, and how many soft words must match."""

    soft: tuple[tuple[str, ...], ...]
    required: tuple[tuple[str, ...], ...]
    soft_needed: int
    soft_words: tuple[str, ...]


def match_plan(query: Query) -> MatchPlan:
    """The :class:`MatchPlan` of ``query`` (stopwords dropped, stems expanded)."""
    soft = [w for w in query.words if w not in STOPWORDS]
    if not soft and not query.required and not query.phrases:
        soft = list(query.words)  # "the who": nothing else to go on
    required = list(query.required)
    wanted = query.min_match
    if wanted is None:
        wanted = min_should_match(len(soft) + len(required))
    needed = max(0, wanted - len(required))
    return MatchPlan(
        soft=tuple(word_stems(w) for w in soft),
        required=tuple(word_stems(w) for w in required),
        soft_needed=min(needed, len(soft)),
        soft_words=tuple(soft),
    )
