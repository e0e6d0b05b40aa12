"""``paperboy why`` (and the operator's other views) as an operator runs them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from adapters.cli import app as cli
from bot.channels import SettingsChange
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
    channels.update_settings(ref, NOW, SettingsChange(min_upvotes=10))


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


def post(engine: Engine, ref: ChannelRef, key: str, ids: list[str], *, fail: str = "") -> None:
    channels = SqlChannelRepository(engine)
    channel = channels.ensure_channel(ref, NOW)
    claim = channels.claim_digest(channel.pk, key, worker="w", now=NOW, scheduled_for=NOW)
    assert claim is not None
    if fail:
        channels.mark_finished(claim.digest_pk, "failed", fail, NOW)
        return
    channels.reserve_papers(claim.digest_pk, channel.pk, "w", ids, NOW)
    channels.mark_posted(claim.digest_pk, channel.pk, ids, "1700000000.000100", NOW)


def test_channels_lists_every_channel_and_the_paused_ones(db_env: str, engine: Engine) -> None:
    seed(engine)
    channels = SqlChannelRepository(engine)
    infra = ChannelRef("discord", "222", workspace_id="111", name="ml-infra")
    channels.add_topic(infra, "agents", NOW)
    channels.set_paused(infra, "50001 Missing Access: the bot cannot see the channel", NOW)
    post(engine, ChannelRef("slack", "C1", workspace_id="T1"), "2026-11-27", ["2611.00001"])

    code, out, _ = run("channels")
    assert code == 0
    assert out.splitlines()[:4] == [
        "slack:T1/C1",
        "  topics: scaling",
        "  schedule: off",
        f"  last: posted {NOW:%Y-%m-%d %H:%M} UTC, 1 paper",
    ]
    assert "discord:111/222  #ml-infra" in out

    code, out, _ = run("channels", "--paused", "--json")
    listed = json.loads(out)
    assert [c["ref"] for c in listed] == ["discord:111/222"]
    assert listed[0]["paused"].endswith("the bot cannot see the channel")
    assert listed[0]["topics"] == ["agents"] and listed[0]["next_digest"] is None


def test_channels_when_there_are_none(db_env: str) -> None:
    assert run("channels")[1] == "No channels yet.\n"
    assert run("channels", "--paused")[1] == "No paused channels.\n"
    assert json.loads(run("channels", "--json")[1]) == []


def test_deliveries_show_each_digest_and_page_back(db_env: str, engine: Engine) -> None:
    seed(engine)
    ref = ChannelRef("slack", "C1", workspace_id="T1")
    post(engine, ref, "2026-11-25", ["2611.00001"])
    post(engine, ref, "2026-11-26", [], fail="channel_not_found: the channel was archived")
    post(engine, ref, "2026-11-27", [])

    code, out, _ = run("deliveries", "--channel", "slack:T1/C1", "--limit", "2")
    assert code == 0
    when = f"{NOW:%Y-%m-%d %H:%M} UTC"
    lines = out.splitlines()
    assert lines[0] == f"{when}  2026-11-27  empty  1 attempt  0 papers"
    assert lines[1] == (
        f"{when}  2026-11-26  failed  1 attempt  0 papers  "
        "error: channel_not_found: the channel was archived"
    )
    assert lines[2].startswith(
        "More: paperboy deliveries --channel slack:T1/C1 --limit 2 --before "
    )
    more = lines[2].split()[-1]
    code, out, _ = run("deliveries", "--channel", "slack:C1", "--before", more, "--json")
    page = json.loads(out)
    assert [d["key"] for d in page["digests"]] == ["2026-11-25"]
    assert page["digests"][0]["papers"] == ["2611.00001"] and page["before"] is None


def test_deliveries_of_an_unknown_channel(db_env: str, engine: Engine) -> None:
    seed(engine)
    code, out, err = run("deliveries", "--channel", "slack:T9/C1")
    assert code == 1 and out == "" and "Paperboy knows no channel slack:T9/C1." in err
    code, _, err = run("deliveries", "--channel", "slack:T1/C1", "--limit", "0")
    assert code == 2 and "Traceback" not in err


def test_names_and_errors_from_platforms_cannot_drive_the_terminal(
    db_env: str, engine: Engine
) -> None:
    channels = SqlChannelRepository(engine)
    ref = ChannelRef("discord", "9", workspace_id="1", name="\x1b[2Jevil\x07")
    channels.add_topic(ref, "agents", NOW)
    channels.set_paused(ref, "\x1b]0;pwned\x07 Missing Access", NOW)
    post(engine, ref, "2026-11-27", [], fail="\x1b[31mboom\nsecond line")
    for args in (("channels",), ("deliveries", "--channel", "discord:1/9")):
        code, out, _ = run(*args)
        assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert "#[2Jevil" in run("channels")[1]
    assert "error: [31mboom second line" in run("deliveries", "--channel", "discord:9")[1]
