"""Driving Debian's headless Chromium with Playwright: one browser per test module, pages that
record every request URL, console error, page error and dialog so tests can assert on them.

Use the ``browser_page`` fixture (a fresh :class:`RecordedPage` per test) or ``browser``
(the module's :class:`Browser`) from ``conftest.py``. Chromium is never downloaded: the
tests use ``/usr/bin/chromium`` and skip, with the reason shown, only where it is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
#: Flags that keep Chromium from reaching out to other hosts on its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
#: URL schemes that never leave the machine.
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "chrome-error"})


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "file":
        return "file://"
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class RecordedPage:
    """A page plus everything it did: request URLs, console errors, uncaught errors, dialogs."""

    page: Page
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def foreign_requests(self, origin: str) -> list[str]:
        """Requests to any origin but ``origin`` (``file://`` for pages opened from disk)."""
        allowed = origin_of(origin)
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in LOCAL_SCHEMES and origin_of(url) != allowed
        ]

    def errors(self) -> list[str]:
        return self.console_errors + self.page_errors

    def screenshot(self, path: Path, **options: Any) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), **options)
        return path


class Browser:
    """Headless Debian Chromium with an empty profile, launched once and shared by a module."""

    def __init__(self, profile_dir: Path, *, viewport: tuple[int, int] = (1400, 900)) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright: Playwright = sync_playwright().start()
        try:
            self.context: BrowserContext = self._playwright.chromium.launch_persistent_context(
                user_data_dir=str(profile_dir),
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": viewport[0], "height": viewport[1]},
                service_workers="block",
            )
        except Exception:
            self._playwright.stop()
            raise
        self.context.set_default_timeout(15_000)

    def new_page(self) -> RecordedPage:
        page = self.context.new_page()
        recorded = RecordedPage(page)
        page.on("request", lambda request: recorded.requests.append(request.url))
        page.on(
            "console",
            lambda msg: recorded.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda err: recorded.page_errors.append(str(err)))

        def on_dialog(dialog: Any) -> None:
            recorded.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return recorded

    def close(self) -> None:
        try:
            self.context.close()
        finally:
            self._playwright.stop()


# --- shared steps of the page tests -------------------------------------------------------------

#: The two screens every page is tried at (issue 18): a laptop and a phone.
VIEWPORTS: dict[str, tuple[int, int]] = {"desktop": (1440, 900), "phone": (390, 844)}

#: Where on the page vis-network drew a node, the canvas box, and the window's size.
_NODE_POINT = """id => { const net = window.mlkgViz.network;
    const d = net.canvasToDOM(net.getPositions([id])[id]);
    const r = document.querySelector('#network canvas').getBoundingClientRect();
    return {x: r.left + d.x, y: r.top + d.y,
            box: {left: r.left, top: r.top, right: r.right, bottom: r.bottom},
            vw: window.innerWidth, vh: window.innerHeight}; }"""


def open_at(rp: RecordedPage, url: str, viewport: str | None = None, *, ready: str | None = None) -> None:
    """Open ``url`` at one of :data:`VIEWPORTS` (``None``: the browser's size) and wait for the
    ``load`` event, or for the ``ready`` selector to be attached."""
    if viewport is not None:
        width, height = VIEWPORTS[viewport]
        rp.page.set_viewport_size({"width": width, "height": height})
    rp.page.goto(url)
    if ready:
        rp.page.wait_for_selector(ready, state="attached")
    else:
        rp.page.wait_for_load_state("load")


def open_viz(rp: RecordedPage, url: str, viewport: str | None = None, *, timeout: float = 15_000) -> float:
    """Open a picture page and wait until it is drawn and interactive; the ms that took."""
    open_at(rp, url, viewport)
    rp.page.wait_for_selector("html[data-viz-ready='true']", state="attached", timeout=timeout)
    ready: float = rp.page.evaluate("window.mlkgViz.readyMs")
    return ready


def node_point(rp: RecordedPage, node: str) -> dict[str, Any]:
    """Where vis-network drew ``node`` (page coordinates), with the canvas box and window size."""
    point: dict[str, Any] = rp.page.evaluate(_NODE_POINT, node)
    return point


def in_view(point: dict[str, Any]) -> bool:
    """Whether a :func:`node_point` lies on the part of the canvas the window shows."""
    box = point["box"]
    left, top = max(box["left"], 0), max(box["top"], 0)
    right, bottom = min(box["right"], point["vw"]), min(box["bottom"], point["vh"])
    return bool(left <= point["x"] <= right and top <= point["y"] <= bottom)


def drawn_labels(rp: RecordedPage) -> list[dict[str, Any]]:
    """The node labels the picture drew in its last frame (boxes in px of the canvas)."""
    labels: list[dict[str, Any]] = rp.page.evaluate("window.mlkgViz.labels()")
    return labels


_CANVAS_INK = """([boxes, darker, selector]) => { const c = document.querySelector(selector);
    const ratio = c.width / c.getBoundingClientRect().width, ctx = c.getContext('2d');
    return (boxes || [{left: 0, top: 0, right: c.width / ratio, bottom: c.height / ratio}]).map(b => {
      const x = Math.max(0, Math.floor(b.left * ratio)), y = Math.max(0, Math.floor(b.top * ratio));
      const w = Math.max(1, Math.floor((b.right - b.left) * ratio));
      const h = Math.max(1, Math.floor((b.bottom - b.top) * ratio));
      const d = ctx.getImageData(x, y, w, h).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && d[i] + d[i + 1] + d[i + 2] < darker) n++;
      return n; }); }"""


def canvas_ink(
    rp: RecordedPage,
    boxes: list[dict[str, Any]] | None = None,
    *,
    darker: int = 600,
    canvas: str = "#network canvas",
) -> list[int]:
    """How many pixels of a vis-network canvas (the picture's unless ``canvas`` selects another)
    are painted darker than ``darker`` (sum of R, G and B), inside each of ``boxes`` (CSS px of
    the canvas: left, top, right, bottom) or, with none given, on the whole canvas (one count)."""
    counts: list[int] = rp.page.evaluate(_CANVAS_INK, [boxes, darker, canvas])
    return counts


def assert_fits(rp: RecordedPage) -> None:
    """The page is no wider than the window: nothing to scroll sideways."""
    widths = rp.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{rp.page.url} is {widths[0]} px wide in a {widths[1]} px window"


def assert_clean(rp: RecordedPage, origin: str) -> None:
    """No console or page error, no dialog, and no request to another host."""
    assert rp.errors() == [], rp.errors()
    assert rp.dialogs == [], rp.dialogs
    assert rp.foreign_requests(origin) == [], rp.foreign_requests(origin)
