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


# IPv6 ranges that carry an IPv4 address in their last 32 bits (NAT64, RFC 6052; the old
# IPv4-compatible form, RFC 4291) or in bits 16–48 (6to4, RFC 3056): a router hands them on
# to that IPv4 address, so they are judged by it. Python 3.11's ``is_global`` calls them global.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
# Never global, but ``is_global`` says they are: local-use NAT64 (RFC 8215, its embedded
# address sits where the operator chose) and the deprecated site-local range (RFC 3879).
NEVER_PUBLIC = (ipaddress.IPv6Network("64:ff9b:1::/48"), ipaddress.IPv6Network("fec0::/10"))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4, compatible)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64 or ip in IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(address: str) -> bool:
    """Globally routable and not multicast (private, loopback, link-local, site-local,
    shared, reserved, unspecified and documentation ranges are not global); an IPv6 address
    that carries an IPv4 one (mapped, NAT64, 6to4, IPv4-compatible) is judged by that."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in network for network in NEVER_PUBLIC):
            return False
        ip = _embedded_ipv4(ip) or ip
    return ip.is_global and not ip.is_multicast


def check(url: str) -> Target:
    """The checked target of ``url``, or ``AddressRefused``."""
    scheme, host, port, path = parse(url)
    addresses = resolve(host, port)
    # One answer for a name that does not resolve and one that resolves to a private
    # address: telling them apart would let a submitter probe the internal DNS names.
    if not addresses or (
        not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES and not all(map(is_public, addresses))
    ):
        raise AddressRefused(
            _(
                "Webhooks are sent only to host names that resolve to public addresses "
                "(not private, loopback, link-local, multicast or reserved ones)."
            )
        )
    return Target(scheme, host, port, path, addresses)
