"""The workspace rule for who manages channels: how it is written and whom it admits."""

from __future__ import annotations

import pytest

from bot.chat import DirectoryUnavailable
from bot.commands.grammar import SetManagers, Settings, needs_manage, parse_command
from bot.commands.managers import EVERYONE, ManagerRule, Managers
from bot.errors import UserError
from tests.kit.core import FakeMember

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("everyone", EVERYONE),
        ("ADMINS", ManagerRule(Managers.ADMINS)),
        ("group:ml-leads", ManagerRule(Managers.GROUP, "ml-leads")),
        ("group:@ML.Leads", ManagerRule(Managers.GROUP, "ml.leads")),
    ],
)
def test_a_rule_reads_as_written_and_writes_back(text: str, rule: ManagerRule) -> None:
    assert ManagerRule.parse(text) == rule
    assert ManagerRule.parse(str(rule)) == rule


@pytest.mark.parametrize("text", ["owners", "group:", "group", "group:a b", "group:<!here>"])
def test_a_wrong_rule_says_what_to_write(text: str) -> None:
    with pytest.raises(UserError) as caught:
        ManagerRule.parse(text)
    assert "everyone, admins, or group:<handle>" in caught.value.friendly()


def test_the_grammar_reads_managers_only_on_its_own() -> None:
    command = parse_command("settings managers group:ml-leads")
    assert command == SetManagers(ManagerRule(Managers.GROUP, "ml-leads"))
    assert not needs_manage(command)  # checked by the gate as an admin-only choice instead
    assert isinstance(parse_command("settings max 5"), Settings)
    with pytest.raises(UserError, match="on its own"):
        parse_command("settings managers admins max 5")


async def test_whom_each_rule_admits() -> None:
    admins, leads = ManagerRule(Managers.ADMINS), ManagerRule(Managers.GROUP, "leads")
    quiet = FakeMember()
    assert await EVERYONE.admits(quiet) and quiet.asked == 0  # nobody is looked up
    assert not await admins.admits(FakeMember())
    assert await admins.admits(FakeMember(admin=True))
    assert await leads.admits(FakeMember(groups=("leads",)))
    assert await leads.admits(FakeMember(admin=True))  # admins are never locked out
    assert not await leads.admits(FakeMember(groups=("others",)))
    with pytest.raises(DirectoryUnavailable):
        await ManagerRule(Managers.GROUP, "down").admits(FakeMember())
