"""The client's address, for sign-in lockouts and anonymous rate limits.

``REMOTE_ADDR``, unless ``TRUSTED_PROXY_COUNT`` says that many reverse proxies stand in
front and set ``X-Forwarded-For``. Each proxy appends the address it saw, so the client is
the entry that many places from the right (as in DRF's ``NUM_PROXIES``): whatever a client
wrote into the header itself stays on the left and is never believed. The nginx example
overwrites the header with ``$remote_addr``, so behind it the header holds just the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request) -> str:
    """The address the request came from, as text ("" when unknown)."""
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        if hops:
            chosen = _valid(hops[-min(proxies, len(hops))])
            if chosen:
                return chosen
    return _valid(remote) or remote
