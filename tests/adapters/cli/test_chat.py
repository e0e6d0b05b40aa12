"""``paperboy chat``: a new user tries the whole grammar in a terminal, lines fed on stdin."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.cli import app as cli
from adapters.cli.chat import command_text, converse, session
from adapters.settings import load_settings
from bot.chat import ChannelRef, Reply
from tests.conftest import FIXTURES

runner = CliRunner()
SAMPLE = FIXTURES / "hf-daily-papers" / "llm-paper-radar__date_2026-05-08__37items.json"


def chat(lines: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli.app, ["chat", *args], input=lines)
    return result.exit_code, result.stdout


def test_a_session_subscribes_lists_and_previews(db_env: str) -> None:
    assert runner.invoke(cli.app, ["fetch", "hf", "--file", str(SAMPLE)]).exit_code == 0
    code, out = chat(
        '/papers subscribe "scaling laws"\n'
        "schedule daily 09:00 Europe/Berlin\n"
        "\n"
        "settings window all\n"
        "list\n"
        "/papers digest preview\n"
    )
    assert code == 0
    assert '[#general] You subscribed this channel to “"scaling laws"”.' in out
    assert "Digests for #general: daily at 09:00 (Europe/Berlin)." in out
    assert "#general follows 1 topic:" in out and '  1. "scaling laws"' in out
    assert "1. Prescriptive Scaling Laws for Data Constrained Training" in out


def test_question_mark_shows_the_help_and_mistakes_are_friendly(db_env: str) -> None:
    code, out = chat("?\nschedule someday\nsubscibe scaling\n")
    assert code == 0
    assert "/papers subscribe" in out and "/papers unsubscribe" in out  # the help
    assert "Error:" in out and "Traceback" not in out
    assert "Did you mean `subscribe`?" in out


def test_digest_posts_through_the_console_adapter(
    db_env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    runner.invoke(cli.app, ["fetch", "hf", "--file", str(SAMPLE)])
    monkeypatch.setattr(sys, "stdin", io.StringIO("subscribe scaling\ndigest\n"))
    tuesday = datetime(2026, 5, 12, 10, tzinfo=UTC)  # a week day, the sample is recent
    session(load_settings(), ChannelRef.parse("console:research"), clock=lambda: tuesday)
    out = capsys.readouterr().out
    assert "#research  (delivery:" in out  # the console adapter's digest header
    assert "1. Prescriptive Scaling Laws for Data Constrained Training" in out
    assert out.rstrip().endswith("Posted 5 papers to #research.")


def test_end_of_input_and_quit_leave_cleanly(db_env: str) -> None:
    assert chat("") == (0, chat("")[1])
    code, out = chat("quit\nsubscribe scaling\n")
    assert code == 0 and "subscribed" not in out


def test_a_wrong_channel_is_one_line() -> None:
    result = runner.invoke(cli.app, ["chat", "--channel", "irc:general"], input="list\n")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 'irc:general' is not a channel reference.")


def scripted(lines: list[str | BaseException]) -> Iterator[str]:
    for line in lines:
        if isinstance(line, BaseException):
            raise line
        yield line


@pytest.mark.parametrize("stop", [EOFError(), KeyboardInterrupt()])
def test_ctrl_d_and_ctrl_c_at_the_prompt_end_the_session(stop: BaseException) -> None:
    feed = scripted(["list", "", stop, "never read"])
    ran: list[str] = []
    count = converse(lambda: next(feed), lambda t: ran.append(t) or Reply(text="ok"), print)
    assert (count, ran) == (1, ["list"])


def test_ctrl_c_during_a_command_ends_the_session() -> None:
    def run(text: str) -> Reply:
        raise KeyboardInterrupt

    feed = iter(["digest", "list"])
    assert converse(lambda: next(feed), run, print) == 0


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("/papers list", "list"),
        ("  /papers   subscribe  scaling ", "subscribe  scaling"),
        ("/papers", "help"),
        ("?", "help"),
        ("scaling laws", "scaling laws"),
        ("/paperscaling", "/paperscaling"),
        ("   ", None),
    ],
)
def test_what_a_line_asks_for(line: str, text: str | None) -> None:
    assert command_text(line) == text


def test_paperboy_chat_reads_a_pipe(db_env: str) -> None:
    """The installed command as a user pipes it, in its own process (real stdin, no tty)."""
    done = subprocess.run(
        [str(Path(sys.executable).with_name("paperboy")), "chat"],
        input="subscribe diffusion\n?\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "[#general] You subscribed this channel to “diffusion”." in done.stdout
    assert "Paperboy" in done.stdout and done.stderr == ""
