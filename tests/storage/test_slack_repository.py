"""Slack installations and OAuth states in our database (shared by every replica)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from storage.slack_repository import SqlSlackRepository

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def save(engine: Engine, user: str, token: str, when: datetime) -> None:
    SqlSlackRepository(engine).save_installation(
        client_id="c",
        enterprise_id="",
        team_id="T1",
        user_id=user,
        is_enterprise_install=False,
        installed_at=when,
        data={"bot_token": token, "user_id": user},
    )


def test_newest_installation_wins_and_a_reinstall_replaces_the_old_one(engine: Engine) -> None:
    save(engine, "U1", "xoxb-old", NOW)
    save(engine, "U2", "xoxb-other", NOW + timedelta(minutes=1))
    save(engine, "U1", "xoxb-new", NOW + timedelta(minutes=2))

    slack = SqlSlackRepository(engine)
    newest = slack.find_installation(client_id="c", enterprise_id="", team_id="T1")
    of_u2 = slack.find_installation(client_id="c", enterprise_id="", team_id="T1", user_id="U2")

    assert newest is not None and newest["bot_token"] == "xoxb-new"
    assert of_u2 is not None and of_u2["bot_token"] == "xoxb-other"
    assert slack.delete_installations(client_id="c", enterprise_id="", team_id="T1") == 2


def test_oauth_state_is_good_once_and_only_before_it_expires(engine: Engine) -> None:
    slack = SqlSlackRepository(engine)
    slack.issue_oauth_state("fresh", NOW + timedelta(minutes=10))
    slack.issue_oauth_state("stale", NOW - timedelta(seconds=1))

    assert slack.consume_oauth_state("fresh", NOW)
    assert not slack.consume_oauth_state("fresh", NOW)
    assert not slack.consume_oauth_state("stale", NOW)
    assert not slack.consume_oauth_state("never-issued", NOW)
