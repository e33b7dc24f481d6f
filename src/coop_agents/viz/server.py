"""Serve the app (``coop-agents app``) offline, on the loopback address unless told otherwise.

Solara serves its front-end assets from a cache in the environment (``share/solara/cdn``, filled
by the pinned ``solara-assets`` package) and would fetch a missing one from a public CDN; here the
CDN is a closed local port, so nothing is ever fetched from outside: a missing asset fails
visibly instead. Telemetry and the version check are off for the same reason.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys

from coop_agents.errors import CoopError

__all__ = ["SOLARA_ENV", "serve", "is_loopback"]

APP = "coop_agents.viz.app"
# Solara's settings, read when solara.server is first imported.
SOLARA_ENV = {
    "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/",  # the discard port: closed, answers at once
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
    "SOLARA_MODE": "production",  # no development check that loads a page from solara.dev
    "SOLARA_THEME_SHOW_BANNER": "false",  # Solara's own badge would cover the outcome table
}


def is_loopback(host: str) -> bool:
    """Whether ``host`` only reaches this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(host: str = "127.0.0.1", port: int = 8765) -> int:
    """Start the app's server and block until it is stopped (Ctrl-C).

    Port 0 picks a free port. The address is printed once the socket listens, so a script can
    read it from the first line of output and connect.
    """
    os.environ.update(SOLARA_ENV)
    os.environ["SOLARA_APP"] = APP
    try:
        import uvicorn

        import solara.server.starlette  # noqa: F401 - fails here if the app's dependencies are missing
    except ImportError as exc:
        raise CoopError(f"the app needs its dependencies ({exc.name} is missing); "
                        "install them with: pip install -e '.[app]'") from None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise CoopError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port or --host") from None
    # Listening before the address is printed: a browser that comes at once waits in the backlog
    # until the server takes it.
    sock.listen(128)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = host, str(bound)
    print(f"coop-agents app: http://{shown}:{bound}/  (Ctrl-C stops it)", flush=True)
    if not is_loopback(host):
        print(f"coop-agents app: warning: listening on {host}: anyone who can reach this machine on that "
              "network can open the app and run models on it", file=sys.stderr, flush=True)
    config = uvicorn.Config("solara.server.starlette:app", log_level="warning")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
    return 0
