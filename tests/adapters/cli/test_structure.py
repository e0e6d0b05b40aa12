"""How the CLI package is put together: a table of commands, each imported when it runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

import adapters.cli
from adapters.cli.app import COMMANDS, app
from adapters.cli.fetch import SOURCES
from adapters.cli.lazy import LazyCommand
from tests.test_architecture import imported_modules

CLI = Path(adapters.cli.__file__).parent


def test_no_command_module_imports_the_registry() -> None:
    offenders = [
        path.name
        for path in sorted(CLI.glob("*.py"))
        if path.name not in ("app.py", "__init__.py")
        and "adapters.cli.app" in imported_modules(path)
    ]
    assert offenders == []


HEAVY = (
    "slack_bolt",
    "slack_sdk",
    "discord",
    "tantivy",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "feedparser",
    "selectolax",
    "httpx",
    "aiohttp",
    "rich",
)


def test_paperboy_help_imports_no_heavy_module() -> None:
    """`paperboy --help` loads typer and the command table, not what the commands use."""
    script = (
        "import sys\n"
        "sys.argv = ['paperboy', '--help']\n"
        "from adapters.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    *help_lines, loaded = done.stdout.strip().splitlines()
    assert "search" in "\n".join(help_lines)
    assert loaded == "[]"


def first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0]


@pytest.mark.parametrize(
    ("table", "name"),
    [(COMMANDS, name) for name in COMMANDS] + [(SOURCES, name) for name in SOURCES],
)
def test_each_summary_is_the_commands_own_first_help_line(
    table: dict[str, LazyCommand], name: str
) -> None:
    """The table's summary and the command's docstring cannot drift apart."""
    command = table[name].load(name)
    assert table[name].summary == first_line(command.help)


def test_a_command_is_built_only_when_it_runs(capsys: pytest.CaptureFixture[str]) -> None:
    group: Any = typer.main.get_command(app)
    group.main(["--help"], prog_name="paperboy", standalone_mode=False)
    assert "Manage the search index and vectors." in capsys.readouterr().out
    assert list(group.commands._built) == []  # listed from the table alone
    group.main(["index", "--help"], prog_name="paperboy", standalone_mode=False)
    assert "rebuild" in capsys.readouterr().out
    assert list(group.commands._built) == ["index"]
