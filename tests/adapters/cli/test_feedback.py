"""``paperboy feedback`` and ``paperboy digest --json``: votes and previews from a script."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from adapters.cli import app as cli
from tests.conftest import FIXTURES

runner = CliRunner()
SAMPLE = FIXTURES / "hf-daily-papers" / "llm-paper-radar__date_2026-05-08__37items.json"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout, result.stderr


def preview() -> list[dict[str, object]]:
    code, out, err = run("digest", "--channel", "console:lab", "--json")
    assert code == 0, err
    parsed: list[dict[str, object]] = json.loads(out)
    return parsed


def test_votes_from_the_cli_shape_the_json_preview(db_env: str) -> None:
    run("fetch", "hf", "--file", str(SAMPLE))
    run("command", "--channel", "console:lab", "subscribe model")
    run("command", "--channel", "console:lab", "settings max 10 window all")
    before = preview()
    assert len(before) == 10
    assert set(before[0]) == {"id", "title", "score", "why", "topic"}
    assert {item["topic"] for item in before} == {"model"}
    assert preview() == before  # a preview records nothing

    ids = [str(item["id"]) for item in before]
    for paper in ids[:4]:
        code, out, _ = run("feedback", "--channel", "console:lab", "--paper", paper, "--vote", "up")
        assert code == 0 and "noted 👍" in out
    for paper in ids[-3:]:
        run("feedback", "--channel", "console:lab", "--paper", paper, "--vote", "down")
    code, out, _ = run("feedback", "--channel", "console:lab", "--paper", ids[4], "--vote", "more")
    assert code == 0 and out.startswith("More like")

    after = preview()
    assert after != before
    assert any("this channel 👍'd" in str(item["why"]) for item in after)
    code, out, _ = run("command", "--channel", "console:lab", "list")
    assert "Votes: 5 👍, 3 👎 (taste on)" in out
    assert "Taste learned: likes" in out


def test_bad_votes_are_friendly(db_env: str) -> None:
    run("fetch", "hf", "--file", str(SAMPLE))
    code, _, err = run(
        "feedback", "--channel", "console:lab", "--paper", "2601.99999", "--vote", "up"
    )
    assert code == 1 and "I no longer know that paper." in err
    code, _, err = run(
        "feedback", "--channel", "console:lab", "--paper", "2601.99999", "--vote", "meh"
    )
    assert code == 1 and "--vote takes up, down or more" in err
    code, _, err = run("digest", "--topic", "scaling", "--json")
    assert code == 1 and "--json previews a channel's digest" in err
