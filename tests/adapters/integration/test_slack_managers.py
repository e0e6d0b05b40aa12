"""Issue 14.21: who may change a Slack channel's subscriptions, chosen per workspace.

Real slack-bolt and slack_sdk ask the fake Slack (users.info, usergroups.list,
usergroups.users.list) on behalf of the real core and storage; the team installed through
OAuth as in test_slack_end_to_end.
"""

from __future__ import annotations

import pytest

from tests.adapters.integration.test_slack_end_to_end import (  # noqa: F401  # fixtures
    CHANNEL,
    TEAM,
    Team,
    platforms,
    team,
)
from tests.adapters.slack.conftest import slash_fields

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning"),
]

ADMIN, MEMBER, LEAD = "UADMIN", "UMEMBER", "ULEAD"


async def papers_as(team: Team, user: str, text: str, replies: int = 1) -> list[str]:  # noqa: F811
    """``/papers <text>`` typed by ``user``; the texts of the answers they got."""
    team._answers += 1
    name = f"as{team._answers}"
    fields = slash_fields(team.fake, text, channel=CHANNEL.channel_id, team=TEAM)
    fields.update(user_id=user, user_name=user.lower(), response_url=team.fake.response_url(name))
    response = await team.listener.post_signed("/slack/events", fields)
    assert response.status == 200
    return [c.body["text"] for c in await team.fake.wait_for(f"response/{name}", count=replies)]


@pytest.fixture
def people(team: Team) -> Team:  # noqa: F811  # the fixture imported above
    team.fake.people[ADMIN] = {"is_admin": True}
    team.fake.usergroups["ml-leads"] = ("S0LEADS", [LEAD])
    return team


async def test_by_default_everyone_manages_and_nobody_is_looked_up(people: Team) -> None:
    answer, _ = await papers_as(people, MEMBER, "subscribe scaling", replies=2)
    assert answer.startswith("Subscribed #general")
    (help_text,) = await papers_as(people, MEMBER, "help")
    assert "Who may change what channels follow: everyone." in help_text
    assert "/papers settings managers everyone" in help_text
    assert people.fake.called("users.info") == []


async def test_admins_only_refuses_a_member_on_every_managing_verb(people: Team) -> None:
    done, announced = await papers_as(people, ADMIN, "settings managers admins", replies=2)
    told = "workspace admins and owners may change what this workspace's channels follow."
    assert (done, announced) == (f"Done: {told}", f"uadmin decided that {told}")
    for text in ("subscribe scaling", "unsubscribe 1", "schedule off", "settings max 3", "resume"):
        (refused,) = await papers_as(people, MEMBER, text)
        assert refused.startswith(
            "Only members with admin or owner rights in this workspace may change"
        ), text
    (shown,) = await papers_as(people, MEMBER, "settings")  # looking stays open
    assert shown.startswith("Settings for #general")
    (results,) = await papers_as(people, MEMBER, "scaling")
    assert "Only members" not in results
    answer, _ = await papers_as(people, ADMIN, "subscribe scaling", replies=2)
    assert answer.startswith("Subscribed #general")
    (help_text,) = await papers_as(people, MEMBER, "help")
    assert "needs admin or owner rights in this workspace" in help_text
    # One users.info per member for the whole burst: the answer is cached.
    asked = [c.body["user"] for c in people.fake.called("users.info")]
    assert sorted(asked) == [ADMIN, MEMBER]


async def test_a_user_group_manages_and_admins_still_may(people: Team) -> None:
    await papers_as(people, ADMIN, "settings managers group:@ML-Leads", replies=2)
    answer, _ = await papers_as(people, LEAD, "subscribe diffusion", replies=2)
    assert answer.startswith("Subscribed #general")
    (refused,) = await papers_as(people, MEMBER, "unsubscribe 1")
    assert refused.startswith("Only members with a place in the @ml-leads user group")
    answer, _ = await papers_as(people, ADMIN, "unsubscribe 1", replies=2)
    assert "diffusion" in answer
    assert [c.body["usergroup"] for c in people.fake.called("usergroups.users.list")] == ["S0LEADS"]


async def test_only_admins_choose_and_only_groups_that_exist(people: Team) -> None:
    (refused,) = await papers_as(people, MEMBER, "settings managers admins")
    assert refused == "Only workspace admins and owners choose who manages channels."
    (unknown,) = await papers_as(people, ADMIN, "settings managers group:nobody")
    assert unknown.startswith("This workspace has no user group @nobody.")
    (wrong,) = await papers_as(people, ADMIN, "settings managers owners")
    assert "everyone, admins, or group:&lt;handle&gt;" in wrong
    answer, _ = await papers_as(people, MEMBER, "subscribe scaling", replies=2)
    assert answer.startswith("Subscribed")  # nothing was changed by the refusals


async def test_a_missing_scope_is_explained_not_a_crash(people: Team) -> None:
    await papers_as(people, ADMIN, "settings managers admins", replies=2)
    people.fake.missing_scopes.add("users:read")
    (answer,) = await papers_as(people, MEMBER, "subscribe scaling")
    assert answer == (
        "I could not check who may manage channels here: Paperboy lacks Slack's users:read "
        "scope (reinstall the app from its manifest). Try again in a minute."
    )
