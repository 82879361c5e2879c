"""Screenshots of the pages a new reader meets, at 1280 and 390 px wide, into docs/screenshots/.

    python scripts/screenshots.py                 # starts `nhskg serve` on the real build, then stops it
    python scripts/screenshots.py --url http://127.0.0.1:8080   # a server already running

Chromium is Debian's (/usr/bin/chromium), driven by Playwright. Each picture is the top of its page, at
most MAX_HEIGHT px tall, so that the committed PNGs stay small; set NHSKG_CACHE_DIR to reuse a build.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
WIDTHS = {1280: 900, 390: 844}  # width: the viewport's height
MAX_HEIGHT = 1400
# name: (path, what to wait for before the picture)
PAGES = {
    "home": ("/?at=2012-01-01", "figure.chart"),
    "entity-pct": ("/doc/pct/5NT?at=2012-01-01", "figure.timeline"),
    "entity-icb": ("/doc/icb/QOP", "figure.timeline"),
    "search": ("/search?q=manchester", "main"),
    "editor": ("/sparql", ".CodeMirror"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 - our http URL
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def served(timeout: float = 600.0) -> Iterator[str]:
    """`nhskg serve` on a free port (building the store first if it must), stopped with its workers."""
    port = free_port()
    nhskg = Path(sys.executable).parent / "nhskg"
    command = [str(nhskg), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    process = subprocess.Popen(command, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"nhskg serve did not come up at {url}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def shoot(url: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    made = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for width, height in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for name, (path, ready) in PAGES.items():
                page.goto(url + path)
                page.locator(ready).first.wait_for()
                page.wait_for_load_state("networkidle")
                full = page.evaluate("document.documentElement.scrollHeight")
                target = out / f"{name}-{width}.png"
                clip = {"x": 0, "y": 0, "width": width, "height": min(full, MAX_HEIGHT)}
                page.screenshot(path=str(target), full_page=True, clip=clip)
                made.append(target)
            context.close()
        browser.close()
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (default: start `nhskg serve` here)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.url:
        made = shoot(args.url.rstrip("/"), args.out)
    else:
        with served() as url:
            made = shoot(url, args.out)
    for path in made:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{shown}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
