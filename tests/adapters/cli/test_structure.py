"""How the CLI package is put together: commands never import the module that registers them."""

from __future__ import annotations

from pathlib import Path

import adapters.cli
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
