"""Who may see the operator page: the admin token, a signed session cookie, CSRF tokens.

There is one secret, ``PAPERBOY_ADMIN_TOKEN``. Scripts send it as ``Authorization: Bearer``;
people type it once into the login form and get a session cookie instead. Nothing is stored
server-side: the cookie is ``v1.<expires>.<nonce>.<mac>``, an HMAC-SHA256 (RFC 2104) over the
expiry and a random nonce under a key derived from the token, so it cannot be forged, it
expires on its own, and changing the token logs everyone out. The CSRF token of a session is
an HMAC of its nonce (the "HMAC based token" pattern of the OWASP CSRF cheat sheet,
https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html);
the login form, before any session, uses a double-submit cookie the same way. Every comparison
of a secret is ``hmac.compare_digest`` (constant time).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

SESSION_COOKIE = "paperboy_ui"
LOGIN_COOKIE = "paperboy_ui_login"
SESSION_SECONDS = 12 * 3600
LOGIN_FORM_SECONDS = 3600
_VERSION = "v1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _same(given: str, expected: str) -> bool:
    """Constant-time equality of two strings (any text; bytes are compared)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Session:
    """An authenticated request: by cookie (``nonce`` set, CSRF checked) or by bearer token."""

    nonce: str | None
    expires: int | None

    @property
    def by_cookie(self) -> bool:
        """Whether the browser's cookie authenticated it (then forms need the CSRF token)."""
        return self.nonce is not None


class AdminAuth:
    """Checks the admin token and issues and verifies session cookies and CSRF tokens."""

    def __init__(self, token: str, *, clock: Callable[[], float] = time.time) -> None:
        self._token = token
        self._key = hmac.new(token.encode("utf-8"), b"paperboy operator page", "sha256").digest()
        self._clock = clock

    def _mac(self, purpose: str, value: str) -> str:
        message = f"{purpose}.{value}".encode()
        return _b64(hmac.new(self._key, message, hashlib.sha256).digest())

    def token_matches(self, given: str) -> bool:
        """Whether ``given`` is the admin token (constant time)."""
        return _same(given, self._token)

    def bearer(self, header: str | None) -> Session | None:
        """A session for ``Authorization: Bearer <token>`` (RFC 6750 §2.1), else None."""
        if not header:
            return None
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() != "bearer" or not self.token_matches(credentials.strip()):
            return None
        return Session(nonce=None, expires=None)

    def new_session(self) -> tuple[str, Session]:
        """A fresh cookie value and the session it stands for."""
        expires = int(self._clock()) + SESSION_SECONDS
        nonce = secrets.token_urlsafe(18)
        payload = f"{_VERSION}.{expires}.{nonce}"
        return f"{payload}.{self._mac('session', payload)}", Session(nonce, expires)

    def session(self, cookie: str | None) -> Session | None:
        """The session a cookie stands for; None when it is missing, forged or expired."""
        if not cookie:
            return None
        parts = cookie.split(".")
        if len(parts) != 4 or parts[0] != _VERSION or not parts[1].isdigit():
            return None
        payload = ".".join(parts[:3])
        if not _same(parts[3], self._mac("session", payload)):
            return None
        expires = int(parts[1])
        if expires <= self._clock():
            return None
        return Session(nonce=parts[2], expires=expires)

    def csrf_token(self, session: Session) -> str:
        """The token every form of this session carries (empty for bearer requests)."""
        return self._mac("csrf", session.nonce) if session.nonce else ""

    def csrf_ok(self, session: Session, given: str | None) -> bool:
        """Whether a form's token belongs to this session; bearer requests need none (a
        browser never adds an Authorization header on its own, so no CSRF is possible)."""
        if not session.by_cookie:
            return True
        return bool(given) and _same(given or "", self.csrf_token(session))

    def new_login_form(self) -> tuple[str, str]:
        """A login nonce for the double-submit cookie and the form's matching token."""
        expires = int(self._clock()) + LOGIN_FORM_SECONDS
        nonce = f"{expires}.{secrets.token_urlsafe(18)}"
        return nonce, self._mac("login", nonce)

    def login_form_ok(self, cookie: str | None, given: str | None) -> bool:
        """Whether the login form's token matches its cookie, and the form is recent."""
        if not cookie or not given:
            return False
        expires, _, _ = cookie.partition(".")
        if not expires.isdigit() or int(expires) <= self._clock():
            return False
        return _same(given, self._mac("login", cookie))
