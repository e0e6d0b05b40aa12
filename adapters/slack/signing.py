"""Checks Slack's request signature on the raw bytes, before anything parses them.

Slack signs every request it sends: ``X-Slack-Signature`` is ``v0=`` + hex HMAC-SHA256 of
``v0:{X-Slack-Request-Timestamp}:{body}`` with the app's signing secret, and a timestamp more
than five minutes off is a replay (https://api.slack.com/authentication/verifying-requests-from-slack).
Bolt checks the same, but only after :class:`slack_bolt.request.async_request.AsyncBoltRequest`
has decoded and parsed the body (``parse_body`` → ``json.loads``) and with ``int(timestamp)``
unguarded in ``slack_sdk.signature.SignatureVerifier.is_valid`` — so a malformed body or a
non-numeric timestamp from anyone became a 500 with an ERROR traceback. This runs first.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping

MAX_AGE_SECONDS = 60 * 5
VERSION = "v0"


def signature_problem(
    secret: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    now: Callable[[], float] = time.time,
) -> str | None:
    """Why this request is not signed by Slack with ``secret`` (None when it is)."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not timestamp or not signature:
        return "no Slack signature"
    if not (timestamp.isascii() and timestamp.isdigit()):
        return "the timestamp is not a number"
    if abs(now() - int(timestamp)) > MAX_AGE_SECONDS:
        return "the timestamp is more than five minutes off (a replay?)"
    base = f"{VERSION}:{timestamp}:".encode() + body
    expected = f"{VERSION}=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return "the signature does not match"
    return None
