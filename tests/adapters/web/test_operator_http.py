"""The operator page as plain HTTP sees it: who gets in, what forms accept, what never leaks.

A real listener on 127.0.0.1 (the ``--http`` one) over a seeded library; see ``conftest.py``.
"""

from __future__ import annotations

import re
import time

import httpx
import numpy as np
import pytest

from adapters.composition import App
from adapters.serve import operator_page
from adapters.settings import Settings, read_settings
from adapters.web.auth import SESSION_COOKIE, SESSION_SECONDS, AdminAuth
from adapters.web.render import channel_url
from storage.embedding import DIMENSIONS, MODEL_ID, OnnxEmbedder
from storage.vectors import SqlVectorStore
from storage.vectors_index import SemanticIndex
from tests.adapters.web.conftest import (
    HOSTILE,
    ML,
    OTHER,
    PAUSED,
    TOKEN,
    Served,
    bulk_history,
    csrf_of,
    logged_in,
)

ESCAPED = "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"
PAGES = ("/ui/", "/ui/channels", channel_url(ML), channel_url(PAUSED), "/ui/why", "/ui/search")


def _bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_page_is_off_unless_an_admin_token_is_set(
    operator_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert operator_page(operator_app, Settings()) == []
    monkeypatch.setenv("PAPERBOY_ADMIN_TOKEN", TOKEN)
    paths = {route.path for route in operator_page(operator_app, Settings())}  # type: ignore[attr-defined]
    assert "/ui/" in paths
    monkeypatch.setenv("PAPERBOY_ADMIN_TOKEN", "")
    assert operator_page(operator_app, Settings()) == []
    monkeypatch.setenv("PAPERBOY_ADMIN_TOKEN", "short-secret")
    settings, problem = read_settings()
    assert settings is None and problem is not None
    assert "PAPERBOY_ADMIN_TOKEN: must be at least 16 characters" in problem
    assert "short-secret" not in problem


@pytest.mark.parametrize("path", PAGES)
def test_without_a_token_every_page_is_401_with_the_login_form_and_no_data(
    served: Served, path: str
) -> None:
    answer = httpx.get(served.base + path)
    assert answer.status_code == 401
    assert 'name="token"' in answer.text
    assert "ml-infra" not in answer.text and "Scaling agents" not in answer.text


def test_scripts_use_a_bearer_token_and_a_wrong_one_is_refused(served: Served) -> None:
    good = httpx.get(served.base + "/ui/", headers=_bearer())
    wrong = httpx.get(served.base + "/ui/", headers=_bearer(TOKEN + "x"))
    assert good.status_code == 200
    assert 'id="library-size">8<' in good.text
    assert wrong.status_code == 401


def test_login_sets_an_httponly_samesite_strict_expiring_cookie(served: Served) -> None:
    with httpx.Client(base_url=served.base) as client:
        form = client.get("/ui/login")
        answer = client.post(
            "/ui/login", data={"csrf": csrf_of(form.text), "token": TOKEN, "next": "/ui/channels"}
        )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/ui/channels"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "samesite", "max-age", "path"} <= attributes
    assert "SameSite=Strict" in cookie and "Path=/ui" in cookie


def test_a_wrong_token_or_a_login_form_without_its_cookie_is_refused(served: Served) -> None:
    with httpx.Client(base_url=served.base) as client:
        form = client.get("/ui/login")
        wrong = client.post("/ui/login", data={"csrf": csrf_of(form.text), "token": "nope"})
        assert wrong.status_code == 401
        assert "not the admin token" in wrong.text
        assert SESSION_COOKIE not in client.cookies
    # A login form posted from elsewhere has no login cookie: refused before the token.
    forged = httpx.post(served.base + "/ui/login", data={"csrf": "x", "token": TOKEN})
    assert forged.status_code == 403
    assert f"{SESSION_COOKIE}=" not in forged.headers.get("set-cookie", "")


def test_a_forged_or_expired_cookie_is_rejected(served: Served) -> None:
    expired, _ = AdminAuth(TOKEN, clock=lambda: time.time() - SESSION_SECONDS - 60).new_session()
    other_key, _ = AdminAuth("another-token-0123456789abcdef").new_session()
    valid, _ = AdminAuth(TOKEN).new_session()
    far_future = valid.split(".")
    far_future[1] = "9999999999"  # a later expiry under the old signature
    for cookie in (expired, other_key, ".".join(far_future), "v1.9999999999.abc.forged", "junk"):
        answer = httpx.get(served.base + "/ui/", cookies={SESSION_COOKIE: cookie})
        assert answer.status_code == 401, cookie
    assert httpx.get(served.base + "/ui/", cookies={SESSION_COOKIE: valid}).status_code == 200


def test_resuming_needs_the_sessions_csrf_token(served: Served) -> None:
    resume = channel_url(PAUSED) + "/resume"
    with logged_in(served.base) as other_session:
        stale = csrf_of(other_session.get("/ui/").text)
    with logged_in(served.base) as client:
        for form in ({}, {"csrf": "forged"}, {"csrf": stale}):
            answer = client.post(resume, data=form)
            assert answer.status_code == 403, form
            assert "out of date" in answer.text
        assert served.app.channels.get_channel(PAUSED).paused_reason  # type: ignore[union-attr]
        page = client.get(channel_url(PAUSED))
        done = client.post(resume, data={"csrf": csrf_of(page.text)})
        assert done.status_code == 303
        assert (
            "paused" not in client.get(done.headers["location"]).text.split('id="status">')[1][:10]
        )
    assert served.app.channels.get_channel(PAUSED).paused_reason is None  # type: ignore[union-attr]


def test_hostile_titles_topics_names_and_reasons_are_escaped_on_every_page(
    served: Served,
) -> None:
    with logged_in(served.base) as client:
        search = client.get("/ui/search")
        pages = [client.get(path).text for path in PAGES[:-1]]
        pages.append(
            client.post("/ui/search", data={"csrf": csrf_of(search.text), "q": "diffusion"}).text
        )
    for path, html in zip(PAGES, pages, strict=True):
        assert HOSTILE not in html, path
        assert "<script>" not in html and "onerror=alert" not in html.replace(
            "onerror=alert(1)&gt;", ""
        ), path
        assert ESCAPED in html, path


def test_an_unknown_channel_or_another_workspaces_channel_is_404_and_shows_nothing(
    served: Served,
) -> None:
    leaked = ("secret-other-workspace", "top secret topic")
    with logged_in(served.base) as client:
        csrf = csrf_of(client.get("/ui/").text)
        for path in (
            "/ui/channels/slack/T0MINE/C0NOPE",  # no such channel
            f"/ui/channels/slack/{ML.workspace_id}/{OTHER.channel_id}",  # another workspace's
            f"/ui/channels/slack/-/{OTHER.channel_id}",  # no workspace: no loose match
            "/ui/channels/irc/x/y",
        ):
            answer = client.get(path)
            assert answer.status_code == 404, path
            assert "no such page or channel" in answer.text
            assert not any(word in answer.text for word in leaked)
        wrong_resume = client.post(
            f"/ui/channels/discord/801/{PAUSED.channel_id}/resume", data={"csrf": csrf}
        )
        assert wrong_resume.status_code == 404
    assert served.app.channels.get_channel(PAUSED).paused_reason  # type: ignore[union-attr]


def test_10000_row_histories_are_paginated(served: Served) -> None:
    channel = served.app.channels.get_channel(ML)
    assert channel is not None
    bulk_history(served.app.library.engine, channel.pk, 10_000)
    with logged_in(served.base) as client:
        started = time.perf_counter()
        first = client.get(channel_url(ML))
        elapsed = time.perf_counter() - started
        last = client.get(channel_url(ML), params={"page": "201"})
        beyond = client.get(channel_url(ML), params={"page": "5000"})
        bad = [client.get(channel_url(ML), params={"page": p}) for p in ("0", "abc", "-1")]
        older_link = re.search(r'href="\?before=(\d+)#digests"', first.text)
        assert older_link is not None
        older = client.get(channel_url(ML), params={"before": older_link.group(1)})
        bad_cursor = client.get(channel_url(ML), params={"before": "x"})
    assert first.status_code == 200
    assert first.text.count("bulk-") == 20 and "bulk-00000<" in first.text
    assert older.text.count("bulk-") == 20 and "bulk-00020<" in older.text
    assert "bulk-00019<" not in older.text
    assert bad_cursor.status_code == 400
    assert "(10004 papers)" in first.text and "Page 1 of 201" in first.text
    assert first.text.count("Bulk paper") == 50 and "Bulk paper 0<" in first.text
    assert elapsed < 5
    assert "Bulk paper 9999<" in last.text and "Page 201 of 201" in last.text
    assert beyond.status_code == 200 and "No rows on this page" in beyond.text
    assert [b.status_code for b in bad] == [400, 400, 400]
    assert "not a page number" in bad[1].text


def test_channels_sort_by_any_column(served: Served) -> None:
    with httpx.Client(base_url=served.base, headers=_bearer()) as client:
        by_delivered = client.get("/ui/channels", params={"sort": "delivered", "dir": "desc"})
        by_name = client.get("/ui/channels", params={"sort": "nonsense"})
    rows = by_delivered.text.split("<tbody>")[1]
    assert rows.index("#ml-infra") < rows.index("#general")
    assert 'aria-sort="descending"' in by_delivered.text
    assert by_name.status_code == 200 and 'aria-sort="ascending"' in by_name.text


def test_search_shows_scores_and_why_lines_and_explains_a_bad_query(served: Served) -> None:
    with httpx.Client(base_url=served.base, headers=_bearer()) as client:
        found = client.post("/ui/search", data={"q": "scaling agents"})
        bad = client.post("/ui/search", data={"q": "since:yesterdayish"})
    assert found.status_code == 200
    assert "results for" in found.text and "score " in found.text
    assert 'class="why">' in found.text and "title" in found.text.split('class="why">')[1][:200]
    assert bad.status_code == 400 and "Traceback" not in bad.text
    assert 'role="alert"' in bad.text and 'value="since:yesterdayish"' in bad.text


def test_every_page_sends_a_strict_policy_and_never_shows_the_token(served: Served) -> None:
    with logged_in(served.base) as client:
        cookie = client.cookies[SESSION_COOKIE]
        for path in PAGES:
            answer = client.get(path)
            assert "script-src" not in answer.headers["content-security-policy"]
            assert "default-src 'none'" in answer.headers["content-security-policy"]
            assert answer.headers["cache-control"] == "no-store"
            assert TOKEN not in answer.text and cookie not in answer.text


def test_the_why_form_answers_with_the_cores_reasons(served: Served) -> None:
    with httpx.Client(base_url=served.base, headers=_bearer()) as client:
        form = client.get("/ui/why")
        posted = client.post("/ui/why", data={"channel": str(ML), "paper": "2611.00004"})
        missing = client.post("/ui/why", data={"channel": str(ML), "paper": "2611.77777"})
        paused = client.post("/ui/why", data={"channel": str(PAUSED), "paper": "2611.00002"})
        bad_id = client.post("/ui/why", data={"channel": str(ML), "paper": "not-a-paper"})
        other = client.post(
            "/ui/why",
            data={"channel": f"slack:{ML.workspace_id}/{OTHER.channel_id}", "paper": "2611.00008"},
        )
    assert form.status_code == 200 and f'value="{ML}"' in form.text
    assert "posted on 2026-11-" in posted.text and "already posted in this channel" in posted.text
    assert "not in the library" in missing.text
    assert "channel paused" in paused.text
    assert bad_id.status_code == 400 and "is not an arXiv id" in bad_id.text
    assert 'value="not-a-paper"' in bad_id.text  # the form keeps what was typed
    assert other.status_code == 404 and "secret" not in other.text


def test_logging_out_needs_the_csrf_token_and_ends_the_session(served: Served) -> None:
    with logged_in(served.base) as client:
        csrf = csrf_of(client.get("/ui/").text)
        assert client.post("/ui/logout", data={}).status_code == 403
        assert client.get("/ui/").status_code == 200
        out = client.post("/ui/logout", data={"csrf": csrf})
        assert out.status_code == 303
        assert client.get("/ui/").status_code == 401


def test_after_login_only_a_page_of_ui_is_a_destination(served: Served) -> None:
    for wanted, landed in (
        ("/ui/channels?sort=topics", "/ui/channels?sort=topics"),
        ("https://evil.example/", "/ui/"),
        ("//evil.example/ui/", "/ui/"),
        ("/ui/login", "/ui/"),
        ("/ui/\r\nSet-Cookie: x=1", "/ui/"),
    ):
        with httpx.Client(base_url=served.base) as client:
            form = client.get("/ui/login")
            fields = {"csrf": csrf_of(form.text), "token": TOKEN, "next": wanted}
            assert client.post("/ui/login", data=fields).headers["location"] == landed


def test_the_overview_counts_papers_without_a_vector(served: Served) -> None:
    off = httpx.get(served.base + "/ui/", headers=_bearer())
    store = SqlVectorStore(served.app.library.engine, MODEL_ID, DIMENSIONS)
    store.save(
        ["2611.00001", "2611.00002", "2611.00003"],
        ["h1", "h2", "h3"],
        np.zeros((3, DIMENSIONS), np.int8),
    )
    served.app.library.semantic = SemanticIndex(_never_loaded, store)
    on = httpx.get(served.base + "/ui/", headers=_bearer())
    assert (
        'id="missing-vectors">8<' in off.text and "semantic search is off: not set up" in off.text
    )
    assert 'id="missing-vectors">5<' in on.text and "semantic search is off" not in on.text


def _never_loaded() -> OnnxEmbedder:
    raise AssertionError("counting vectors must not load the model")
