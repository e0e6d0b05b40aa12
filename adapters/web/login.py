"""Logging in and out of the operator page, and the guard every other page goes through.

A request without a valid session (or bearer token) gets ``401`` and the login form, so a
script sees the status and a person sees what to do. Every POST is checked against the
session's CSRF token before its handler runs. Errors become a friendly page: a
:class:`UserError` says what to fix (400), anything else is logged and apologised for (500)
— never exception text, which could carry a DSN.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from adapters.web.auth import (
    LOGIN_COOKIE,
    LOGIN_FORM_SECONDS,
    SESSION_COOKIE,
    SESSION_SECONDS,
    AdminAuth,
    Session,
)
from adapters.web.render import problem, render
from bot.errors import UserError

log = logging.getLogger("paperboy.ui")
Handler = Callable[[web.Request, Session], Awaitable[web.StreamResponse]]
Page = Callable[[web.Request], Awaitable[web.StreamResponse]]
HOME = "/ui/"
LOGIN = "/ui/login"
COOKIE_PATH = "/ui"


def _https(request: web.Request) -> bool:
    """Whether the browser reached us over TLS (directly, or through a proxy that says so)."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.secure or forwarded == "https"


def safe_next(raw: str | None) -> str:
    """Where to go after logging in: only a path of this page (never another site)."""
    if (
        raw
        and raw.startswith(HOME)
        and raw.isprintable()  # no CR/LF into the Location header
        and "\\" not in raw
        and not raw.startswith(LOGIN)
    ):
        return raw
    return HOME


def login_page(
    request: web.Request, auth: AdminAuth, *, status: int, message: str | None = None
) -> web.Response:
    """The login form with a fresh double-submit token, as ``status``."""
    nonce, token = auth.new_login_form()
    next_path = request.path_qs if request.method == "GET" else request.query.get("next")
    context = {"message": message, "next": safe_next(next_path)}
    response = render("login.html", context, status=status, csrf=token)
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=LOGIN_FORM_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=_https(request),
    )
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="paperboy"'
    return response


async def login(request: web.Request, auth: AdminAuth) -> web.Response:
    """POST /ui/login: the form's token checked, then the admin token; a session cookie."""
    form = await request.post()
    given_csrf = form.get("csrf")
    csrf = given_csrf if isinstance(given_csrf, str) else None
    if not auth.login_form_ok(request.cookies.get(LOGIN_COOKIE), csrf):
        return login_page(request, auth, status=403, message="The form expired. Try again.")
    token = form.get("token")
    if not isinstance(token, str) or not auth.token_matches(token):
        log.warning("operator page: a login with a wrong token from %s", request.remote)
        return login_page(request, auth, status=401, message="That is not the admin token.")
    cookie, _ = auth.new_session()
    next_field = form.get("next")
    response = web.HTTPSeeOther(safe_next(next_field if isinstance(next_field, str) else None))
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=SESSION_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=_https(request),
    )
    response.del_cookie(LOGIN_COOKIE, path=COOKIE_PATH)
    raise response


async def logout(_request: web.Request, _session: Session) -> web.Response:
    """POST /ui/logout (guarded, so CSRF-checked): the session cookie is dropped."""
    response = web.HTTPSeeOther(HOME)
    response.del_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    raise response


def guarded(auth: AdminAuth, handler: Handler) -> Page:
    """``handler`` behind the session check, the CSRF check (POST) and friendly errors."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        """The session (cookie or bearer) first, then CSRF on a POST, then the page."""
        session = auth.bearer(request.headers.get("Authorization")) or auth.session(
            request.cookies.get(SESSION_COOKIE)
        )
        if session is None:
            return login_page(request, auth, status=401)
        csrf = auth.csrf_token(session)
        if request.method == "POST":
            form = await request.post()
            given = form.get("csrf")
            if not auth.csrf_ok(session, given if isinstance(given, str) else None):
                message = "This form is out of date (its security token did not match). Reload."
                return problem(403, "Form expired", message, csrf=csrf)
        try:
            return await handler(request, session)
        except web.HTTPNotFound:
            return problem(404, "Not found", "There is no such page or channel.", csrf=csrf)
        except web.HTTPException:
            raise
        except UserError as exc:
            return problem(400, "Please check", exc.friendly(), csrf=csrf)
        except Exception:
            log.exception("operator page %s failed", request.path)
            message = "Something went wrong on our side; the details are in the log."
            return problem(500, "Sorry", message, csrf=csrf)

    return wrapped
