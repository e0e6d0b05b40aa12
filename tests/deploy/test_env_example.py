"""``.env.example`` documents every variable Paperboy's code reads."""

from __future__ import annotations

import importlib
import pkgutil
import re
from types import ModuleType

from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from tests.deploy.conftest import ROOT, env_example

PACKAGES = ("bot", "adapters", "storage")
# A quoted variable name in the source: os.environ.get("SLACK_BOT_TOKEN"), aliases, etc.
# (A name ending in "_" is a settings prefix, not a variable.)
_QUOTED_VARIABLE = re.compile(r"[\"']((?:PAPERBOY|SLACK|DISCORD)_[A-Z0-9_]*[A-Z0-9])[\"']")


def quoted_in_source() -> set[str]:
    found: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found |= set(_QUOTED_VARIABLE.findall(path.read_text(encoding="utf-8")))
    return found


def all_modules() -> list[ModuleType]:
    modules = []
    for name in PACKAGES:
        package = importlib.import_module(name)
        modules.append(package)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            modules.append(importlib.import_module(info.name))
    return modules


def settings_classes() -> set[type[BaseSettings]]:
    all_modules()  # importing defines every settings class
    found: set[type[BaseSettings]] = set()
    pending = list(BaseSettings.__subclasses__())
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending += cls.__subclasses__()
    return {cls for cls in found if cls.__module__.split(".")[0] in PACKAGES}


def settings_variables() -> set[str]:
    """The variable behind each field of every pydantic-settings class in the packages."""
    names: set[str] = set()
    for cls in settings_classes():
        prefix = str(cls.model_config.get("env_prefix", ""))
        for field_name, field in cls.model_fields.items():
            alias = field.validation_alias
            if isinstance(alias, str):
                names.add(alias.upper())
            elif isinstance(alias, AliasChoices):  # the environment reads the upper-case choice
                names |= {c for c in alias.choices if isinstance(c, str) and c.isupper()}
            else:
                names.add(f"{prefix}{field.alias or field_name}".upper())
    return names


def test_settings_fields_are_found() -> None:
    assert {"PAPERBOY_DATABASE_URL", "PAPERBOY_HF_URL", "PAPERBOY_LOG_LEVEL"} <= (
        settings_variables()
    )


def test_every_variable_the_code_reads_is_in_env_example() -> None:
    read = quoted_in_source() | settings_variables()
    assert "SLACK_BOT_TOKEN" in read and "DISCORD_BOT_TOKEN" in read
    assert sorted(read - set(env_example())) == []


def test_the_brief_list_of_variables_is_documented() -> None:
    """The variables the platform adapters read, even before they are merged here."""
    expected = {
        "PAPERBOY_DATABASE_URL", "PAPERBOY_HF_URL", "PAPERBOY_LOG_LEVEL",
        "PAPERBOY_ARXIV_API_URL", "PAPERBOY_ARXIV_RSS_URL", "PAPERBOY_INDEX_DIR",
        "PAPERBOY_SLACK_API_URL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
        "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "DISCORD_BOT_TOKEN",
        "PAPERBOY_DISCORD_API_URL", "PAPERBOY_DISCORD_DEV_GUILD",
        "PAPERBOY_DISCORD_SHARD_IDS", "PAPERBOY_DISCORD_SHARD_COUNT",
        "PAPERBOY_DISCORD_MANAGE_PERMISSION",
    }  # fmt: skip
    assert sorted(expected - set(env_example())) == []
