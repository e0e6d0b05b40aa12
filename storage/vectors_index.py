"""The semantic side of one replica: the model, the stored vectors and the in-memory matrix.

:class:`SemanticIndex` satisfies the core's :class:`bot.ranking.semantic.VectorIndex` (search)
and :class:`bot.ranking.semantic.PaperEmbedder` (ingest). The database is the source of truth
(:class:`storage.vectors.SqlVectorStore`); the matrix follows it like the tantivy index
follows the papers: loaded whole at start-up, then the vectors embedded since its watermark
(another replica's ingest, a backfill running next door) on each :meth:`refresh`.

A model that breaks at run time (a query it cannot run) costs one warning and an empty
answer — search then is lexical — never an exception into a command.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

import numpy as np

from bot.papers import Paper
from bot.ranking.semantic import Neighbour
from storage.embedding import OnnxEmbedder, paper_text, text_hash
from storage.vectors import SqlVectorStore, quantize
from storage.vectors_matrix import VectorMatrix

log = logging.getLogger(__name__)

EMBED_BATCH = 32  # texts per model run: larger batches gain nothing on two cores


class SemanticIndex:
    """Embeds papers into the database and answers nearest-neighbour queries from memory."""

    def __init__(self, load: Callable[[], OnnxEmbedder], store: SqlVectorStore) -> None:
        self._load_model = load
        self._embedder: OnnxEmbedder | None = None
        self.store = store
        self.matrix = VectorMatrix(store.dimensions)
        self._loaded = False
        self._watermark: datetime | None = None
        self._warned = False
        self._lock = threading.Lock()

    @property
    def embedder(self) -> OnnxEmbedder:
        """The model, opened on first use (a CLI command that never embeds never pays for it;
        :func:`storage.embedding.check_model_file` already vouched for the file)."""
        with self._lock:
            if self._embedder is None:
                self._embedder = self._load_model()
            return self._embedder

    # -- following the database ---------------------------------------------------------------

    def refresh(self) -> str:
        """Load the vectors embedded since the last look; what it took (for the log).
        Fewer vectors in the database than here means papers were deleted elsewhere: the
        matrix is then reloaded whole."""
        with self._lock:
            self._loaded = True
            added = self._load(since=self._watermark)
            if self.matrix.size > self.store.count():
                self.matrix = VectorMatrix(self.store.dimensions)
                self._watermark = None
                return f"{self._load(since=None)} vectors (reloaded)"
            return f"{self.matrix.size} vectors ({added} loaded)"

    def catch_up(self) -> str:
        """:meth:`refresh` when the matrix is in use; nothing otherwise (it loads on the
        first search, so a command that never searches by meaning never reads vectors)."""
        return self.refresh() if self._loaded else "not loaded yet"

    def _load(self, since: datetime | None) -> int:
        if since is None:
            self.matrix.reserve(self.store.count() + 1024)  # room for a few ingests more
        added = 0
        for part in self.store.read(since=since):
            self.matrix.upsert(part.ids, part.matrix)
            added += len(part.ids)
            if part.newest is not None and (
                self._watermark is None or part.newest > self._watermark
            ):
                self._watermark = part.newest
        return added

    # -- writing ------------------------------------------------------------------------------

    def embed_papers(self, papers: Sequence[Paper]) -> int:
        """Embed and store the papers with no vector or whose title/abstract changed."""
        texts = {p.arxiv_id: paper_text(p) for p in papers}
        hashes = {i: text_hash(t) for i, t in texts.items()}
        stored = self.store.hashes(texts)
        todo = [i for i in texts if stored.get(i) != hashes[i]]
        for start in range(0, len(todo), EMBED_BATCH):
            ids = todo[start : start + EMBED_BATCH]
            rows = quantize(self.embedder.embed([texts[i] for i in ids]))
            self.store.save(ids, [hashes[i] for i in ids], rows)
            if self._loaded:  # else the first search loads it from the database
                self.matrix.upsert(ids, rows)
        return len(todo)

    def delete(self, arxiv_ids: Iterable[str]) -> None:
        """Forget these papers' vectors, in the database and here."""
        wanted = list(arxiv_ids)
        self.store.delete(wanted)
        self.matrix.remove(wanted)

    def backfill(
        self,
        read_papers: Callable[[list[str]], list[Paper]],
        *,
        on_progress: Callable[[int], None] | None = None,
        batch: int = 256,
    ) -> int:
        """Embed every paper that has no vector yet; how many. Each batch is committed before
        the next starts, so a kill loses at most one batch and a rerun resumes."""
        done = 0
        for ids in self.store.iter_missing_ids(batch):
            papers = read_papers(ids)
            done += self.embed_papers(papers)
            if on_progress is not None:
                on_progress(len(ids))
        return done

    # -- searching (bot.ranking.semantic.VectorIndex) -----------------------------------------

    def nearest_to_text(self, text: str, *, limit: int) -> list[Neighbour]:
        """The papers closest in meaning to ``text``; ``[]`` (after one warning) when the
        model fails, so the caller's search is lexical."""
        if not self._loaded:
            self.refresh()
        if not text.strip() or self.matrix.size == 0:
            return []
        try:
            query = self.embedder.embed_query(text)
        except Exception:  # onnxruntime's errors are untyped; search must go on
            if not self._warned:
                log.warning("semantic search failed; searching by words only", exc_info=True)
                self._warned = True
            return []
        return [Neighbour(i, s) for i, s in self.matrix.nearest(query, limit)]

    def nearest_to_paper(self, arxiv_id: str, *, limit: int) -> list[Neighbour]:
        """The papers closest to a stored paper, itself left out."""
        if not self._loaded:
            self.refresh()
        vector = self.matrix.vector_of(arxiv_id)
        if vector is None:
            return []
        unit = vector / max(float(np.linalg.norm(vector)), 1e-9)
        found = self.matrix.nearest(unit.astype(np.float32), limit + 1)
        return [Neighbour(i, s) for i, s in found if i != arxiv_id][:limit]
