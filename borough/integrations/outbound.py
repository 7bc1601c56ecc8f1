"""Where Borough may call out to: the check every webhook and connector URL passes, when it is
saved and again before every request (issue 16; ADR 0017, "Outbound calls").

- **HTTPS only in production.** ``http://`` is refused when ``BOROUGH_MODE=production``. In the
  embedded mode (the demo and the tests) ``http://`` is allowed to this machine's own loopback
  addresses only, for local receivers.
- **Public addresses only.** The host is resolved once and every address it resolves to must be
  a public unicast address: loopback, private, link-local (the cloud metadata service at
  169.254.169.254), shared (100.64.0.0/10), multicast, reserved and unspecified addresses are
  refused, IPv4 and IPv6 alike, IPv4 wrapped in IPv6 (``::ffff:127.0.0.1``, 6to4, Teredo,
  NAT64) unwrapped first. Networks listed in ``BOROUGH_OUTBOUND_ALLOWED_NETWORKS`` are allowed on
  purpose (a council's internal system); the embedded mode also allows loopback.
- **No gap between check and connect.** ``check`` returns the address it checked; ``http.py``
  connects to that address and sends the name as the Host header and TLS server name, so a
  name that resolves differently a moment later (DNS rebinding) changes nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ALLOWED_NETWORKS_SETTING = "BOROUGH_OUTBOUND_ALLOWED_NETWORKS"


class Refused(ValueError):
    """Borough will not call this URL; ``str()`` says why, in words for an admin."""


class NotFound(Refused):
    """The host name does not resolve (now); it may later."""


@dataclass(frozen=True)
class Target:
    """A URL that passed the check, and the one address to connect to."""

    scheme: str  # "http" or "https"
    host: str  # the name (or literal address) from the URL: Host header and TLS server name
    port: int
    addresses: tuple[str, ...]  # every address the name resolved to, all checked, tried in turn
    path: str  # path and query, as sent in the request line

    @property
    def address(self) -> str:
        return self.addresses[0]


def embedded() -> bool:
    return settings.BOROUGH_MODE != "production"


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (the operating system's resolver), first as given."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(str(network).strip(), strict=False)
        for network in getattr(settings, ALLOWED_NETWORKS_SETTING, [])
        if str(network).strip()
    ]


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _unwrapped(ip: IPAddress) -> IPAddress:
    """The IPv4 address inside an IPv4-mapped, NAT64, 6to4 or Teredo IPv6 address, else ``ip``."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip.teredo is not None:
            return ip.teredo[1]
    return ip


def _kind(ip: IPAddress) -> str | None:
    """What sort of address Borough does not call ``ip`` is, or None for a public one."""
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address (this machine)"
    if ip.is_link_local:
        return "a link-local address (such as a cloud metadata service)"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved address"
    return None


def address_refusal(address: str) -> str | None:
    """Why Borough will not connect to ``address``, or None when it may."""
    try:
        raw = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address} is not an IP address"
    ip = _unwrapped(raw)  # the address the connection really reaches
    if any(ip in network for network in _allowed_networks()):
        return None  # allowed on purpose by the council
    if embedded() and ip.is_loopback:
        return None  # the embedded mode's local receivers (demo and tests)
    kind = _kind(ip) or _kind(raw)  # what it reaches first: ::ffff:127.0.0.1 is loopback
    if kind is None:
        return None
    return (
        f"{address} is {kind}: Borough does not call those. A council that must reach an "
        f"internal system lists its network in {ALLOWED_NETWORKS_SETTING}"
    )


def _parts(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused("Enter a whole URL, like https://receiver.example/borough") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise Refused("Enter a URL starting with https://")
    if parts.username or parts.password:
        raise Refused("Put no user name or password in the URL")
    if scheme == "http" and not embedded():
        raise Refused("Enter a URL starting with https:// (Borough sends only over HTTPS)")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), path


def check(url: str) -> Target:
    """Resolve the URL's host once and check every address; ``Refused`` (or ``NotFound``)
    saying why not. The ``Target`` names the address to connect to."""
    scheme, host, port, path = _parts(url)
    addresses = resolve(host, port)
    if not addresses:
        raise NotFound(f"Borough could not find the address of {host}")
    for address in addresses:
        refusal = address_refusal(address)
        if refusal:
            raise Refused(refusal)
    if scheme == "http" and not all(_is_loopback(a) for a in addresses):
        # Only reachable in the embedded mode (production refuses http:// above).
        raise Refused(
            "Enter a URL starting with https://: http:// is only for receivers on this machine "
            "in the embedded mode"
        )
    return Target(scheme, host, port, tuple(addresses), path)


def _is_loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return _unwrapped(ip).is_loopback


def url_refusal(url: str) -> str | None:
    """Why a webhook or connector URL cannot be saved, or None. A name that does not resolve
    yet may be saved with https:// (every request checks again)."""
    try:
        check(url)
    except NotFound as not_found:
        if urlsplit(url).scheme.lower() == "https":
            return None
        return str(not_found)
    except Refused as refused:
        return str(refused)
    return None
