"""``addresses.is_public``: which resolved addresses may receive a webhook. IPv6 forms that
carry an IPv4 address are judged by that address (Python 3.11's ``is_global`` is not)."""

from __future__ import annotations

import pytest

from apps.webhooks.addresses import is_public


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::7f00:1",  # NAT64 → 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 → 10.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 → 169.254.169.254 (cloud metadata)
        "64:ff9b:1::a00:1",  # local-use NAT64 (RFC 8215)
        "2002:7f00:1::",  # 6to4 → 127.0.0.1
        "2002:c0a8:1::1",  # 6to4 → 192.168.0.1
        "::7f00:1",  # IPv4-compatible → 127.0.0.1
        "::a00:1",  # IPv4-compatible → 10.0.0.1
        "fec0::1",  # site-local
        "fefe::1",  # site-local, the top of fec0::/10
        "::ffff:10.0.0.1",  # IPv4-mapped
        "::1",
        "::",
        "fd00::1",
        "fe80::1",
        "ff02::1",
        "10.0.0.1",
        "127.0.0.1",
        "not an address",
    ],
)
def test_private_addresses_and_their_ipv6_disguises_are_not_public(address):
    assert not is_public(address)


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "2606:4700::1111",
        "64:ff9b::808:808",  # NAT64 → 8.8.8.8
        "2002:808:808::1",  # 6to4 → 8.8.8.8
        "::ffff:8.8.8.8",
    ],
)
def test_public_addresses_stay_public(address):
    assert is_public(address)
