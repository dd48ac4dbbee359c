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
