"""``coop-agents app``: where it listens, what it says, and that it serves the app."""

from __future__ import annotations

import os
import urllib.request

import pytest
import uvicorn

from coop_agents.cli import main
from coop_agents.viz.server import SOLARA_ENV, is_loopback


def test_serves_the_app_on_the_loopback_address_by_default(app_url):
    assert app_url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(app_url, timeout=30) as response:
        assert response.status == 200
        assert b"solara" in response.read()


@pytest.fixture
def no_server(monkeypatch):
    """serve() up to the point where the server would start; the socket is bound, never served."""
    for key in [*SOLARA_ENV, "SOLARA_APP", "SERVER_NAME", "SERVER_PORT"]:
        monkeypatch.delenv(key, raising=False)  # restored afterwards
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)


def test_another_host_prints_a_warning(no_server, capsys):
    assert main(["app", "--host", "0.0.0.0", "--port", "0"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("coop-agents app: http://0.0.0.0:")
    assert "warning" in err and "anyone" in err
    assert os.environ["SOLARA_ASSETS_CDN"].startswith("http://127.0.0.1:")  # nothing fetched from outside


def test_the_default_host_prints_no_warning(no_server, capsys):
    assert main(["app", "--port", "0"]) == 0
    out, err = capsys.readouterr()
    assert "http://127.0.0.1:" in out and err == ""


def test_a_port_in_use_is_a_one_line_error(no_server, capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["app", "--port", str(port)]) == 2
    assert "cannot listen on 127.0.0.1" in capsys.readouterr().err


def test_loopback_addresses():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")
