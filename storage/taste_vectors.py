"""The library's paper vectors (issue 12) as the taste model's features: a small bridge from
:class:`storage.vectors_index.SemanticIndex` to :class:`bot.taste.features.PaperVectors`."""

from __future__ import annotations

from storage.vectors_index import SemanticIndex


class SemanticPaperVectors:
    """``vector_of`` from the replica's in-memory matrix, loaded on first use."""

    def __init__(self, semantic: SemanticIndex) -> None:
        self._semantic = semantic
        self._loaded = False

    def vector_of(self, arxiv_id: str) -> list[float] | None:
        """The paper's vector, or None when it has none yet (the caller uses its words)."""
        if not self._loaded:
            self._semantic.refresh()  # once; later vectors arrive through the index's refresh
            self._loaded = True
        vector = self._semantic.matrix.vector_of(arxiv_id)
        return None if vector is None else [float(x) for x in vector]
