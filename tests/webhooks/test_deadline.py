"""``WEBHOOK_TIMEOUT_SECONDS`` bounds the whole attempt: a receiver that drips its answer a
byte at a time (each byte well within a socket timeout) is cut off near the deadline, and the
attempt is logged as a failure and retried like any other."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from apps.webhooks.models import Delivery, DeliveryStatus
from apps.webhooks.sending import post

from .conftest import run_jobs_until_quiet
from .test_delivery import pending_case, publish, register

# What the receiver drips, one byte every DRIP seconds, for at most GIVE_UP seconds (so that
# without the deadline a test fails on its times rather than hanging): in the status line, in
# the headers, or in a body it announced.
STATUS_LINE = b"HTTP/1.1 200 OK\r\n"
PHASES = {
    "status line": (b"", STATUS_LINE + b"Content-Length: 2\r\n\r\nok"),
    "headers": (STATUS_LINE, b"X-Slow: " + b"a" * 200 + b"\r\nContent-Length: 2\r\n\r\nok"),
    "body": (STATUS_LINE + b"Content-Length: 200\r\n\r\n", b"b" * 200),
}
DRIP = 0.05
GIVE_UP = 6.0


@pytest.fixture
def dripping():
    """A receiver on loopback that reads the request, then answers a byte at a time."""
    listener = socket.create_server(("127.0.0.1", 0))
    state = {"phase": "headers", "connections": 0}
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(GIVE_UP)
            request = b""
            while b"\r\n\r\n" not in request:
                request += conn.recv(4096)
            head, rest = request.split(b"\r\n\r\n", 1)
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            while len(rest) < length:
                rest += conn.recv(4096)
            at_once, dripped = PHASES[state["phase"]]
            try:
                conn.sendall(at_once)
                started = time.monotonic()
                for byte in dripped:
                    if stop.is_set() or time.monotonic() - started > GIVE_UP:
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(DRIP)
            except OSError:  # the platform hung up: what it should do
                return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _address = listener.accept()
            except OSError:
                return
            state["connections"] += 1
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{listener.getsockname()[1]}/hooks"
    try:
        yield state
    finally:
        stop.set()
        listener.close()


@pytest.mark.parametrize("phase", list(PHASES))
def test_a_dripping_answer_is_cut_off_at_the_deadline(dripping, allow_private, phase):
    dripping["phase"] = phase
    started = time.monotonic()

    outcome = post(dripping["url"], b"{}", {}, timeout=0.6)

    took = time.monotonic() - started
    assert 0.5 < took < 1.5, f"the attempt took {took:.2f} s for a 0.6 s deadline"
    assert outcome.status is None
    assert not outcome.ok
    assert "Timeout" in outcome.error
    assert outcome.duration_ms < 1500


@pytest.mark.django_db
def test_a_dripping_receiver_is_logged_as_a_failure_and_retried(persona, dripping, allow_private):
    allow_private.WEBHOOK_TIMEOUT_SECONDS = 0.5
    allow_private.WEBHOOK_MAX_ATTEMPTS = 2
    register(persona, dripping_receiver(dripping))
    publish(persona, pending_case(persona))
    started = time.monotonic()

    run_jobs_until_quiet(timeout=20)

    assert time.monotonic() - started < 4, "two attempts of 0.5 s each, and a short wait"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)
    attempts = list(delivery.log.all())
    assert [a.response_status for a in attempts] == [None, None]
    assert all("Timeout" in a.error for a in attempts)
    assert all(a.duration_ms < 1500 for a in attempts)
    assert dripping["connections"] == 2


def dripping_receiver(dripping):
    """What ``register`` needs of a receiver: its address (the secret is not checked)."""

    class Receiver:
        url = dripping["url"]
        secret = ""

    return Receiver()
