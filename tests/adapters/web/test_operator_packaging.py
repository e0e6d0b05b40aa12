"""``pip install .`` ships the operator page's templates and stylesheet (package data)."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
WEB = ROOT / "adapters" / "web"


def test_every_template_and_stylesheet_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["adapters"]
    files = [p for p in WEB.rglob("*") if p.is_file() and p.suffix in (".html", ".css")]
    assert len(files) >= 9
    unshipped = [
        str(p.relative_to(ROOT))
        for p in files
        if not any(fnmatch(str(p.relative_to(ROOT / "adapters")), glob) for glob in globs)
    ]
    assert unshipped == []
