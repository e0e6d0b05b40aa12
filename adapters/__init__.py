"""Everything that knows the outside world's formats: chat platforms, the CLI, HTTP, settings.

- The composition root, :mod:`adapters.composition`, builds the process from
  :mod:`adapters.settings` — the only place the core, storage and platforms are wired.
- Platforms: :mod:`adapters.slack`, :mod:`adapters.discord`, :mod:`adapters.console`; each
  only translates (payload in → core value, core reply → platform format). They never import
  each other; only the wiring modules (composition, platforms, settings) and the CLI may
  name several (``tests/test_architecture.py`` holds the list).
- :mod:`adapters.cli` is the ``paperboy`` command line; :mod:`adapters.serve` and
  :mod:`adapters.http_server` run the long-lived process.
"""
