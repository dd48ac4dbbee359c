"""Screenshots of every page at 1440x900 and 390x844 into docs/pages/, for the README.

    .venv/bin/python scripts/page_screenshots.py [OUT_DIR]

Starts ``mlkg serve`` on a free loopback port and drives Debian's Chromium (``/usr/bin/chromium``)
with Playwright, as the browser tests do; fails if a page logs an error or asks another host.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import sync_playwright

from mlkg.api.vocab import without_predeclared_prefixes

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}
EXAMPLE = (ROOT / "graph" / "queries" / "counterparts-of-a-tool.rq").read_text(encoding="utf-8")
PAGES = {
    "home": ("/?tool=tflite", ".card"),
    "entity": ("/entity/PyTorch", "table.facts"),
    "sparql": ("/sparql?query=" + quote(without_predeclared_prefixes(EXAMPLE)), "#results tbody tr"),
    "picture": ("/viz?focus=TorchServe&depth=2", "#network canvas"),
    "counterparts": ("/viz/counterparts", "svg"),
    "timeline": ("/viz/timeline", "svg"),
    "docs": ("/docs", ".swagger-ui .info"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "pages"
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(Path(sys.executable).parent / "mlkg"), "serve", "--port", str(port)])
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=ARGS, service_workers="block"
            )
            for name, (path, ready) in PAGES.items():
                for viewport, (width, height) in VIEWPORTS.items():
                    page = context.new_page()
                    problems: list[str] = []
                    page.on("console", lambda m, p=problems: p.append(m.text) if m.type == "error" else None)
                    page.on("pageerror", lambda e, p=problems: p.append(str(e)))
                    page.on(
                        "request",
                        lambda r, p=problems: None if r.url.startswith((base, "data:")) else p.append(r.url),
                    )
                    page.set_viewport_size({"width": width, "height": height})
                    page.goto(base + path)
                    page.locator(ready).first.wait_for(timeout=20_000)
                    page.wait_for_timeout(1500)  # the picture settles
                    target = out / f"{name}-{viewport}.png"
                    page.screenshot(path=str(target))
                    page.close()
                    if problems:
                        raise SystemExit(f"{name} at {viewport}: {problems}")
                    print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
            context.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
