"""``paperboy why`` (and the operator's other views) as an operator runs them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from adapters.cli import app as cli
from bot.chat import ChannelRef
from bot.papers import SOURCE_HF, Paper
from storage.channel_repository import SqlChannelRepository
from storage.paper_repository import SqlPaperRepository

runner = CliRunner()
NOW = datetime.now(UTC)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout, result.stderr


def seed(engine: Engine) -> None:
    SqlPaperRepository(engine).upsert_papers(
        [
            Paper(
                arxiv_id="2611.00001",
                title="Scaling laws for agents",
                featured_on=(NOW - timedelta(days=1)).date(),
                upvotes=3,
                sources=frozenset({SOURCE_HF}),
            )
        ]
    )
    channels = SqlChannelRepository(engine)
    ref = ChannelRef("slack", "C1", workspace_id="T1")
    channels.add_topic(ref, "scaling", NOW)
    channels.update_settings(ref, NOW, min_upvotes=10)


def test_why_prints_one_reason_per_line(db_env: str, engine: Engine) -> None:
    seed(engine)
    code, out, err = run("why", "--channel", "slack:T1/C1", "--paper", "2611.00001")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "below the upvote threshold: 3 upvotes, this channel needs 10",
        "no schedule: this channel gets a digest only when someone runs /papers digest",
    ]


def test_why_json_carries_kinds_and_topic_fits(db_env: str, engine: Engine) -> None:
    seed(engine)
    code, out, _ = run("why", "--channel", "slack:C1", "--paper", "2611.00001", "--json")
    assert code == 0
    answer = json.loads(out)
    assert [r["kind"] for r in answer["reasons"]] == ["below_upvotes", "no_schedule"]
    assert answer["topics"][0]["topic"] == "scaling" and answer["topics"][0]["rank"] == 1


def test_why_for_an_unknown_or_foreign_channel_says_so(db_env: str, engine: Engine) -> None:
    seed(engine)
    for ref in ("slack:T2/C1", "discord:42", "console:nowhere"):
        code, out, err = run("why", "--channel", ref, "--paper", "2611.00001")
        assert code == 1 and out == ""
        assert err.startswith(f"Error: Paperboy knows no channel {ref}.")
        assert "Traceback" not in err


def test_why_with_a_bad_paper_id_or_channel_ref(db_env: str, engine: Engine) -> None:
    seed(engine)
    code, _, err = run("why", "--channel", "slack:T1/C1", "--paper", "<b>nope</b>")
    assert code == 1 and "'<b>nope</b>' is not an arXiv id." in err
    code, _, err = run("why", "--channel", "irc:#x", "--paper", "2611.00001")
    assert code == 1 and "is not a channel reference" in err
