"""One signed POST to a receiver, with the standard library's ``http.client``.

Why ``http.client`` (rather than ``urllib.request`` or ``requests``, both at hand): the
connection must go to the address that was just checked (``addresses.check``), not to
whatever the host name resolves to a moment later (DNS rebinding). ``http.client`` lets a
connection class choose the socket's address while the request still names the host (``Host``
header, and for https the TLS server name and certificate check), in a few lines; it follows
no redirects by construction (a 3xx is just an answer that is not 2xx); and it adds no
dependency. ``urllib.request`` would resolve again and follow redirects unless told not to.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from django.utils import translation

from .addresses import AddressRefused, Target, check

USER_AGENT = "resource-platform-webhooks/1"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret>``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


@dataclass(frozen=True)
class Outcome:
    status: int | None  # the receiver's HTTP status, None if there was no answer
    error: str  # why there was no (good) answer; empty on success
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._addresses = target.addresses

    def _open(self) -> socket.socket:
        last: OSError | None = None
        for address in self._addresses:
            try:
                return socket.create_connection((address, self.port), self.timeout)
            except OSError as exc:
                last = exc
        raise last or OSError("no address")

    def connect(self):
        self.sock = self._open()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = http.client.HTTPS_PORT

    def __init__(self, target: Target, timeout: float):
        super().__init__(target, timeout)
        self._context = ssl.create_default_context()

    def connect(self):
        self.sock = self._context.wrap_socket(self._open(), server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Outcome:
    """POST ``body`` to ``url`` after checking its address again; never raises for the
    receiver's sake (an unreachable, slow or refused receiver is an ``Outcome``)."""
    started = time.monotonic()

    def outcome(status: int | None, error: str = "") -> Outcome:
        return Outcome(status, error[:1000], int((time.monotonic() - started) * 1000))

    try:
        with translation.override(None):  # logged untranslated, like the other errors
            target = check(url)
    except AddressRefused as refused:
        return outcome(None, str(refused))
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target, timeout)
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                **headers,
            },
        )
        response = connection.getresponse()
        response.read(64 * 1024)  # a little of the answer, so the connection ends cleanly
        status = response.status
    except (OSError, http.client.HTTPException) as exc:  # timeouts and TLS errors included
        return outcome(None, f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()
    if 200 <= status < 300:
        return outcome(status)
    return outcome(status, f"HTTP {status}")
