"""The headless chromium that drives the app in its browser tests and its benchmark.

Debian's package (``make setup`` installs it), started so that it fetches nothing on its own
(updates, sync, field trials): the tests fail if any request leaves the machine, so a request
chromium made for itself would be taken for one of the app's.
"""

from __future__ import annotations

__all__ = ["CHROMIUM", "CHROMIUM_ARGS"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
