"""A CLI reference that names channels in two workspaces is not guessed: it asks which."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from adapters.cli import app as cli
from bot.chat import ChannelRef
from storage.channel_repository import SqlChannelRepository

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def test_digest_for_a_bare_slack_id_in_two_workspaces_lists_them(
    db_env: str, engine: Engine
) -> None:
    repo = SqlChannelRepository(engine)
    repo.add_topic(ChannelRef("slack", "C2", "T1", "ml-infra"), "scaling", NOW)
    repo.add_topic(ChannelRef("slack", "C2", "T2", "papers"), "diffusion", NOW)

    result = CliRunner().invoke(cli.app, ["digest", "--channel", "slack:C2"])

    assert result.exit_code != 0
    assert "slack:C2 is in 2 workspaces" in result.stderr
    assert "slack:T1/C2 (#ml-infra), slack:T2/C2 (#papers)" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(repo.get_channel(ChannelRef.parse("slack:T1/C2")).topics) == 1  # type: ignore[union-attr]  # stored above
