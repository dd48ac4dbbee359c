"""Screenshots of every page at 1440x900 and 390x844 into docs/pages/, for the README.

    .venv/bin/python scripts/page_screenshots.py [OUT_DIR]

Starts ``mlkg serve`` on a free loopback port and drives Debian's Chromium (``/usr/bin/chromium``)
with Playwright through the tests' own driver (``tests/browser.py``); fails if a page logs an
error (a 404 page's own status aside) or asks another host.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import VIEWPORTS, Browser  # noqa: E402

from mlkg.api.vocab import without_predeclared_prefixes  # noqa: E402

EXAMPLE = (ROOT / "graph" / "queries" / "counterparts-of-a-tool.rq").read_text(encoding="utf-8")
#: name -> (path, what shows the page is ready, a button to click first or None)
PAGES: dict[str, tuple[str, str, str | None]] = {
    "home": ("/?tool=tflite", ".card", None),
    "unknown-name": ("/?tool=pytorch%20servingg", "#answer", None),
    "entity": ("/entity/PyTorch", "table.facts", None),
    "sparql": ("/sparql?query=" + quote(without_predeclared_prefixes(EXAMPLE)), "#results tbody tr", None),
    "sparql-graph": (
        "/sparql?query=" + quote("DESCRIBE ent:TorchServe"),
        "#results .graph-view[data-ready='true']",
        "#view-graph",
    ),
    "picture-all": ("/viz", "html[data-viz-ready='true']", None),
    "picture": ("/viz?focus=TorchServe&depth=2", "html[data-focused='TorchServe']", None),
    "module": ("/viz?module=tf.nn", "html[data-viz-ready='true']", None),
    "counterparts": ("/viz/counterparts", "svg", None),
    "timeline": ("/viz/timeline", "svg", None),
    "docs": ("/docs", ".swagger-ui .info", None),
}
#: The README's two inline pictures, copies of two of the pages' (made with the default OUT_DIR).
README_PICTURES = {"screenshot.png": "home-desktop.png", "graph-view.png": "picture-desktop.png"}


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
        with tempfile.TemporaryDirectory() as profile:
            browser = Browser(Path(profile))
            try:
                for name, (path, ready, click) in PAGES.items():
                    for viewport, (width, height) in VIEWPORTS.items():
                        shoot(browser, base, name, path, ready, click, viewport, (width, height), out)
            finally:
                browser.close()
        if out == ROOT / "docs" / "pages":
            for name, source in README_PICTURES.items():
                shutil.copyfile(out / source, out.parent / name)
                print(f"docs/{name} (= docs/pages/{source})")
    finally:
        server.terminate()
        server.wait(timeout=30)


def shoot(
    browser: Browser,
    base: str,
    name: str,
    path: str,
    ready: str,
    click: str | None,
    viewport: str,
    size: tuple[int, int],
    out: Path,
) -> None:
    recorded = browser.new_page()
    page = recorded.page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(base + path)
    if click:
        page.locator(click).wait_for(timeout=20_000)
        page.locator(click).click()
    page.locator(ready).first.wait_for(state="attached", timeout=20_000)
    page.wait_for_timeout(1000)  # the last frames drawn
    if click:
        page.locator(ready).first.scroll_into_view_if_needed()
    target = recorded.screenshot(out / f"{name}-{viewport}.png")
    page.close()
    problems = [e for e in recorded.errors() if "the server responded with a status of 404" not in e]
    problems += recorded.foreign_requests(base)
    if problems:
        raise SystemExit(f"{name} at {viewport}: {problems}")
    print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)


if __name__ == "__main__":
    main()
