"""The one test kit: every fake and harness the tests share, written once, imported from here.

Like errbot's test backend and bolt's own tests, each fake is a real implementation of the
contract it stands in for — a local HTTP server the real SDK talks to, or a class that obeys
the core's Protocol — and refuses what the real thing would refuse.

- :mod:`tests.kit.core` — ``FakeCore`` (the core as a platform sees it: command handler and
  channel status, scripted replies, recorded calls), ``FakeMember`` (a caller's standing) and
  ``RecordingAdapter`` (a chat adapter that records posts and fails on demand).
- :mod:`tests.kit.clock` — ``FakeClock``: wall and monotonic time that move only when told.
- :mod:`tests.kit.slack` — ``FakeSlack``: Web API, ``response_url`` and Socket Mode, in the
  test's loop (``serving_fake_slack``) or a thread for subprocesses (``running_fake_slack``).
- :mod:`tests.kit.discord` — ``FakeDiscord``: REST and gateway (``running_fake_discord`` for
  subprocesses); :mod:`tests.kit.discord_payloads` the interactions Discord sends.
- :mod:`tests.kit.sources` — ``FakePaperSources``: Hugging Face and arXiv on one server.
- :mod:`tests.kit.servers` — run an aiohttp app or a fake in a background thread.
- :mod:`tests.kit.papers`, :mod:`tests.kit.arxiv` — papers and digests to test with, and the
  recorded arXiv payloads; :mod:`tests.kit.serve_process` — real ``paperboy serve`` processes.

``tests/test_architecture.py`` checks that no class named ``Fake…`` is defined anywhere else.
Unit tests sit next to the package they test (tests/bot, tests/adapters/…); tests against real
storage are tests/storage, and the wired end-to-end ones tests/adapters/integration and
tests/reliability.
"""
