"""Where a webhook may point: an http(s) address whose host resolves only to public addresses.

A receiver on a private, loopback, link-local, multicast or reserved address would let a
partner make the platform call into its own network (server-side request forgery). So the
host is resolved and **every** address it resolves to must be globally routable; this is
checked when the webhook is registered and again before each delivery, and the delivery then
connects to the very address that was checked (``apps.webhooks.sending``), so a name that
resolves to something else a moment later (DNS rebinding) cannot slip through.
``WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` lifts the address rule (tests run a receiver on loopback).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}


class AddressRefused(ValueError):
    """The address may not receive webhooks; ``str()`` says why, in the user's language."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class Target:
    """A checked address: what to connect to (``addresses``) and what to ask for."""

    scheme: str
    host: str  # as written in the URL (sent as Host and, for https, as the TLS server name)
    port: int
    path: str  # path and query, as sent in the request line
    addresses: tuple[str, ...]


def parse(url: str) -> tuple[str, str, int, str]:
    """``url`` → (scheme, host, port, path-and-query); ``AddressRefused`` if it is no
    http(s) address of a host."""
    if not isinstance(url, str) or any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise AddressRefused(_("Enter an http:// or https:// address without spaces."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefused(_("Enter a valid http:// or https:// address.")) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise AddressRefused(_("Only http:// and https:// addresses can receive webhooks."))
    host = parts.hostname or ""
    if not host:
        raise AddressRefused(_("Enter a valid http:// or https:// address."))
    if parts.username is not None or parts.password is not None:
        raise AddressRefused(_("The address may not contain a user name or password."))
    if port == 0:
        raise AddressRefused(_("Enter a valid http:// or https:// address."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or DEFAULT_PORTS[scheme], path


def resolve(host: str, port: int) -> tuple[str, ...]:
    """Every address ``host`` resolves to (a literal address resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        return ()
    seen: dict[str, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        seen.setdefault(sockaddr[0], None)
    return tuple(seen)


def is_public(address: str) -> bool:
    """Globally routable and not multicast (private, loopback, link-local, shared,
    reserved, unspecified and documentation ranges are not global)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check(url: str) -> Target:
    """The checked target of ``url``, or ``AddressRefused``."""
    scheme, host, port, path = parse(url)
    addresses = resolve(host, port)
    if not addresses:
        raise AddressRefused(_("The address's host name could not be resolved."))
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES and not all(map(is_public, addresses)):
        raise AddressRefused(
            _(
                "Webhooks cannot be sent to private, loopback, link-local, multicast or "
                "reserved addresses."
            )
        )
    return Target(scheme, host, port, path, addresses)
