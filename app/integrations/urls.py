"""Where Trygg may send a webhook (SSRF): http(s) only, and by default never to this machine
or an internal network.

The host name is resolved once, every address it resolves to is checked, and the request
is then sent to the checked address itself (HTTPS still verifies the certificate for the
host name). Checking the name and letting the HTTP library resolve it again would let a DNS
answer that changes in between (DNS rebinding) reach 127.0.0.1 after all.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l


class UnsafeURL(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def check_url_shape(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path-with-query) of an http(s) URL, or UnsafeURL."""
    if len(url) > 500:
        raise UnsafeURL(_l("The address is too long (at most 500 characters)."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeURL(_l("This is not a web address.")) from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL(_l("Only http:// and https:// addresses can receive webhooks."))
    if not parts.hostname:
        raise UnsafeURL(_l("This is not a web address."))
    if parts.username or parts.password:
        raise UnsafeURL(_l("Put no user name or password in the address; the secret signs "
                           "each delivery."))
    port = port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to for `host`: each one it resolves to must be public
    (unless allowed), else UnsafeURL."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeURL(_l("The host name does not resolve.")) from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise UnsafeURL(_l("The host name does not resolve."))
    if not allow_private and not all(is_public(a) for a in addresses):
        raise UnsafeURL(_l("This address is on this machine or an internal network; an "
                           "admin can allow such addresses under Webhooks."))
    return addresses[0]


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address, verifying the certificate for the host name."""

    def __init__(self, address: str, host: str, port: int, timeout: float):
        super().__init__(address, port, timeout=timeout,
                         context=ssl.create_default_context())
        self._server_name = host

    def connect(self):
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._server_name)


def connection(url: str, *, allow_private: bool, timeout: float
               ) -> tuple[http.client.HTTPConnection, str, str]:
    """(an unopened connection to the checked address, the Host header, the path)."""
    scheme, host, port, path = check_url_shape(url)
    address = resolve(host, port, allow_private=allow_private)
    default = 443 if scheme == "https" else 80
    host_header = f"[{host}]" if ":" in host else host
    if port != default:
        host_header += f":{port}"
    if scheme == "https":
        return _PinnedHTTPS(address, host, port, timeout), host_header, path
    return http.client.HTTPConnection(address, port, timeout=timeout), host_header, path
