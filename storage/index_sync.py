"""Keeping the search index in step with the database (split from
:mod:`storage.search_index`, which re-exports :func:`bring_up_to_date`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # search_index imports this module
    from storage.paper_repository import SqlPaperRepository
    from storage.search_index import TantivyIndex


def bring_up_to_date(index: TantivyIndex, repository: SqlPaperRepository) -> str:
    """Make ``index`` match the database; say what it took (for logs and the CLI).

    In step when it has seen as many papers and the newest change. Behind: re-index the
    papers written since its watermark (cheap: another replica's latest ingest), and rebuild
    from scratch if the counts still differ (papers deleted elsewhere, a lost directory).
    """
    library = repository.watermark()
    mine = index.watermark()
    counts_match = mine is not None and mine.count == library.count == index.size
    seen_newest = library.last_change is None or (
        mine is not None
        and mine.last_change is not None
        and library.last_change <= mine.last_change
    )
    if counts_match and seen_newest:
        return "in step"
    if mine is not None and mine.last_change is not None:
        caught_up = index.upsert(repository.iter_papers(changed_since=mine.last_change))
        if index.size == library.count:
            return f"caught up ({caught_up} papers re-indexed)"
    rebuilt = index.rebuild(repository.iter_papers())
    return f"rebuilt ({rebuilt} papers)"
