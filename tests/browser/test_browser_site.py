"""One site (issue 18), in real headless Chromium over real HTTP at 1440x900 and 390x844, for
every HTML page the app serves: the same navigation to every other page, with the page it is on
marked, all of it on the first screen; nothing wider than a phone's screen; clicking through the
navigation reaches every page; the picture draws a usable graph on a phone in each of its views."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import VIEWPORTS, RecordedPage, assert_fits, canvas_ink, drawn_labels, open_at, open_viz
from processes import LiveServer

#: The navigation every page shows, in order: (key, path, label).
SITE_LINKS = (
    ("home", "/", "Counterparts"),
    ("graph", "/viz", "Picture"),
    ("counterparts", "/viz/counterparts", "Bridge view"),
    ("timeline", "/viz/timeline", "Timeline"),
    ("sparql", "/sparql", "SPARQL"),
    ("docs", "/docs", "API docs"),
)

pytestmark = pytest.mark.browser

#: Every kind of HTML page: name -> (path, the navigation entry marked as current, HTTP status).
PAGES: dict[str, tuple[str, str | None, int]] = {
    "home": ("/", "home", 200),
    "unknown-name": ("/?tool=pytorch%20servingg", "home", 404),
    "entity": ("/entity/PyTorch", None, 200),
    "unknown-entity": ("/entity/NoSuchThing", None, 404),
    "sparql": ("/sparql", "sparql", 200),
    "docs": ("/docs", "docs", 200),
    "graph": ("/viz", "graph", 200),
    "focused": ("/viz?focus=TorchServe&depth=2", "graph", 200),
    "module": ("/viz?module=tf.nn", "graph", 200),
    "counterparts": ("/viz/counterparts", "counterparts", 200),
    "timeline": ("/viz/timeline", "timeline", 200),
}
#: The picture's views, each drawn on a canvas by vis-network.
PICTURES = ["graph", "focused", "module"]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_links_every_page_and_fits_the_screen(
    live_server: LiveServer, browser_page: RecordedPage, tmp_path: Path, name: str, viewport: str
) -> None:
    path, current, status = PAGES[name]
    width, height = VIEWPORTS[viewport]
    page = browser_page.page
    page.set_viewport_size({"width": width, "height": height})
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == status, name
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
    if current is None:
        assert marked.count() == 0
    else:
        assert marked.count() == 1
        assert marked.get_attribute("href") == next(p for k, p, _ in SITE_LINKS if k == current)
    assert_fits(browser_page)  # drawings wider than a phone scroll inside their own box
    browser_page.screenshot(tmp_path / f"{name}-{viewport}.png")
    # A 404 page's own status is the only error the console may show.
    expected = [] if status == 200 else [f"the server responded with a status of {status}"]
    assert [e for e in browser_page.errors() if not any(x in e for x in expected)] == []
    assert browser_page.foreign_requests(live_server.url) == []


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_clicking_through_the_navigation_reaches_every_page(
    live_server: LiveServer, browser_page: RecordedPage, viewport: str
) -> None:
    """From each page, its navigation's next link (as a user taps it) opens that page."""
    open_at(browser_page, live_server.url + "/", viewport)
    page = browser_page.page
    order = [*SITE_LINKS[1:], SITE_LINKS[0]]  # round the site, back home
    for key, path, label in order:
        with page.expect_navigation():
            page.locator("nav.site-nav").get_by_role("link", name=label, exact=True).click()
        assert page.url == live_server.url + path, (key, page.url)
        marked = page.locator('nav.site-nav a[aria-current="page"]')
        assert marked.get_attribute("href") == path, key
    assert browser_page.errors() == [], browser_page.errors()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", PICTURES)
def test_the_picture_draws_a_usable_graph(
    live_server: LiveServer, browser_page: RecordedPage, tmp_path: Path, name: str, viewport: str
) -> None:
    width, height = VIEWPORTS[viewport]
    open_viz(browser_page, live_server.url + PAGES[name][0], viewport)
    page = browser_page.page
    box = page.locator("#network canvas").bounding_box()
    assert box is not None and box["width"] >= min(350, width - 40) and box["height"] >= 300, box
    if viewport == "phone":
        assert box["y"] < height / 2, "the picture comes before the controls on a phone"
    assert len(page.evaluate("window.mlkgViz.drawnNodeIds()")) > 10
    # Something is painted: many non-white pixels on the canvas, and names beside the nodes.
    (painted,) = canvas_ink(browser_page)
    assert painted > 1000, painted
    assert len(drawn_labels(browser_page)) >= 4
    browser_page.screenshot(tmp_path / f"{name}-{viewport}.png")
    assert browser_page.errors() == [], browser_page.errors()


def test_the_readme_links_a_screenshot_of_every_page_at_both_sizes() -> None:
    """docs/pages/ holds what scripts/page_screenshots.py makes, and the README links each one."""
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(
        "page_screenshots", root / "scripts" / "page_screenshots.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    readme = (root / "README.md").read_text(encoding="utf-8")
    for name in script.PAGES:
        for viewport in VIEWPORTS:
            shot = f"docs/pages/{name}-{viewport}.png"
            assert (root / shot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot
            assert f"]({shot})" in readme, shot
    for name, source in script.README_PICTURES.items():  # the README's inline pictures are current
        assert (root / "docs" / name).read_bytes() == (root / "docs" / "pages" / source).read_bytes(), name
    # ...and nothing there is left over from an older set.
    present = {p.name for p in (root / "docs" / "pages").glob("*.png")}
    assert present == {f"{n}-{v}.png" for n in script.PAGES for v in VIEWPORTS}
