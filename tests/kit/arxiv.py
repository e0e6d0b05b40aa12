"""Helpers to read the recorded arXiv payloads (real ones, and the labelled synthetic ones)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES

ATOM = FIXTURES / "arxiv-atom"
RSS = FIXTURES / "arxiv-rss"
RECORDED = ATOM / "arxiv.py-recorded"
SYNTHETIC = FIXTURES / "synthetic"


def atom_files() -> list[Path]:
    """Every real export-API Atom body saved as XML."""
    return sorted(ATOM.glob("*.xml"))


def rss_files() -> list[Path]:
    """Every real RSS announcement feed."""
    return sorted(RSS.glob("*.xml"))


def recorded_files() -> list[Path]:
    """Every arxiv.py golden recording (JSON wrapping the raw response)."""
    return sorted(RECORDED.glob("*.json"))


def recorded(path_or_prefix: Path | str) -> tuple[int, bytes]:
    """(HTTP status, exact wire bytes) of a recording; ``body`` is latin-1-decoded bytes."""
    path = (
        path_or_prefix
        if isinstance(path_or_prefix, Path)
        else next(RECORDED.glob(f"{path_or_prefix}*.json"))
    )
    data = json.loads(path.read_text(encoding="utf-8"))
    return int(data["status_code"]), str(data["body"]).encode("latin-1")
