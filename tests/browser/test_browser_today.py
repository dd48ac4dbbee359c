"""Issue 12 in a real browser (headless Debian Chromium, real HTTP): the Today block leads the
home card and the entity page on a desktop and on a phone, the article's view folds on phones,
and the bridge view draws today's pairs heavier than ended ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import RecordedPage
from processes import LiveServer

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}
PAGES = {"home card": "/?tool=tflite", "entity page": "/entity/TensorFlowLite"}


def assert_clean(rp: RecordedPage, origin: str) -> None:
    assert rp.errors() == [], rp.errors()
    assert rp.foreign_requests(origin) == [], rp.foreign_requests(origin)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("where", list(PAGES))
def test_today_block_leads(
    live_server: LiveServer, browser_page: RecordedPage, tmp_path: Path, where: str, viewport: str
) -> None:
    width, height = VIEWPORTS[viewport]
    page = browser_page.page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server.url + PAGES[where])
    page.wait_for_load_state("load")
    today = page.locator("section.today")
    box = today.bounding_box()
    assert box is not None
    # the answer a person needs is on the first screen, named first, with the new name
    executorch = today.locator("li.counterpart.current .name").first
    assert executorch.inner_text() == "ExecuTorch"
    name_box = executorch.bounding_box()
    assert name_box is not None and name_box["y"] + name_box["height"] <= height, (where, viewport, name_box)
    assert today.locator(".successor a").inner_text() == "LiteRT"
    assert "Today: ExecuTorch." in today.locator(".summary").inner_text()
    # the article's pairs come after, folded on a phone and open on a desktop
    history = page.locator("details.history")
    history_box = history.bounding_box()
    assert history_box is not None and history_box["y"] > box["y"] + box["height"] - 1
    is_open = history.evaluate("d => d.open")
    assert is_open is (viewport == "desktop")
    assert history.locator("summary").inner_text().startswith("What the 2022 article said")
    # nothing runs wider than the screen
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    browser_page.screenshot(tmp_path / f"{where.replace(' ', '-')}-{viewport}.png", full_page=True)
    assert_clean(browser_page, live_server.url)


def test_bridge_view_stroke_weights_and_evidence_on_tap(
    live_server: LiveServer, browser_page: RecordedPage, tmp_path: Path
) -> None:
    page = browser_page.page
    page.goto(live_server.url + "/viz/counterparts")
    widths = page.evaluate(
        """() => [...document.querySelectorAll('path.link')].map(p => ({
              pair: p.dataset.left + '-' + p.dataset.right, current: p.dataset.current === 'true',
              width: parseFloat(getComputedStyle(p).strokeWidth),
              opacity: parseFloat(getComputedStyle(p).strokeOpacity)}))"""
    )
    current = [w for w in widths if w["current"]]
    ended = [w for w in widths if not w["current"]]
    assert current and ended
    assert min(w["width"] for w in current) > max(w["width"] for w in ended)
    assert min(w["opacity"] for w in current) > max(w["opacity"] for w in ended)
    by_pair = {w["pair"]: w for w in widths}
    assert by_pair["LiteRT-ExecuTorch"]["current"] and not by_pair["TensorFlowLite-PyTorchLive"]["current"]
    assert page.locator('path.succession[data-old="TensorFlowLite"][data-new="LiteRT"]').count() == 1
    # a tap on a line shows its evidence (the entry below the figure is the target)
    page.locator('a.pair:has(path[data-left="LiteRT"][data-right="ExecuTorch"])').click(force=True)
    target = page.locator("section.pairs li:target")
    assert "ExecuTorch corresponds to LiteRT" in target.inner_text()
    assert "holds today" in target.inner_text()
    browser_page.screenshot(tmp_path / "bridge.png", full_page=True)
    assert_clean(browser_page, live_server.url)
