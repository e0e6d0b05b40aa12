"""The real arXiv category taxonomy, so a typo such as ``cs.ML`` fails before any request.

Source: arXiv's category taxonomy (https://arxiv.org/category_taxonomy). Archives without
subject classes (``hep-th``, ``quant-ph``...) are categories of their own; the archive names
``cs``, ``math``, ``physics``... are accepted too because the announcement feeds serve them
(https://info.arxiv.org/help/rss.html: ``rss/cs``).
"""

from __future__ import annotations

import difflib

from bot.errors import UserError


def _expand(archive: str, classes: str) -> list[str]:
    return [f"{archive}.{name}" for name in classes.split()]


ARCHIVES: frozenset[str] = frozenset(
    {
        *("astro-ph", "cond-mat", "cs", "econ", "eess", "gr-qc", "hep-ex", "hep-lat"),
        *("hep-ph", "hep-th", "math", "math-ph", "nlin", "nucl-ex", "nucl-th", "physics"),
        *("q-bio", "q-fin", "quant-ph", "stat"),
    }
)

CATEGORIES: frozenset[str] = frozenset(
    [
        *_expand(
            "cs",
            "AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS"
            " NA NE NI OH OS PF PL RO SC SD SE SI SY",
        ),
        *_expand("econ", "EM GN TH"),
        *_expand("eess", "AS IV SP SY"),
        *_expand(
            "math",
            "AC AG AP AT CA CO CT CV DG DS FA GM GN GR GT HO IT KT LO MG MP NA NT OA OC PR QA"
            " RA RT SG SP ST",
        ),
        *_expand("astro-ph", "CO EP GA HE IM SR"),
        *_expand(
            "cond-mat",
            "dis-nn mes-hall mtrl-sci other quant-gas soft stat-mech str-el supr-con",
        ),
        *_expand("nlin", "AO CD CG PS SI"),
        *_expand(
            "physics",
            "acc-ph ao-ph app-ph atm-clus atom-ph bio-ph chem-ph class-ph comp-ph data-an"
            " ed-ph flu-dyn gen-ph geo-ph hist-ph ins-det med-ph optics plasm-ph pop-ph"
            " soc-ph space-ph",
        ),
        *_expand("q-bio", "BM CB GN MN NC OT PE QM SC TO"),
        *_expand("q-fin", "CP EC GN MF PM PR RM ST TR"),
        *_expand("stat", "AP CO ME ML OT TH"),
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math-ph",
        "nucl-ex",
        "nucl-th",
        "quant-ph",
    ]
)

_KNOWN = CATEGORIES | ARCHIVES
_BY_LOWER = {name.lower(): name for name in _KNOWN}


def canonical_category(raw: str) -> str | None:
    """The canonical spelling of ``raw`` (``cs.lg`` → ``cs.LG``), or None when it is not one."""
    return _BY_LOWER.get(raw.strip().lower())


def close_categories(raw: str) -> list[str]:
    """Up to three real categories ``raw`` was probably meant to be, best first."""
    text = raw.strip()
    # "cs.ML" is most likely stat.ML: same subject class in another archive first.
    subject = text.rsplit(".", 1)[-1].lower()
    same_subject = sorted(
        c for c in CATEGORIES if "." in text and c.lower().endswith("." + subject)
    )
    fuzzy = difflib.get_close_matches(text, sorted(_KNOWN), n=3, cutoff=0.6)
    return list(dict.fromkeys(same_subject + fuzzy))[:3]


def validate_category(raw: str) -> str:
    """The canonical spelling of ``raw`` (``cs.lg`` → ``cs.LG``); a friendly error otherwise.

    Checking locally saves an arXiv request (and a 3-second slot) per typo; arXiv itself
    answers an unknown category with an empty feed, which would look like a holiday.
    """
    canonical = canonical_category(raw)
    if canonical is not None:
        return canonical
    close = close_categories(raw)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    raise UserError(
        f"{raw!r} is not an arXiv category.{hint}",
        example="paperboy fetch arxiv --category cs.LG --category cs.CL",
    )


def is_known_category(raw: str) -> bool:
    """True when ``raw`` names a real arXiv category or archive (exact spelling)."""
    return raw in _KNOWN
