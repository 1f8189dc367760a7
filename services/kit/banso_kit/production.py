"""Checks a production start makes on addresses: nothing another party uses may point back at the
machine itself (a development default such as SMTP at 127.0.0.1 or a public URL of
http://127.0.0.1:8004 works on a laptop and silently fails in a cluster).

Each check raises ValueError naming the environment variable, so a settings validator can turn it
into a refusal to start that tells the operator what to set.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def is_local_host(host: str) -> bool:
    """localhost (and *.localhost, RFC 6761), a loopback address or the unspecified address."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def require_remote_host(env_name: str, host: str, *, what: str) -> None:
    """Refuse an empty or local host name."""
    if not host.strip():
        raise ValueError(f"{env_name} is empty; set {what}")
    if is_local_host(host):
        raise ValueError(
            f"{env_name}={host} points at this machine (localhost); in production set {what}"
        )


def require_remote_url(env_name: str, url: str, *, what: str) -> None:
    """Refuse a URL that is not absolute http(s), or whose host is local."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme not in {"http", "https"} or not host:
        raise ValueError(f"{env_name}={url!r} is not an absolute http(s) URL; set {what}")
    if is_local_host(host):
        raise ValueError(
            f"{env_name}={url} points at this machine (localhost); in production set {what}"
        )
