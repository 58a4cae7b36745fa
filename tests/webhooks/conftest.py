"""Fixtures of the webhook tests: a real HTTP receiver on loopback, a second department, a
fake DNS for host names, and a way to run the job queue until it is quiet."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apps.accounts.models import Membership, User
from apps.jobs.queue import pending_jobs, run_due_jobs
from apps.organizations.models import Organization

OTHER_DEPT = "440600-kjj"  # 科技局: a second partner department


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    verified: bool

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    """A partner's system: answers each POST with the next status of ``answers`` (the last
    one once they run out), and checks each signature with ``secret``."""

    url: str = ""
    answers: list[int] = field(default_factory=lambda: [200])
    secret: str = ""
    delay: float = 0.0  # seconds to think before answering
    received: list[Received] = field(default_factory=list)

    def verify(self, headers, body: bytes) -> bool:
        timestamp = headers.get("X-Webhook-Timestamp", "")
        expected = hmac.new(
            self.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        given = headers.get("X-Webhook-Signature", "")
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
        return fresh and hmac.compare_digest(given, f"sha256={expected}")


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = dict(self.headers.items())
            state.received.append(Received(self.path, headers, body, state.verify(headers, body)))
            time.sleep(state.delay)
            status = state.answers[min(len(state.received), len(state.answers)) - 1]
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/platform?source=rp"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def allow_private(settings):
    """What the tests' receiver on loopback needs (production leaves it off)."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.JOBS_RETRY_BACKOFF_SECONDS = 0.01
    return settings


@pytest.fixture
def dns(monkeypatch):
    """``dns["hooks.example.cn"] = ["203.0.113.9"]``: what host names resolve to, in the
    address checks (literal addresses resolve to themselves, other names to nothing)."""
    table: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port),
                )
                for a in table[host]
            ]
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
        except OSError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr("apps.webhooks.addresses.socket.getaddrinfo", getaddrinfo)
    return table


@pytest.fixture
def other_dept(db):
    """A submitter of another partner department (科技局)."""
    user = User.objects.create_user(username="kjj_submitter")
    Membership.objects.create(
        user=user, organization=Organization.objects.get(code=OTHER_DEPT), role="submitter"
    )
    return user


def run_jobs_until_quiet(*, timeout: float = 10.0) -> int:
    """Run due jobs, waiting for retries that are not due yet, until none is left."""
    ran = 0
    deadline = time.monotonic() + timeout
    while True:
        ran += run_due_jobs()
        if not pending_jobs():
            return ran
        if time.monotonic() > deadline:
            raise AssertionError(f"{pending_jobs()} jobs still waiting after {timeout} s")
        time.sleep(0.02)
