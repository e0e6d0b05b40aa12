"""The ``paperboy`` CLI as a user runs it: fetch, search, digest, and the errors they see."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from adapters.cli import app as cli
from adapters.cli import hf as cli_hf
from tests.conftest import FIXTURES

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
    assert 'why: [scaling] title matches "scaling"' in out


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
    code, out, _ = run("search", "scaling", "--since", "yesterday")
    assert code == 1


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
    """The live path, pointed at a local fake through PAPERBOY_HF_URL."""
    body = SAMPLE.read_text(encoding="utf-8")
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, text=body)

    real_client = httpx.AsyncClient

    def fake_client(**kwargs: object) -> httpx.AsyncClient:
        return real_client(transport=httpx.MockTransport(handler))

    monkeypatch.setenv("PAPERBOY_HF_URL", "http://hf.local")
    monkeypatch.setattr(cli_hf.httpx, "AsyncClient", fake_client)
    code, out, _ = run("fetch", "hf", "--date", "2026-05-08")
    assert code == 0, out
    assert "37 new" in out
    assert seen[0].startswith("http://hf.local/api/daily_papers?date=2026-05-08")


def test_source_down_exits_2_with_one_line(db_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404)

    real_client = httpx.AsyncClient
    monkeypatch.setattr(
        cli_hf.httpx,
        "AsyncClient",
        lambda **kw: real_client(transport=httpx.MockTransport(handler)),
    )
    code, _, err = run("fetch", "hf", "--date", "2026-05-08")
    assert code == 2
    assert err.strip().splitlines()[-1].startswith("Error: could not fetch 2026-05-08")
