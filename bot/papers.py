"""The paper as the core sees it, and how two records of the same paper merge.

A paper is keyed by its arXiv id without version. Each source owns some fields: Hugging Face
knows the community signal (upvotes, stars, AI summary), arXiv knows categories, comments and
versions. Merging lets a paper arrive from either source, in any order and any version, and
still be one record.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime

SOURCE_HF = "hf"
SOURCE_ARXIV = "arxiv"

# Fields only the named source may overwrite once set; everything else: newest non-empty wins.
_HF_OWNED = frozenset(
    {
        "upvotes",
        "num_comments",
        "github_repo",
        "github_stars",
        "project_page",
        "ai_summary",
        "ai_keywords",
        "organization",
        "thumbnail",
        "featured_on",
    }
)
_ARXIV_OWNED = frozenset({"categories", "arxiv_comment"})
_NOT_MERGED = frozenset({"arxiv_id", "sources", "version", "first_seen", "last_seen", "withdrawn"})


@dataclass(frozen=True, slots=True)
class Paper:
    """One research paper, whatever source it came from."""

    arxiv_id: str
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    version: int | None = None
    published_at: datetime | None = None
    featured_on: date | None = None
    upvotes: int = 0
    num_comments: int = 0
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    ai_summary: str | None = None
    ai_keywords: tuple[str, ...] = ()
    organization: str | None = None
    thumbnail: str | None = None
    categories: tuple[str, ...] = ()
    arxiv_comment: str | None = None
    withdrawn: bool = False
    sources: frozenset[str] = field(default_factory=frozenset)
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    @property
    def hf_url(self) -> str:
        """The Hugging Face paper page (exists for new-style ids only)."""
        return f"https://huggingface.co/papers/{self.arxiv_id}"

    @property
    def abs_url(self) -> str:
        """The arXiv abstract page."""
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def pdf_url(self) -> str:
        """The arXiv PDF of the latest version."""
        return f"https://arxiv.org/pdf/{self.arxiv_id}"

    @property
    def url(self) -> str:
        """Where a reader should land: the HF page when HF knows the paper, else arXiv."""
        return self.hf_url if SOURCE_HF in self.sources else self.abs_url


def _is_empty(value: object) -> bool:
    return value is None or value == "" or value == () or value == frozenset()


def merge_papers(old: Paper, new: Paper) -> Paper:
    """Merge ``new`` into ``old`` (same arXiv id) and return the combined record.

    Source-owned fields change only when the incoming record comes from that source, so an
    arXiv record never resets HF upvotes to zero, and an HF record never drops categories.
    Shared fields (title, abstract, authors, dates) take the incoming value unless the incoming
    record is an older arXiv version than the one stored — an older version only fills gaps.
    An empty value never erases a known one: the RSS feed carries no comment, and must not
    wipe the one the API gave.

    ``withdrawn`` is sticky: any source may mark the paper withdrawn (HF's ``withdrawnAt``,
    an arXiv comment) and nothing clears the mark — a feed that cannot see the withdrawal (RSS
    has no comment) must not un-withdraw the paper, and the result must not depend on the
    order records arrive in. arXiv keeps withdrawals; never posting one is the safe side.
    """
    if old.arxiv_id != new.arxiv_id:
        raise ValueError(f"cannot merge {old.arxiv_id} with {new.arxiv_id}")
    older_version = (
        new.version is not None and old.version is not None and new.version < old.version
    )
    changes: dict[str, object] = {}
    for spec in fields(Paper):
        name = spec.name
        if name in _NOT_MERGED:
            continue
        incoming = getattr(new, name)
        # An older version may only fill a gap, so the result does not depend on the order.
        allowed = not older_version or _is_empty(getattr(old, name))
        if name in _HF_OWNED:
            if SOURCE_HF in new.sources:
                changes[name] = incoming
            continue
        if name in _ARXIV_OWNED:
            if SOURCE_ARXIV in new.sources and allowed and not _is_empty(incoming):
                changes[name] = incoming
            continue
        if not _is_empty(incoming) and allowed:
            changes[name] = incoming
    changes["withdrawn"] = old.withdrawn or new.withdrawn
    versions = [v for v in (old.version, new.version) if v is not None]
    changes["version"] = max(versions) if versions else None
    changes["sources"] = old.sources | new.sources
    changes["first_seen"] = old.first_seen or new.first_seen
    changes["last_seen"] = new.last_seen or old.last_seen
    return replace(old, **changes)  # type: ignore[arg-type]  # keys are Paper's own fields
