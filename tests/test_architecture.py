"""Dependencies point one way: adapters -> bot <- storage (README, "Layout")."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "bot": (
        "adapters",
        "storage",
        "sqlmodel",
        "sqlalchemy",
        "alembic",
        "slack_bolt",
        "slack_sdk",
        "discord",
    ),
    "storage": ("adapters", "slack_bolt", "discord"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def forbidden_imports(package: str, root: Path = ROOT) -> list[str]:
    """Every import in ``package`` of something that must depend on it, not the reverse."""
    return [
        f"{path.relative_to(root)} imports {name}"
        for path in sorted((root / package).rglob("*.py"))
        for name in sorted(imported_modules(path))
        if name.split(".")[0] in FORBIDDEN[package]
    ]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_never_imports_what_depends_on_it(package: str) -> None:
    assert forbidden_imports(package) == []


def test_the_check_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "x.py"
    bad.write_text("from adapters.cli.app import app\nimport sqlmodel\n", encoding="utf-8")
    assert imported_modules(bad) == {"adapters.cli.app", "sqlmodel"}


# Platforms only translate; each knows one outside world. The exceptions are the modules
# whose job is to name several: the composition root and the platform factory build them, the
# one Settings object composes their settings modules (which import no SDK), and the CLI (the
# operator's front door: `paperboy doctor` checks every platform's credentials) runs them.
# A platform may read the shared Settings, but never reaches the wiring that builds it.
PLATFORMS = ("adapters.slack", "adapters.discord", "adapters.console")
MAY_NAME_PLATFORMS = (
    "adapters.composition",
    "adapters.platforms",
    "adapters.settings",
    "adapters.cli",
)
WIRING = ("adapters.composition", "adapters.platforms", "adapters.cli")


def module_name(path: Path) -> str:
    """``adapters/slack/poster.py`` → ``adapters.slack.poster`` (``__init__`` is its package)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def within(name: str, packages: tuple[str, ...]) -> str | None:
    """The entry of ``packages`` that ``name`` is, or lives in."""
    return next((p for p in packages if name == p or name.startswith(f"{p}.")), None)


def platform_crossings(paths: list[Path]) -> list[str]:
    """Imports that cross between platforms, from shared adapter code into a platform, or
    from a platform into the wiring."""
    found = []
    for path in paths:
        here = module_name(path)
        if within(here, MAY_NAME_PLATFORMS):
            continue
        home = within(here, PLATFORMS)
        for name in sorted(imported_modules(path)):
            target = within(name, PLATFORMS)
            if (target and target != home) or (home and within(name, WIRING)):
                found.append(f"{here} imports {name}")
    return found


def test_adapters_never_import_each_other() -> None:
    assert platform_crossings(sorted((ROOT / "adapters").rglob("*.py"))) == []


def test_the_platform_check_sees_a_violation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    files = {
        "adapters/slack/x.py": "from adapters.discord.rendering import render\n",
        "adapters/discord/y.py": "import adapters.composition\nimport adapters.settings\n",
        "adapters/http_server.py": "from adapters.slack import SlackRuntime\n",
        "adapters/cli/z.py": "from adapters.slack.settings import SlackSettings\n",  # allowed
        "adapters/slack/ok.py": "from adapters.slack.blocks import escape\nimport bot.chat\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert platform_crossings(sorted((tmp_path / "adapters").rglob("*.py"))) == [
        "adapters.discord.y imports adapters.composition",
        "adapters.http_server imports adapters.slack",
        "adapters.slack.x imports adapters.discord.rendering",
    ]


def test_the_core_check_sees_a_violation(tmp_path: Path) -> None:
    """The first rule, on a core module that imports an adapter and storage."""
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "bad.py").write_text(
        "from adapters.slack.blocks import escape\nimport storage.models\nimport httpx\n",
        encoding="utf-8",
    )
    assert forbidden_imports("bot", tmp_path) == [
        "bot/bad.py imports adapters.slack.blocks",
        "bot/bad.py imports storage.models",
    ]


# One test kit (tests/kit): the fake core, clock, Slack, Discord and paper sources live there
# and nowhere else, so a fake is written once and every test uses the same one.
KIT = Path("tests") / "kit"
SKIPPED_DIRS = {".venv", ".git", "node_modules", "__pycache__"}
FAKE_NAME = re.compile(r"^Fake([A-Z0-9_]|$)")


def python_files(root: Path) -> list[Path]:
    """Every ``.py`` file of the repository (not the virtualenv, not caches)."""
    return sorted(
        path
        for path in root.rglob("*.py")
        if not SKIPPED_DIRS & set(path.relative_to(root).parts)
        and not path.relative_to(root).parts[0].startswith(".")
    )


def fakes_outside_the_kit(root: Path) -> list[str]:
    """Classes named ``Fake…`` defined anywhere but in the test kit."""
    return [
        f"{path.relative_to(root)} defines {node.name}"
        for path in python_files(root)
        if not path.relative_to(root).is_relative_to(KIT)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and FAKE_NAME.match(node.name)
    ]


def test_only_the_test_kit_defines_fakes() -> None:
    assert fakes_outside_the_kit(ROOT) == []


def test_the_fake_check_sees_a_violation(tmp_path: Path) -> None:
    for name, text in {
        "tests/kit/slack.py": "class FakeSlack:\n    pass\n",
        "tests/adapters/test_x.py": "def test() -> None:\n    class FakeRanker:\n        pass\n",
        "adapters/console.py": "class Fakeness:\n    pass\n",  # a word, not a fake
        "bench/corpus.py": "class FakeCorpus:\n    pass\n",
        ".venv/lib/fake.py": "class FakeVenv:\n    pass\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert fakes_outside_the_kit(tmp_path) == [
        "bench/corpus.py defines FakeCorpus",
        "tests/adapters/test_x.py defines FakeRanker",
    ]
