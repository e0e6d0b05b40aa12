"""The ``paperboy`` CLI as a user runs it: fetch, search, digest, and the errors they see."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.cli import app as cli
from adapters.paper_sources import http_options
from adapters.settings import Settings
from bot.sources.http import HttpOptions
from tests.conftest import FIXTURES
from tests.kit.sources import running_fake_sources

runner = CliRunner()
SAMPLE = FIXTURES / "hf-daily-papers" / "llm-paper-radar__date_2026-05-08__37items.json"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_quick_start_sample_then_digest_for_scaling(db_env: str) -> None:
    code, out, _ = run("fetch", "hf", "--sample")
    assert code == 0
    assert "67 papers" in out
    code, out, _ = run("digest", "--topic", "scaling")
    assert code == 0
    assert "1. Prescriptive Scaling Laws for Data Constrained Training" in out
    assert 'why: [scaling] title has "scaling"' in out


def test_fetch_file_then_search_json(db_env: str) -> None:
    code, out, _ = run("fetch", "hf", "--file", str(SAMPLE))
    assert code == 0 and "37 new" in out
    code, out, _ = run("fetch", "hf", "--file", str(SAMPLE))
    assert "0 new, 37 updated" in out and "Library: 37 papers" in out
    code, out, _ = run("search", "scaling laws", "--json", "--limit", "3")
    assert code == 0
    results = json.loads(out)
    assert len(results) <= 3
    assert {"id", "title", "score", "why", "url"} <= set(results[0])
    assert results[0]["title"].startswith("Prescriptive Scaling Laws")
    assert results[0]["url"] == f"https://huggingface.co/papers/{results[0]['id']}"


def test_search_since_filters(db_env: str) -> None:
    run("fetch", "hf", "--file", str(SAMPLE))
    code, out, _ = run("search", "scaling", "--since", "2026-05-09", "--json")
    assert code == 0 and json.loads(out) == []
    code, _, err = run("search", "scaling", "--since", "yesterday")
    assert code == 1 and "since:7d" in err


@pytest.mark.parametrize("days", ["7d", "3650d", "2w"])
def test_since_takes_what_the_query_language_takes(db_env: str, days: str) -> None:
    run("fetch", "hf", "--file", str(SAMPLE))
    code, flag, err = run("search", "scaling", "--since", days, "--json")
    assert code == 0, err
    _, inline, _ = run("search", f"scaling since:{days}", "--json")
    assert json.loads(flag) == json.loads(inline)


@pytest.mark.parametrize(
    "args",
    [("-vision",), ("scaling", "-vision"), ("scaling -vision",), ("--json", "-vision", "scaling")],
)
def test_a_query_may_start_with_a_minus(db_env: str, args: tuple[str, ...]) -> None:
    run("fetch", "hf", "--file", str(SAMPLE))
    code, out, err = run("search", *args, "--json", "--limit", "100")
    assert code == 0, err
    titles = [r["title"].lower() for r in json.loads(out)]
    assert titles and not any("vision" in t for t in titles)


def test_an_unknown_category_gets_the_real_one_suggested(db_env: str) -> None:
    code, _, err = run("search", "cat:cs.ML")
    assert code == 1
    assert "Did you mean cat:stat.ML" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fetch", "hf", "--date", "31/07/2026"), "not a date in YYYY-MM-DD form"),
        (("fetch", "hf", "--date", "2999-01-01"), "is in the future"),
        (("fetch", "hf", "--week", "2026-W60"), "not an ISO week"),
        (("fetch", "hf", "--month", "2026-13"), "not a month"),
        (("fetch", "hf", "--date", "2026-07-01", "--week", "2026-W31"), "only one of"),
        (("search", '"unclosed'), "never closed"),
        (("search", ""), "what to search for"),
    ],
)
def test_bad_input_gets_one_clear_message_and_nonzero_exit(
    db_env: str, args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(*args)
    assert code == 1
    assert message in err
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[{"paper": {"id": "26', "not valid JSON"),
        ("<html><body>nothing here</body></html>", "no Daily Papers block"),
        ("", "empty"),
    ],
)
def test_bad_files_change_nothing(db_env: str, tmp_path: Path, body: str, message: str) -> None:
    run("fetch", "hf", "--file", str(SAMPLE))
    bad = tmp_path / "bad.json"
    bad.write_text(body, encoding="utf-8")
    code, _, err = run("fetch", "hf", "--file", str(bad))
    assert code == 1 and message in err
    code, out, _ = run("search", "scaling", "--json", "--limit", "100")
    assert len(json.loads(out)) > 0


def test_missing_file(db_env: str) -> None:
    code, _, err = run("fetch", "hf", "--file", "/nonexistent/x.json")
    assert code == 1 and "No such file" in err


def test_fetch_from_the_network_uses_paperboy_hf_url(
    db_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The live path, against a local fake Hugging Face named by PAPERBOY_HF_URL."""
    with running_fake_sources(SAMPLE.read_text(encoding="utf-8")) as fake:
        monkeypatch.setenv("PAPERBOY_HF_URL", fake.url)
        code, out, err = run("fetch", "hf", "--date", "2026-05-08")
    assert code == 0, err
    assert "37 new" in out
    assert "page 1: 37 papers so far" in err
    assert fake.requests[0].startswith("/api/daily_papers?date=2026-05-08")


def test_source_down_exits_2_with_one_line(db_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with running_fake_sources(SAMPLE.read_text(encoding="utf-8")) as fake:
        fake.mode = "truncated"  # the API and the papers page both send half a body
        monkeypatch.setenv("PAPERBOY_HF_URL", fake.url)
        code, _, err = run("fetch", "hf", "--date", "2026-05-08")
    assert code == 2
    assert err.strip().splitlines()[-1].startswith("Error: could not fetch 2026-05-08")


def test_the_cli_honours_the_source_timeout(db_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """PAPERBOY_SOURCE_TIMEOUT_SECONDS, not a hard-coded 30 s: a silent source fails fast."""
    with running_fake_sources("") as fake:
        fake.mode = "timeout"  # answers after 5 s: far past the configured 0.2 s
        monkeypatch.setenv("PAPERBOY_HF_URL", fake.url)
        monkeypatch.setenv("PAPERBOY_SOURCE_TIMEOUT_SECONDS", "0.2")
        monkeypatch.setenv("PAPERBOY_SOURCE_RETRY_INITIAL_SECONDS", "0")
        started = time.monotonic()
        code, _, err = run("fetch", "hf", "--date", "2026-05-08")
        elapsed = time.monotonic() - started
    assert code == 2
    assert "the API failed (timed out)" in err
    assert elapsed < 20  # 8 requests × 0.2 s plus jittered waits; 5 s each would be 40 s


def test_sources_are_built_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERBOY_SOURCE_TIMEOUT_SECONDS", "7.5")
    monkeypatch.setenv("PAPERBOY_SOURCE_RETRY_INITIAL_SECONDS", "0.25")
    assert http_options(Settings()) == HttpOptions(timeout_seconds=7.5, retry_initial_seconds=0.25)
