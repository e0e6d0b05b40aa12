"""Commands imported on first use, so ``paperboy --help`` does not load the whole program.

A command module pulls in what it needs (SQLAlchemy, Alembic, tantivy, the platform SDKs,
httpx…): over a second of imports. A :class:`LazyGroup` knows each command by a table entry —
where it lives and its one-line summary — and imports the module only when the command runs
or shows its own help. Listing the commands uses the summaries alone. This is pip's
``commands_dict`` idea (``pip/_internal/commands/__init__.py``) and click's documented
lazy-loading group (https://click.palletsprojects.com/en/stable/complex/#lazily-loading-subcommands).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

# Plain help: rich's help renderer alone costs more import time than the rest of --help.
MARKUP_MODE = None


@dataclass(frozen=True)
class LazyCommand:
    """``target`` is ``"module:attribute"`` — a command function or a ``typer.Typer`` sub-app;
    ``summary`` is the line ``--help`` lists (a test checks it against the docstring)."""

    target: str
    summary: str
    context_settings: Mapping[str, Any] = field(default_factory=dict)

    def load(self, name: str) -> Any:
        """Import the target and build its click command, named ``name``."""
        module_name, attribute = self.target.split(":")
        found = getattr(importlib.import_module(module_name), attribute)
        if isinstance(found, typer.Typer):
            command: Any = typer.main.get_group(found)
        else:
            holder = typer.Typer(add_completion=False, rich_markup_mode=MARKUP_MODE)
            holder.command(name, context_settings=dict(self.context_settings))(found)
            command = typer.main.get_command(holder)
        command.name = name
        return command

    def placeholder(self, name: str) -> TyperCommand:
        """A stand-in that only knows its summary: what a command list needs."""
        return TyperCommand(name=name, help=self.summary, rich_markup_mode=MARKUP_MODE)


class LazyCommands(MutableMapping[str, Any]):
    """A group's commands: the ones built so far, and the table's, built when looked up."""

    def __init__(self, table: Mapping[str, LazyCommand], built: MutableMapping[str, Any]) -> None:
        self._table = table
        self._built = built

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._table[name].load(name)  # KeyError: no such command
        return self._built[name]

    def __contains__(self, name: object) -> bool:
        return name in self._built or name in self._table

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._built, *self._table]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*self._built, *self._table]))

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def peek(self, name: str) -> Any:
        """The built command, or a placeholder with the summary; never imports anything."""
        if name in self._built:
            return self._built[name]
        entry = self._table.get(name)
        return entry.placeholder(name) if entry else None


class LazyGroup(TyperGroup):
    """A typer group whose ``table`` commands are imported on first use (subclass per table,
    see :func:`lazy_group`)."""

    table: ClassVar[Mapping[str, LazyCommand]] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._lazy = LazyCommands(self.table, dict(self.commands))
        self.commands = self._lazy
        self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        """Every command, registered ones first, without importing any."""
        return list(self.commands)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command (imported now if needed); while help is listed, its placeholder."""
        if self._listing:
            return self._lazy.peek(cmd_name)
        return self._lazy.get(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The group's help, listing commands by their summaries."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def lazy_group(table: Mapping[str, LazyCommand]) -> type[LazyGroup]:
    """A :class:`LazyGroup` class for ``table`` (typer instantiates the class itself)."""
    return type("PaperboyGroup", (LazyGroup,), {"table": table})
