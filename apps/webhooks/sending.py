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
import io
import select
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


class _Deadline:
    """The moment the whole attempt must be over (``WEBHOOK_TIMEOUT_SECONDS`` after it began)."""

    def __init__(self, started: float, seconds: float):
        self.at = started + seconds

    def left(self) -> float:
        """The seconds left, for the next socket operation; ``TimeoutError`` when none are."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError("the receiver did not answer within the delivery's time")
        return left


class _BoundedReader(io.RawIOBase):
    """The socket's reading end: each read may take only the time left, so a receiver that
    drips its answer a byte at a time cannot stretch the attempt (a socket timeout bounds
    one operation, not the answer)."""

    def __init__(self, owner: _BoundedSocket):
        super().__init__()
        self._owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        sock = self._owner.sock
        sock.settimeout(self._owner.deadline.left())
        return sock.recv_into(buffer)

    def close(self) -> None:
        if not self.closed:
            super().close()
            self._owner.reader_closed()


class _BoundedSocket:
    """What ``http.client`` sees as the socket: sends and reads bounded by the deadline.

    Like a socket's own ``makefile``, an open reader keeps the socket open after ``close``
    (``http.client`` closes the connection before the body is read when the answer ends
    the connection); the last of the two closes it.
    """

    def __init__(self, sock: socket.socket, deadline: _Deadline):
        self.sock, self.deadline = sock, deadline
        self._readers = 0
        self._closing = False

    def sendall(self, data) -> None:
        self.sock.settimeout(self.deadline.left())  # bounds the whole sendall (3.5+)
        self.sock.sendall(data)

    def makefile(self, mode: str = "rb", *args, **kwargs):
        self._readers += 1
        return io.BufferedReader(_BoundedReader(self))

    def reader_closed(self) -> None:
        self._readers -= 1
        if self._closing and not self._readers:
            self.sock.close()

    def close(self) -> None:
        self._closing = True
        if not self._readers:
            self.sock.close()

    def __getattr__(self, name):  # setsockopt, …: the socket's own
        return getattr(self.sock, name)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, deadline: _Deadline):
        super().__init__(target.host, target.port, timeout=deadline.left())
        self._addresses = target.addresses
        self._deadline = deadline

    def _open(self) -> socket.socket:
        last: OSError | None = None
        for address in self._addresses:
            try:
                return socket.create_connection((address, self.port), self._deadline.left())
            except OSError as exc:
                last = exc
        raise last or OSError("no address")

    def connect(self):
        self.sock = _BoundedSocket(self._open(), self._deadline)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = http.client.HTTPS_PORT

    def __init__(self, target: Target, deadline: _Deadline):
        super().__init__(target, deadline)
        self._context = ssl.create_default_context()

    def connect(self):
        tls = self._context.wrap_socket(
            self._open(), server_hostname=self.host, do_handshake_on_connect=False
        )
        # The handshake is bounded by the deadline too: its reads and writes wait at most
        # the time left, however slowly the receiver trickles its side.
        tls.setblocking(False)
        try:
            while True:
                try:
                    tls.do_handshake()
                    break
                except ssl.SSLWantReadError:
                    ready = select.select([tls], [], [], self._deadline.left())[0]
                except ssl.SSLWantWriteError:
                    ready = select.select([], [tls], [], self._deadline.left())[1]
                if not ready:
                    self._deadline.left()  # raises once the time is up
        except BaseException:
            tls.close()
            raise
        tls.setblocking(True)
        self.sock = _BoundedSocket(tls, self._deadline)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Outcome:
    """POST ``body`` to ``url`` after checking its address again; never raises for the
    receiver's sake (an unreachable, slow or refused receiver is an ``Outcome``).

    ``timeout`` bounds the whole attempt (check, connection, request, answer), not each
    socket operation: every operation waits only for the time left.
    """
    started = time.monotonic()
    deadline = _Deadline(started, timeout)

    def outcome(status: int | None, error: str = "") -> Outcome:
        return Outcome(status, error[:1000], int((time.monotonic() - started) * 1000))

    try:
        with translation.override(None):  # logged untranslated, like the other errors
            target = check(url)
    except AddressRefused as refused:
        return outcome(None, str(refused))
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    try:
        connection = kind(target, deadline)
    except TimeoutError as exc:  # the address check took all the time
        return outcome(None, f"{type(exc).__name__}: {exc}")
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
        with connection.getresponse() as response:
            response.read(64 * 1024)  # a little of the answer, so the connection ends cleanly
            status = response.status
    except (OSError, http.client.HTTPException) as exc:  # timeouts and TLS errors included
        return outcome(None, f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()
    if 200 <= status < 300:
        return outcome(status)
    return outcome(status, f"HTTP {status}")
