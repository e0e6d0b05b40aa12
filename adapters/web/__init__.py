"""The operator web page ``/ui/`` on the ``--http`` listener (off unless
``PAPERBOY_ADMIN_TOKEN`` is set).

Server-rendered HTML (Jinja2 templates in ``templates/``, plain CSS in ``static/``, no
scripts): an overview, the channels, one channel, "why wasn't it delivered", and search.
Read-only except resuming a paused channel. Access: see :mod:`adapters.web.auth`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

from aiohttp import web

from adapters.composition import App, Clock
from adapters.web.auth import AdminAuth
from adapters.web.forms import Forms
from adapters.web.login import guarded, login, login_page, logout
from adapters.web.pages import Pages
from adapters.web.render import SECURITY_HEADERS

_CHANNEL = "/ui/channels/{platform}/{workspace}/{channel}"


def _stylesheet() -> bytes:
    return resources.files("adapters.web").joinpath("static/operator.css").read_bytes()


def _wall_clock() -> datetime:
    return datetime.now(UTC)


def operator_routes(app: App, token: str, *, clock: Clock | None = None) -> list[web.RouteDef]:
    """The routes of ``/ui/`` over ``app``, guarded by the admin ``token``."""
    auth = AdminAuth(token)
    now = clock or _wall_clock
    pages = Pages(app, auth, now)
    forms = Forms(app, auth, now)
    css = _stylesheet()

    async def stylesheet(_request: web.Request) -> web.Response:
        response = web.Response(body=css, content_type="text/css", charset="utf-8")
        response.headers.update(SECURITY_HEADERS)
        return response

    async def login_form(request: web.Request) -> web.Response:
        return login_page(request, auth, status=200)

    async def login_post(request: web.Request) -> web.Response:
        return await login(request, auth)

    async def home(_request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/ui/")

    return [
        web.get("/ui", home),
        web.get("/ui/static/operator.css", stylesheet),
        web.get("/ui/login", login_form),
        web.post("/ui/login", login_post),
        web.post("/ui/logout", guarded(auth, logout)),
        web.get("/ui/", guarded(auth, pages.overview)),
        web.get("/ui/channels", guarded(auth, pages.channels)),
        web.get(_CHANNEL, guarded(auth, pages.channel)),
        web.post(_CHANNEL + "/resume", guarded(auth, forms.resume)),
        web.get("/ui/why", guarded(auth, forms.why)),
        web.post("/ui/why", guarded(auth, forms.why)),
        web.get("/ui/search", guarded(auth, forms.search)),
        web.post("/ui/search", guarded(auth, forms.search)),
    ]
