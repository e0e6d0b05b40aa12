"""``paperboy fetch arxiv`` as a user runs it, against a real local HTTP server playing arXiv."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from adapters.cli import app as cli
from adapters.cli import arxiv as cli_arxiv
from adapters.paper_sources import Progress, arxiv_fetches
from adapters.settings import Settings
from bot.pacing import KeyedPacer
from bot.sources.arxiv.calendar import AnnouncementStatus
from bot.sources.arxiv.fetch import ArxivFetches
from storage.arxiv_calendar_repository import SqlAnnouncementCalendar
from tests.bot.arxiv_fixtures import RSS, SYNTHETIC, recorded
from tests.bot.fake_clock import FakeClock
from tests.conftest import FIXTURES

runner = CliRunner()
HF_DAY = FIXTURES / "hf-daily-papers" / "llm-paper-radar__date_2026-05-08__37items.json"
OVERLAP_ATOM = SYNTHETIC / "arxiv-api-id_list-hf-overlap__SYNTHETIC.xml"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout, result.stderr


def search_json(query: str) -> list[dict[str, object]]:
    code, out, err = run("search", query, "--json", "--limit", "100")
    assert code == 0, err
    results: list[dict[str, object]] = json.loads(out)
    return results


@dataclass
class FakeArxiv:
    """What the local server answers: ``(status, body)`` by path, or by ``id_list``."""

    by_path: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    by_ids: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    default: tuple[int, bytes] = (404, b"not found")
    seen: list[str] = field(default_factory=list)


@pytest.fixture
def fake_arxiv(monkeypatch: pytest.MonkeyPatch, db_env: str) -> Iterator[FakeArxiv]:
    """A real HTTP server on 127.0.0.1 for the API, RSS and listing URLs; no real waiting."""
    state = FakeArxiv()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's naming
            parts = urlsplit(self.path)
            state.seen.append(self.path)
            ids = parse_qs(parts.query).get("id_list", [""])[0]
            status, body = state.by_ids.get(ids) or state.by_path.get(parts.path, state.default)
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # stdlib name
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("PAPERBOY_ARXIV_API_URL", f"{base}/api/query")
    monkeypatch.setenv("PAPERBOY_ARXIV_RSS_URL", f"{base}/rss")
    monkeypatch.setenv("PAPERBOY_ARXIV_LISTING_URL", f"{base}/list")
    clock = FakeClock()

    def make_fetches(settings: Settings, on_page: Progress) -> ArxivFetches:
        pacer = KeyedPacer(3.0, clock=clock, sleep=clock.sleep)
        return arxiv_fetches(settings, on_page=on_page, pacer=pacer, sleep=clock.sleep)

    monkeypatch.setattr(cli_arxiv, "make_fetches", make_fetches)
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def test_done_when_hf_and_arxiv_papers_are_merged_in_search(db_env: str) -> None:
    code, out, _ = run("fetch", "hf", "--file", str(HF_DAY))
    assert code == 0 and "37 new" in out
    code, out, _ = run("fetch", "arxiv", "--file", str(OVERLAP_ATOM))
    assert code == 0
    assert "3 papers (1 new, 2 updated)" in out and "Library: 38 papers" in out

    top = search_json("retrieval agentic search")[0]
    assert top["id"] == "2605.05242" and top["upvotes"] == 86  # HF's upvotes survived
    in_cs_cl = search_json("cat:cs.CL")  # categories came from arXiv
    ids = [r["id"] for r in in_cs_cl]
    assert len(ids) == len(set(ids))  # no paper twice
    assert set(ids) == {"2605.05242", "2605.06548", "2605.08083"}
    upvotes = {r["id"]: r["upvotes"] for r in in_cs_cl}
    assert upvotes == {"2605.05242": 86, "2605.06548": 68, "2605.08083": 0}
    everything = search_json("the")
    assert len({r["id"] for r in everything}) == len(everything)


def test_feed_listing_and_hf_in_the_other_order_still_give_one_paper_each(db_env: str) -> None:
    for path in (
        SYNTHETIC / "arxiv-rss-cs.LG-announce-types__SYNTHETIC.xml",
        SYNTHETIC / "arxiv-list-cs.LG-new__SYNTHETIC.html",
        RSS / "distill__cs.LG__2026-04-27__3items.xml",
    ):
        code, out, err = run("fetch", "arxiv", "--file", str(path))
        assert code == 0, err
    assert "3 papers (2 new, 1 updated) [3 new]" in out  # 2604.21952 was already known
    code, out, _ = run("fetch", "hf", "--file", str(HF_DAY))
    assert code == 0 and "36 new, 1 updated" in out
    assert search_json("+kernel +two-sample") == []  # withdrawn: never shown
    hits = search_json("retrieval agentic search")
    assert hits[0]["id"] == "2605.05242" and hits[0]["upvotes"] == 86


def test_latex_and_non_ascii_titles_survive(db_env: str, tmp_path: Path) -> None:
    saved = tmp_path / "testing.xml"
    saved.write_bytes(recorded("q_testing")[1])
    code, out, _ = run("fetch", "arxiv", "--file", str(saved))
    assert code == 0 and "100 papers" in out
    (hit,) = [r for r in search_json("webview") if r["id"] == "2306.03845"]
    assert str(hit["title"]).startswith("$ω$Test")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (recorded("id_abc")[1], "arXiv rejected the query: incorrect id format for abc."),
        (recorded("id_0000.0000")[1], "arXiv found no papers for that query"),
        (OVERLAP_ATOM.read_bytes()[:1500], "not complete XML (truncated?)"),
        (b'{"dailyPapers": []}', "neither an arXiv API"),
        (b"", "The file is empty."),
    ],
    ids=["error-feed", "zero-results", "truncated", "json", "empty"],
)
def test_bad_files_get_one_clear_message_and_lose_nothing(
    db_env: str, tmp_path: Path, body: bytes, message: str
) -> None:
    run("fetch", "arxiv", "--file", str(OVERLAP_ATOM))
    saved = tmp_path / "bad.xml"
    saved.write_bytes(body)
    code, out, err = run("fetch", "arxiv", "--file", str(saved))
    assert code == 1
    assert message in err and "Traceback" not in out + err
    assert len(search_json("cat:cs.CL")) == 3  # what was stored is still there


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--category", "cs.ML"), "'cs.ML' is not an arXiv category. Did you mean stat.ML"),
        (("--id", "abc"), "Not an arXiv id: abc."),
        ((), "Tell me what to fetch"),
        (("--file", "/nonexistent/feed.xml"), "No such file"),
        (("--file", str(OVERLAP_ATOM), "--id", "2401.12345"), "not both"),
    ],
)
def test_bad_arguments_exit_1_before_any_request(
    fake_arxiv: FakeArxiv, args: tuple[str, ...], message: str
) -> None:
    code, _, err = run("fetch", "arxiv", *args)
    assert code == 1 and message in err
    assert fake_arxiv.seen == []


def test_category_fetch_reads_the_feed(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.by_path["/rss/cs.LG"] = (
        200,
        (RSS / "distill__cs.LG__2026-04-27__3items.xml").read_bytes(),
    )
    fake_arxiv.by_path["/rss/cs.CL"] = (
        200,
        (RSS / "distill__cs.CL__2026-04-27__3items.xml").read_bytes(),
    )
    code, out, err = run("fetch", "arxiv", "--category", "cs.lg", "--category", "cs.CL")
    assert code == 0, err
    assert "arXiv cs.LG feed: 3 papers (3 new, 0 updated) [3 new]" in out
    assert "arXiv cs.CL feed: 3 papers (3 new, 0 updated) [3 new]" in out
    assert fake_arxiv.seen == ["/rss/cs.LG", "/rss/cs.CL"]


def test_an_empty_weekend_feed_is_noted_and_the_listing_asked(
    fake_arxiv: FakeArxiv, engine: Engine
) -> None:
    fake_arxiv.by_path["/rss/cs.LG"] = (
        200,
        (SYNTHETIC / "arxiv-rss-cs.LG-weekend-empty__SYNTHETIC.xml").read_bytes(),
    )
    fake_arxiv.by_path["/list/cs.LG/new"] = (
        200,
        (SYNTHETIC / "arxiv-list-cs.LG-new__SYNTHETIC.html").read_bytes(),
    )
    code, out, err = run("fetch", "arxiv", "--category", "cs.LG")
    assert code == 0, err
    assert "no announcement for cs.LG on 2026-04-25 (weekend or holiday)" in out
    assert "arXiv cs.LG listing page: 5 papers" in out
    calendar = SqlAnnouncementCalendar(engine)
    assert calendar.announcement_status("cs.LG", date(2026, 4, 25)) is (
        AnnouncementStatus.NO_ANNOUNCEMENT
    )
    assert calendar.announcement_status("cs.LG", date(2026, 4, 27)) is AnnouncementStatus.ANNOUNCED


def test_fetch_by_id(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.by_ids["astro-ph/0601001"] = recorded("id_astro-ph_0601001")
    fake_arxiv.by_ids["0000.0000"] = recorded("id_0000.0000")
    fake_arxiv.by_ids["2401.12345"] = recorded("id_abc")  # arXiv's 400 error feed
    code, out, err = run("fetch", "arxiv", "--id", "astro-ph/0601001")
    assert code == 0, err
    assert "1 papers (1 new, 0 updated)" in out
    code, _, err = run("fetch", "arxiv", "--id", "0000.0000")
    assert code == 1 and "arXiv has no paper with id 0000.0000." in err
    code, _, err = run("fetch", "arxiv", "--id", "2401.12345")
    assert code == 1 and "incorrect id format" in err
    assert [r["id"] for r in search_json("hot jupiters")] == ["astro-ph/0601001"]


def test_arxiv_down_exits_2_with_a_clear_message(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.default = (503, b"Service Unavailable")
    code, out, err = run("fetch", "arxiv", "--category", "cs.LG")
    assert code == 2
    assert "could not fetch cs.LG" in err and "HTTP 503" in err
    assert "Traceback" not in out + err
    code, _, err = run("fetch", "arxiv", "--category", "cs.LG", "--api")
    assert code == 2 and "export API failed (HTTP 503)" in err


def test_a_failing_category_does_not_stop_the_next_and_the_exit_code_says_so(
    fake_arxiv: FakeArxiv,
) -> None:
    """cs.LG is down (feed and listing answer 404); cs.CL still gets fetched and stored."""
    fake_arxiv.by_path["/rss/cs.CL"] = (
        200,
        (RSS / "distill__cs.CL__2026-04-27__3items.xml").read_bytes(),
    )
    code, out, err = run("fetch", "arxiv", "--category", "cs.LG", "--category", "cs.CL")
    assert code == 2
    assert "Error: could not fetch cs.LG" in err
    assert "arXiv cs.CL feed: 3 papers (3 new, 0 updated)" in out
    assert len(search_json("cat:cs.CL")) == 3


def test_long_fetches_show_progress(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.default = (200, OVERLAP_ATOM.read_bytes())
    code, _, err = run("fetch", "arxiv", "--category", "cs.CL", "--api", "--max", "3")
    assert code == 0, err
    assert "Fetching arXiv API cs.CL…" in err
    assert "page 1: 3 papers so far" in err


def test_search_for_a_pasted_link_gives_neighbours_fetching_from_arxiv_first(
    fake_arxiv: FakeArxiv,
) -> None:
    code, out, _ = run("fetch", "hf", "--file", str(HF_DAY))
    assert code == 0
    known = search_json("https://huggingface.co/papers/2605.05242")
    assert known and "2605.05242" not in [r["id"] for r in known]
    assert fake_arxiv.seen == []  # in the library: arXiv is not asked

    fake_arxiv.by_ids["astro-ph/0601001"] = recorded("id_astro-ph_0601001")
    code, _, err = run("search", "https://arxiv.org/abs/astro-ph/0601001v1", "--json")
    assert code == 0, err
    assert "astro-ph/0601001 was not in the library: fetched it from arXiv." in err
    assert [r["id"] for r in search_json("hot jupiters")] == ["astro-ph/0601001"]

    fake_arxiv.by_ids["0000.0000"] = recorded("id_0000.0000")
    code, out, err = run("search", "arxiv.org/abs/0000.0000")
    assert code == 1 and "arXiv has no paper with id 0000.0000." in err
    assert "Traceback" not in out + err
