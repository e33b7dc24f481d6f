"""The app answers only to its own hosts and only to pages of them.

Real requests against a running ``coop-agents app --allow-host mylaptop.local`` on 127.0.0.1: the
``Host`` a request names, the ``Origin`` of a WebSocket handshake (through the ``websockets``
client and through a raw socket), and Solara's diagnostic endpoint. Without these checks another
site open in the same browser could drive the app over its WebSocket (cross-site WebSocket
hijacking) or read it through a name that resolves to 127.0.0.1 (DNS rebinding).
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import http.client
import os
import socket
import uuid
from urllib.parse import urlsplit

import pytest
import websockets

from coop_agents.viz.server import HostGuard, allowed_hosts

from .conftest import start_app

EXTRA = "mylaptop.local"


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    return tmp_path_factory.mktemp("origin-app")


@pytest.fixture(scope="module")
def server(logs, tmp_path_factory):
    """``(host, port)`` of the app started with ``--allow-host mylaptop.local``."""
    for address in start_app(
        logs, "--allow-host", EXTRA, "--workshop-dir", str(tmp_path_factory.mktemp("sessions"))
    ):
        parts = urlsplit(address)
        yield parts.hostname, parts.port


def get(
    server, path: str = "/", host: str | None = None, headers: dict | None = None, method: str = "GET"
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(*server, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host if host is not None else f"{server[0]}:{server[1]}")
        for key, value in (headers or {}).items():
            connection.putheader(key, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def kernel_path() -> str:
    """A path of Solara's kernel WebSocket, as its page opens one."""
    return f"/jupyter/api/kernels/{uuid.uuid4()}/channels?session_id={uuid.uuid4()}"


def handshake(server, origin: str | None, host: str | None = None) -> int:
    """The HTTP status the server answers a WebSocket handshake with (101: accepted), over a raw
    socket: exactly the bytes a browser sends."""
    lines = [
        f"GET {kernel_path()} HTTP/1.1",
        f"Host: {host or f'{server[0]}:{server[1]}'}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
        "Sec-WebSocket-Version: 13",
    ]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(server, timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def run(coroutine):
    """Run ``coroutine`` to its end in a thread of its own (Playwright's sync API keeps an event
    loop running in this one once a browser test has run)."""
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def websocket_opens(server, origin: str | None) -> bool | int:
    """True if the ``websockets`` client opens the kernel's WebSocket; else the status refused with."""

    async def connect():
        url = f"ws://{server[0]}:{server[1]}{kernel_path()}"
        try:
            async with websockets.connect(url, origin=origin, open_timeout=30):
                return True
        except websockets.InvalidStatus as exc:
            return exc.response.status_code

    return run(connect())


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]", EXTRA, "mylaptop.local."])
def test_its_own_hosts_get_the_page(server, host):
    for named in (host, f"{host}:{server[1]}"):
        status, body = get(server, host=named)
        assert status == 200, named
        assert b"solara" in body


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:80",
        "127.0.0.1.evil.example",
        "localhost.evil.example",
        "mylaptop.local.evil.example",
        "[::2]",
        "0x7f000001",
        "localhost:notaport",
        "user@localhost",
        "",
    ],
)
def test_any_other_host_is_refused(server, host):
    for path in ("/", "/workshop", "/readyz", "/static/assets/favicon.png"):
        status, body = get(server, path, host=host)
        assert status == 403, (host, path)
        assert b"solara" not in body.lower()


def test_a_request_without_a_host_is_refused(server):
    with socket.create_connection(server, timeout=30) as sock:
        sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 403 ")


def test_the_websocket_opens_for_the_app_s_own_pages(server):
    own = f"http://{server[0]}:{server[1]}"
    assert websocket_opens(server, own) is True
    assert websocket_opens(server, None) is True  # not a browser: no page to hijack it
    assert handshake(server, own) == 101
    assert handshake(server, f"http://localhost:{server[1]}") == 101
    assert handshake(server, f"http://{EXTRA}:{server[1]}") == 101


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "https://evil.example",
        "http://127.0.0.1.evil.example",
        "null",
        "file://",
        "chrome-extension://abcdef",
        "http://[::1",
    ],
)
def test_a_websocket_from_another_site_is_refused(server, origin):
    assert websocket_opens(server, origin) == 403
    assert handshake(server, origin) == 403


def test_a_websocket_through_a_rebound_name_is_refused(server):
    # DNS rebinding: the page and its WebSocket both name the attacker's host, now resolving here.
    assert handshake(server, f"http://evil.example:{server[1]}", host=f"evil.example:{server[1]}") == 403


def test_a_request_from_another_site_s_page_is_refused(server):
    # A form on another site posting to Solara's endpoint that closes a session's page.
    status, _ = get(
        server,
        f"/_solara/api/close/{uuid.uuid4()}?session_id=x",
        method="POST",
        headers={"Origin": "http://evil.example", "Content-Length": "0"},
    )
    assert status == 403
    status, _ = get(server, "/", headers={"Origin": "http://evil.example"})
    assert status == 403


@pytest.mark.parametrize("path", ["/resourcez", "/resourcez?verbose", "/resourcez/", "/RESOURCEZ?verbose=1"])
def test_the_diagnostic_endpoint_is_not_served(server, path):
    status, body = get(server, path)
    assert status == 404
    assert b"cpu" not in body.lower() and b"memory" not in body.lower()


def test_page_loads_and_refusals_print_nothing(server, logs):
    # Solara warns about its session cookie on every page served over http to a host other than
    # "localhost"; the app filters that one warning.
    for host in ("127.0.0.1", "localhost", EXTRA):
        assert get(server, "/", host=host)[0] == 200
    assert get(server, "/workshop")[0] == 200
    # Nothing else either, after the refused requests of the tests above: a refusal is no error.
    # (Solara notes each WebSocket opened without its session cookie, as a program's are.)
    printed = [line for line in (logs / "stderr").read_text().splitlines() if line != "no session cookie"]
    assert printed == []


def test_the_liveness_probe_still_answers(server):
    status, body = get(server, "/readyz")
    assert (status, body) == (200, b'{"status":"ok"}')


# Which names are allowed, without a server.


def test_the_names_allowed_for_an_address():
    names, any_ip = allowed_hosts("127.0.0.1", ["Venue-Laptop.Local", "[fe80::1]"])
    assert not any_ip
    assert names == {"127.0.0.1", "localhost", "::1", "venue-laptop.local", "fe80::1"}
    names, any_ip = allowed_hosts("192.168.1.5")
    assert not any_ip and "192.168.1.5" in names and "localhost" in names
    guard = HostGuard(None, names, any_ip)
    assert (
        guard.allows("192.168.1.5") and not guard.allows("192.168.1.6") and not guard.allows("evil.example")
    )


def test_on_every_address_any_address_of_it_is_allowed_but_no_other_name():
    names, any_ip = allowed_hosts("0.0.0.0")
    guard = HostGuard(None, names, any_ip)
    assert any_ip and guard.allows("10.1.2.3") and guard.allows("::1") and guard.allows(socket.gethostname())
    assert not guard.allows("evil.example")


def test_lifespan_events_pass_through():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    run(HostGuard(app, ["localhost"])({"type": "lifespan"}, None, None))
    assert seen == ["lifespan"]
