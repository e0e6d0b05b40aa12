"""The ``paperboy`` command line; :func:`main` is the console-script entry point.

Where things are: :mod:`adapters.cli.app` registers the command tree; each command lives in
its own module — ``hf`` and ``arxiv`` (``paperboy fetch …``), ``library`` (``search``,
``digest``), ``channels`` (``command``, ``serve``), ``chat`` (the ``/papers`` grammar in a
terminal), ``db``, ``index``, ``doctor`` — and
:mod:`adapters.cli.support` holds the settings, exit codes and error handling they share.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Console-script entry point (``paperboy``)."""
    from adapters.cli.app import app

    try:
        app()
    except SystemExit as exc:
        sys.exit(exc.code)
