"""Serve the app (``coop-agents app``) offline, on the loopback address unless told otherwise.

Solara serves its front-end assets from a cache in the environment (``share/solara/cdn``, filled
by the pinned ``solara-assets`` package) and would fetch a missing one from a public CDN; here the
CDN is a closed local port, so nothing is ever fetched from outside: a missing asset fails
visibly instead. Telemetry and the version check are off for the same reason.

Solara's server answers any ``Host`` and accepts a WebSocket from any page, so another site open
in the same browser could drive the app (cross-site WebSocket hijacking) or read it through a
name that resolves to this machine (DNS rebinding). :class:`HostGuard` wraps Solara's app: a
request must name a host the app serves (:func:`allowed_hosts`), a WebSocket handshake or any
request that carries an ``Origin`` must come from a page of such a host, and Solara's diagnostic
endpoint ``/resourcez`` (the host's CPUs, memory and sessions) is not served at all.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
import warnings
from collections.abc import Iterable
from urllib.parse import urlsplit

from coop_agents.errors import CoopError

__all__ = [
    "APP_NAME",
    "SOLARA_ENV",
    "HostGuard",
    "allowed_hosts",
    "check_max_residents",
    "check_port",
    "is_loopback",
    "max_residents",
    "serve",
    "tab_title",
]

APP = "coop_agents.viz.app"
APP_NAME = "coop-agents"  # what a browser tab is titled, after the page's own name
# Solara's settings, read when solara.server is first imported.
SOLARA_ENV = {
    "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/",  # the discard port: closed, answers at once
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
    "SOLARA_MODE": "production",  # no development check that loads a page from solara.dev
    "SOLARA_THEME_SHOW_BANNER": "false",  # Solara's own badge would cover the outcome table
    "SOLARA_THEME_TITLE": APP_NAME,  # the tab's title until a page sets its own
}
PORT_MAX = 65535
# Names that always reach this machine only; a browser sends an IPv6 host in brackets.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
# Solara's endpoints for a server's operators, not its visitors: never served by the app.
CLOSED_PATHS = frozenset({"/resourcez"})
# Set by ``coop-agents app --max-residents`` and read by the Residents fields of the pages.
MAX_RESIDENTS_ENV = "COOP_AGENTS_MAX_RESIDENTS"
MAX_RESIDENTS_DEFAULT = 25_000  # above every shipped scenario's own (urban_district has 24,000)
MAX_RESIDENTS_LOW = 20  # the parameter table's least number of residents


def is_loopback(host: str) -> bool:
    """Whether ``host`` only reaches this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_port(port: int) -> int:
    """``port`` if a server can listen on it (0: any free port), else a one-line CoopError."""
    if not 0 <= port <= PORT_MAX:
        raise CoopError(f"--port {port}: a port is an integer from 0 to {PORT_MAX} (0: any free port)")
    return port


def check_max_residents(n: int) -> int:
    """``n`` if it can bound the app's Residents fields, else a one-line CoopError."""
    from coop_agents.config import PARAMETERS

    bound = PARAMETERS["residents"].high
    assert bound is not None  # numeric rows have bounds (config._p)
    high = int(bound)
    if not MAX_RESIDENTS_LOW <= n <= high:
        raise CoopError(f"--max-residents {n}: allowed an integer from {MAX_RESIDENTS_LOW} to {high:,}")
    return n


def max_residents() -> int:
    """The most residents a visitor may set in the app (``--max-residents``)."""
    try:
        return int(os.environ.get(MAX_RESIDENTS_ENV, MAX_RESIDENTS_DEFAULT))
    except ValueError:
        return MAX_RESIDENTS_DEFAULT


def tab_title(page: str, lang: str) -> str:
    """A browser tab's title: the page's name (an i18n key, e.g. ``nav.workshop``), then the app's."""
    from coop_agents.i18n import text

    return f"{text(page, lang)} · {APP_NAME}"


def _name(host: str) -> str:
    """A host name as compared: lower case, no brackets, no final dot, an IP address in its
    shortest form."""
    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    name = name.removesuffix(".")
    try:
        return ipaddress.ip_address(name).compressed
    except ValueError:
        return name


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _host_name(value: str) -> str | None:
    """The name in a ``Host`` header (``name``, ``name:port``, ``[v6]:port``), or None if the
    header is not one of those."""
    if not value or any(c.isspace() or c in "@/\\?#" for c in value):
        return None
    parts = urlsplit(f"//{value}")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return None
    return parts.hostname


def _is_host(name: str) -> bool:
    """Whether ``name`` is a host name or an IP address (an IPv6 one may be in brackets)."""
    bare = _name(name)
    return _is_ip(bare) or (bool(bare) and bare[0].isalnum() and all(c.isalnum() or c in "-._" for c in bare))


def allowed_hosts(host: str, extra: Iterable[str] = ()) -> tuple[frozenset[str], bool]:
    """The names a request may give in its ``Host`` (and its ``Origin``) for a server listening
    on ``host``, and whether any IP address is one of them.

    Always the loopback names, ``host`` itself and the ``extra`` names (``--allow-host``). On every
    address (``0.0.0.0`` or ``::``) the server is reached by any of this machine's addresses, so
    an address typed as such is allowed, and this machine's own name; a name that merely resolves
    to this machine is not (that is DNS rebinding), unless it is listed.
    """
    names = {_name(h) for h in (*LOOPBACK_NAMES, host, *extra)}
    wildcard = _is_ip(_name(host)) and ipaddress.ip_address(_name(host)).is_unspecified
    if wildcard:
        names |= {_name(socket.gethostname()), _name(socket.getfqdn())}
    return frozenset(n for n in names if n), wildcard


class HostGuard:
    """ASGI middleware: only requests to a host the app serves, only pages of such a host.

    - a request whose ``Host`` (without its port) is not allowed: 403;
    - a request, or a WebSocket handshake, whose ``Origin`` is not a page of an allowed host: 403
      (a browser always sends the ``Origin`` of a WebSocket; other programs need not);
    - :data:`CLOSED_PATHS`: 404.
    Anything else, and the server's lifespan events, pass to ``app`` unchanged.
    """

    def __init__(self, app, names: Iterable[str], any_ip: bool = False) -> None:
        self.app = app
        self.names = frozenset(_name(n) for n in names)
        self.any_ip = any_ip

    def allows(self, host: str) -> bool:
        name = _name(host)
        return name in self.names or (self.any_ip and _is_ip(name))

    def refusal(self, scope) -> tuple[int, str] | None:
        """``(status, reason)`` if the request is refused, else None."""
        headers: dict[str, str] = {}
        for key, value in scope.get("headers", ()):
            headers.setdefault(key.decode("latin-1").lower(), value.decode("latin-1"))
        host = headers.get("host")
        if host is None:
            return 403, "the request names no host"
        name = _host_name(host)
        if not name or not self.allows(name):
            return 403, f"this server does not answer to the host {host!r}"
        origin = headers.get("origin")
        if origin is not None:
            try:
                parts = urlsplit(origin)
                page = parts.hostname if parts.scheme in ("http", "https") else None
            except ValueError:  # e.g. an unclosed IPv6 bracket
                page = None
            if not page or not self.allows(page):
                return 403, f"pages of {origin!r} may not use this server"
        path = scope.get("path", "")
        if path.rstrip("/").lower() in CLOSED_PATHS:
            return 404, "not found"
        return None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        refused = self.refusal(scope)
        if refused is None:
            await self.app(scope, receive, send)
            return
        status, reason = refused
        body = f"{APP_NAME}: {reason}\n".encode()
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"x-content-type-options", b"nosniff"),
            (b"content-length", str(len(body)).encode()),
        ]
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
        else:
            # Closed before it is accepted: the server answers the handshake with 403. (uvicorn's
            # "websocket.http.response" extension would carry the reason too, but its default
            # WebSocket protocol then logs an error for every refusal.)
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})


def serve(host: str = "127.0.0.1", port: int = 8765, allow_hosts: Iterable[str] = ()) -> int:
    """Start the app's server and block until it is stopped (Ctrl-C).

    Port 0 picks a free port. The address is printed once the socket listens, so a script can
    read it from the first line of output and connect. Requests must name ``host``, a loopback
    name or one of ``allow_hosts`` (:class:`HostGuard`).
    """
    check_port(port)
    for name in allow_hosts:
        if not _is_host(name):
            raise CoopError(
                f"--allow-host {name!r}: give a host name or address, without a scheme or port "
                "(e.g. --allow-host mylaptop.local)"
            )
    os.environ.update(SOLARA_ENV)
    os.environ["SOLARA_APP"] = APP
    try:
        import solara.server.starlette  # fails here if the app's dependencies are missing
        import uvicorn
    except ImportError as exc:
        raise CoopError(
            f"the app needs its dependencies ({exc.name} is missing); "
            "install them with: pip install -e '.[app]'"
        ) from None
    # Solara warns on every page served over http to a host other than "localhost" (127.0.0.1 is
    # one) that its session cookie falls back from SameSite=None to SameSite=Lax. Lax is what this
    # app wants (it is never embedded in another site's frame), and no setting turns the warning
    # off; this is that one warning, from that one module.
    warnings.filterwarnings(
        "ignore",
        message="Cookies with samesite=none require https",
        category=UserWarning,
        module=r"solara\.server\.starlette",
    )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise CoopError(
            f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port or --host"
        ) from None
    # Listening before the address is printed: a browser that comes at once waits in the backlog
    # until the server takes it.
    sock.listen(128)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = host, str(bound)
    print(f"coop-agents app: http://{shown}:{bound}/  (Ctrl-C stops it)", flush=True)
    if not is_loopback(host):
        print(
            f"coop-agents app: warning: listening on {host}: anyone who can reach this machine on that "
            "network can open the app and run models on it",
            file=sys.stderr,
            flush=True,
        )
    names, any_ip = allowed_hosts(host, allow_hosts)
    config = uvicorn.Config(HostGuard(solara.server.starlette.app, names, any_ip), log_level="warning")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
    return 0
