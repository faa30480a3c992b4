"""Where a webhook may go (SSRF): https to public addresses, plain http to loopback only;
never a private, link-local (cloud metadata included), multicast or reserved address.
Checked when the URL is registered and again at delivery, against what the name resolves
to then, and the request goes to exactly the address checked."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000


class Refused(ValueError):
    """Not a URL this server sends to; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written (the Host header and the TLS server name)
    port: int
    path: str  # with the query
    addresses: tuple[str, ...]  # what `host` resolved to, each allowed


def parse(url: str) -> tuple[str, str, int, str]:
    if len(url) > MAX_URL_LENGTH:
        raise Refused(f"At most {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise Refused("Not a valid URL.") from error
    if parts.scheme not in ("https", "http"):
        raise Refused("Use an https:// URL (http:// only to this machine, for testing).")
    if not parts.hostname:
        raise Refused("The URL names no host.")
    if parts.username or parts.password:
        raise Refused("Credentials do not belong in the URL: verify the signature instead.")
    if parts.fragment:
        raise Refused("A URL with a #fragment cannot be sent to.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def allowed(scheme: str, address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if scheme == "http":
        return ip.is_loopback
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> None:
    """For registration: the form of the URL and, for a literal address, the address.
    A name is resolved at delivery (it may not resolve yet, or resolve elsewhere later)."""
    scheme, host, _, _ = parse(url)
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        if scheme == "http" and host.lower() not in ("localhost", "localhost."):
            raise Refused(
                "Plain http:// goes only to this machine (127.0.0.1, ::1, localhost): use https://."
            ) from None
        return
    if not allowed(scheme, str(literal)):
        raise Refused(
            "This address is not allowed: https:// to a public address, http:// to loopback only."
        )


def resolve(url: str) -> Target:
    """For delivery: every address the host resolves to now must be allowed."""
    scheme, host, port, path = parse(url)
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(f"The host does not resolve: {error}") from error
    found = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    if not found:
        raise Refused("The host does not resolve.")
    refused = [a for a in found if not allowed(scheme, a)]
    if refused:
        raise Refused(f"The host resolves to an address that is not allowed ({refused[0]}).")
    return Target(scheme, host, port, path, found)
