"""One site (issue 18, first part), in real headless Chromium over real HTTP at 1440 and 390 px:
every page carries the same navigation to every other, with the page it is on marked; the
picture draws a usable graph on a phone; the text pages never run wider than the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import RecordedPage

from conftest import LiveServer
from mlkg.viz import SITE_LINKS

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}
PAGES = {
    "home": "/",
    "entity": "/entity/PyTorch",
    "sparql": "/sparql",
    "docs": "/docs",
    "graph": "/viz",
    "counterparts": "/viz/counterparts",
    "timeline": "/viz/timeline",
}
CURRENT = {
    "home": "home",
    "sparql": "sparql",
    "docs": "docs",
    "graph": "graph",
    "counterparts": "counterparts",
}
CURRENT["timeline"] = "timeline"
TEXT_PAGES = {"home", "entity", "sparql", "docs"}  # the drawings scroll sideways on purpose


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_links_every_page(
    live_server: LiveServer, browser_page: RecordedPage, tmp_path: Path, name: str, viewport: str
) -> None:
    width, height = VIEWPORTS[viewport]
    page = browser_page.page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server.url + PAGES[name])
    page.wait_for_load_state("load")
    nav = page.locator("nav.site-nav")
    assert nav.count() == 1, name
    links = nav.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [p for _, p, _ in SITE_LINKS]
    for i in range(links.count()):  # every link visible on the first screen, none cut off
        box = links.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (name, i, box)
        assert box["y"] + box["height"] <= height, (name, i, box)
    marked = nav.locator('a[aria-current="page"]')
    if name in CURRENT:
        assert marked.count() == 1
        key = CURRENT[name]
        assert marked.get_attribute("href") == next(p for k, p, _ in SITE_LINKS if k == key)
    else:
        assert marked.count() == 0
    if name in TEXT_PAGES:
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, name
    browser_page.screenshot(tmp_path / f"{name}-{viewport}.png")
    assert browser_page.errors() == [], browser_page.errors()
    assert browser_page.foreign_requests(live_server.url) == []


def test_the_picture_draws_a_usable_graph_on_a_phone(
    live_server: LiveServer, browser_page: RecordedPage, tmp_path: Path
) -> None:
    page = browser_page.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/viz")
    page.wait_for_selector("#network canvas")
    box = page.locator("#network canvas").bounding_box()
    assert box is not None and box["width"] >= 350 and box["height"] >= 300, box
    assert box["y"] < 844 / 2, "the picture should come before the controls on a phone"
    browser_page.screenshot(tmp_path / "viz-phone.png")
