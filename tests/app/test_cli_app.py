"""``coop-agents app``: where it listens, what it says, and that it serves the app."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request

import pytest
import uvicorn

from coop_agents.cli import main
from coop_agents.viz.server import MAX_RESIDENTS_ENV, SOLARA_ENV, is_loopback


def test_serves_the_app_on_the_loopback_address_by_default(app_url):
    assert app_url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(app_url, timeout=30) as response:
        assert response.status == 200
        assert b"solara" in response.read()


@pytest.fixture
def no_server(monkeypatch):
    """serve() up to the point where the server would start; the socket is bound, never served."""
    for key in [
        *SOLARA_ENV,
        "SOLARA_APP",
        "SERVER_NAME",
        "SERVER_PORT",
        "COOP_AGENTS_WORKSHOP_DIR",
        MAX_RESIDENTS_ENV,
    ]:
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


@pytest.mark.parametrize("port", ["-1", "99999", "65536"])
def test_a_port_out_of_range_is_a_one_line_error(port):
    done = subprocess.run(
        [sys.executable, "-m", "coop_agents", "app", "--port", port],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert f"--port {port}" in done.stderr and "0 to 65535" in done.stderr and "any free port" in done.stderr


def test_the_highest_port_is_allowed(no_server, capsys):
    # 65535 may be taken on this machine; either way it is tried, not refused as out of range.
    status = main(["app", "--port", "65535"])
    err = capsys.readouterr().err
    assert status == 0 or "cannot listen on 127.0.0.1:65535" in err


@pytest.mark.parametrize("name", ["http://mylaptop.local", "mylaptop.local:8765", "a/b", "-x", ""])
def test_an_allowed_host_must_be_a_bare_name(no_server, capsys, name):
    assert main(["app", "--port", "0", f"--allow-host={name}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--allow-host" in err and "without a scheme or port" in err


def test_allowed_hosts_are_passed_to_the_server(monkeypatch):
    from coop_agents.viz import server

    started = []
    monkeypatch.setattr(server, "serve", lambda host, port, allow_hosts=(): started.append(allow_hosts) or 0)
    monkeypatch.setenv("COOP_AGENTS_WORKSHOP_DIR", "unset")  # restored afterwards
    monkeypatch.setenv(server.MAX_RESIDENTS_ENV, "unset")
    assert main(["app", "--allow-host", "mylaptop.local", "--allow-host", "192.168.1.5"]) == 0
    assert started == [["mylaptop.local", "192.168.1.5"]]


@pytest.mark.parametrize("n", ["0", "19", "1000001"])
def test_max_residents_out_of_range_is_a_one_line_error(no_server, capsys, n):
    from coop_agents.config import PARAMETERS

    assert main(["app", "--port", "0", "--max-residents", n]) == 2
    err = capsys.readouterr().err
    high = int(PARAMETERS["residents"].high)  # the table's bound (limits.MAX_RESIDENTS)
    assert err.count("\n") == 1 and f"--max-residents {n}" in err and f"20 to {high:,}" in err


def test_max_residents_reaches_the_app(monkeypatch):
    from coop_agents.viz import server

    monkeypatch.setattr(server, "serve", lambda host, port, allow_hosts=(): 0)
    monkeypatch.setenv("COOP_AGENTS_WORKSHOP_DIR", "unset")
    monkeypatch.setenv(server.MAX_RESIDENTS_ENV, "unset")
    assert main(["app"]) == 0
    assert server.max_residents() == 25_000  # every shipped scenario fits: the largest has 24,000
    assert main(["app", "--max-residents", "3000"]) == 0
    assert server.max_residents() == 3000


def test_the_navigation_bar_offers_explore_only_with_a_results_folder(monkeypatch, tmp_path):
    from coop_agents.viz import server
    from coop_agents.viz.app import pages
    from coop_agents.viz.explore import RESULTS_ENV

    monkeypatch.setattr(server, "serve", lambda host, port, allow_hosts=(): 0)
    monkeypatch.setenv("COOP_AGENTS_WORKSHOP_DIR", "unset")  # each restored afterwards
    monkeypatch.setenv(server.MAX_RESIDENTS_ENV, "unset")
    monkeypatch.setenv(RESULTS_ENV, "")
    assert main(["app"]) == 0
    assert [path for path, _ in pages()] == ["/", "/compare", "/workshop", "/tabletop"]
    (tmp_path / "runs").mkdir()  # what makes a folder one of 'coop-agents batch'
    assert main(["app", "--results", str(tmp_path)]) == 0
    assert [path for path, _ in pages()] == ["/", "/compare", "/workshop", "/tabletop", "/explore"]
