"""Debian's Chromium driven by Playwright, one browser for the whole run: tests/e2e and tests/security share it
(a second sync Playwright cannot start in the same process)."""

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# Chromium must not try to reach the network on its own (this machine has none).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it as root)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
