"""``paperboy index …`` and the fetch → search path through the index, as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from adapters.cli import app as cli
from tests.conftest import FIXTURES

runner = CliRunner()
SAMPLE = FIXTURES / "hf-daily-papers" / "llm-paper-radar__date_2026-05-08__37items.json"


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout


def test_rebuild_then_search_finds_the_same_papers(db_env: str, tmp_path: Path) -> None:
    assert run("fetch", "hf", "--file", str(SAMPLE))[0] == 0
    code, before = run("search", "scaling laws", "--json")
    assert code == 0 and json.loads(before)

    code, out = run("index", "rebuild")
    assert code == 0 and "Search index rebuilt: 37 papers" in out
    assert run("search", "scaling laws", "--json")[1] == before

    shutil.rmtree(tmp_path / "paperboy-index")  # a lost index heals on the next open
    assert run("search", "scaling laws", "--json")[1] == before
    code, out = run("index", "status")
    assert code == 0 and "37 papers; database: 37 papers" in out
