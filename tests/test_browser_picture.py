"""The picture and the timeline read well (issue 18), in real headless Chromium over real HTTP at
1440x900 and 390x844: a focused view frames its neighbourhood with the counterpart on screen, a
hover tooltip goes when the pointer does, the ecosystem filters sit above the sidebar's fold,
and every timeline marker says what happened in visible text."""

from __future__ import annotations

from typing import Any

import pytest
from browser import RecordedPage

from conftest import LiveServer

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}


def open_viz(rp: RecordedPage, url: str, viewport: str) -> None:
    width, height = VIEWPORTS[viewport]
    rp.page.set_viewport_size({"width": width, "height": height})
    rp.page.goto(url)
    rp.page.wait_for_selector("html[data-viz-ready='true']", state="attached")


def on_screen(rp: RecordedPage, node: str) -> dict[str, Any]:
    """Where ``node`` is drawn (page coordinates), the canvas box and the viewport."""
    found: dict[str, Any] = rp.page.evaluate(
        """id => { const net = window.mlkgViz.network;
                   const d = net.canvasToDOM(net.getPositions([id])[id]);
                   const r = document.querySelector('#network canvas').getBoundingClientRect();
                   return {x: r.left + d.x, y: r.top + d.y,
                           box: {left: r.left, top: r.top, right: r.right, bottom: r.bottom},
                           vw: window.innerWidth, vh: window.innerHeight}; }""",
        node,
    )
    return found


def visible(point: dict[str, Any]) -> bool:
    box = point["box"]
    left, top = max(box["left"], 0), max(box["top"], 0)
    right, bottom = min(box["right"], point["vw"]), min(box["bottom"], point["vh"])
    return bool(left <= point["x"] <= right and top <= point["y"] <= bottom)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_focused_view_frames_the_node_and_its_counterpart(
    live_server: LiveServer, browser_page: RecordedPage, viewport: str
) -> None:
    open_viz(browser_page, live_server.url + "/viz?focus=TorchServe&depth=2", viewport)
    page = browser_page.page
    page.wait_for_selector("html[data-focused='TorchServe']", state="attached")
    for node in ("TorchServe", "TensorFlowServing"):
        point = on_screen(browser_page, node)
        assert visible(point), (viewport, node, point)
    assert browser_page.errors() == [], browser_page.errors()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_searching_frames_the_match_with_its_counterpart(
    live_server: LiveServer, browser_page: RecordedPage, viewport: str
) -> None:
    open_viz(browser_page, live_server.url + "/viz", viewport)
    page = browser_page.page
    page.fill("#search", "TF Serving")
    page.press("#search", "Enter")
    page.wait_for_selector("html[data-focused='TensorFlowServing']", state="attached")
    for node in ("TensorFlowServing", "TorchServe"):
        point = on_screen(browser_page, node)
        assert visible(point), (viewport, node, point)


def test_no_tooltip_stays_after_the_pointer_leaves(
    live_server: LiveServer, browser_page: RecordedPage
) -> None:
    open_viz(browser_page, live_server.url + "/viz?focus=TorchServe&depth=1", "desktop")
    page = browser_page.page
    page.wait_for_selector("html[data-focused='TorchServe']", state="attached")
    point = on_screen(browser_page, "TorchServe")
    page.mouse.move(point["x"], point["y"])
    page.mouse.move(point["x"] + 1, point["y"] + 1)
    page.wait_for_selector("div.vis-tooltip", state="visible")
    sidebar = page.locator(".sidebar").bounding_box()
    assert sidebar is not None
    page.mouse.move(sidebar["x"] + 20, sidebar["y"] + sidebar["height"] - 20)  # one jump off the canvas
    page.wait_for_timeout(500)
    assert not page.locator("div.vis-tooltip").is_visible(), "the tooltip went with the pointer"
    assert browser_page.errors() == [], browser_page.errors()


def test_ecosystem_filters_are_above_the_fold(live_server: LiveServer, browser_page: RecordedPage) -> None:
    open_viz(browser_page, live_server.url + "/viz", "desktop")
    page = browser_page.page
    boxes = page.locator("#legend-ecosystems input").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().bottom)"
    )
    sidebar = page.locator(".sidebar").bounding_box()
    assert boxes and sidebar is not None
    assert max(boxes) <= min(900, sidebar["y"] + sidebar["height"]), boxes


def test_kinds_share_a_handful_of_colour_families(
    live_server: LiveServer, browser_page: RecordedPage
) -> None:
    open_viz(browser_page, live_server.url + "/viz", "desktop")
    page = browser_page.page
    fills = page.evaluate("() => [...new Set(window.mlkgViz.nodes.get().map(n => n.color.background))]")
    kinds = page.evaluate("() => new Set(Object.values(window.mlkgViz.meta).map(m => m.kind)).size")
    assert kinds > 10 and len(fills) <= 7, fills
    assert page.locator("#legend-kinds li.legend-family").count() == len(fills)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_timeline_marker_says_what_happened(
    live_server: LiveServer, browser_page: RecordedPage, viewport: str
) -> None:
    width, height = VIEWPORTS[viewport]
    page = browser_page.page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server.url + "/viz/timeline")
    events = page.locator("g.event")
    assert events.count() > 5
    labels = events.evaluate_all(
        """els => els.map(g => { const t = g.querySelector('text.what');
                   if (!t) return null; const r = t.getBoundingClientRect();
                   return {id: g.dataset.id, text: t.textContent.trim(), w: r.width, h: r.height,
                           left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })"""
    )
    assert all(label is not None and label["text"] and label["w"] > 0 for label in labels), labels
    # the visible label names what happened, not only when
    texts = {label["id"]: label["text"] for label in labels}
    assert any("TorchServe" in t or "launch" in t.lower() for t in texts.values()), texts
    # no two labels overlap
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            overlap = a["left"] < b["right"] - 1 and b["left"] < a["right"] - 1
            overlap = overlap and a["top"] < b["bottom"] - 1 and b["top"] < a["bottom"] - 1
            assert not overlap, (a, b)
    # markers apart: no two circles of one lane drawn on top of each other
    circles = events.evaluate_all(
        """els => els.map(g => { const r = g.querySelector('circle').getBoundingClientRect();
                   return {lane: g.dataset.lane, x: r.left + r.width / 2,
                           y: r.top + r.height / 2, r: r.width / 2}; })"""
    )
    for i, a in enumerate(circles):
        for b in circles[i + 1 :]:
            assert ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5 >= a["r"] + b["r"], (a, b)
    assert browser_page.errors() == [], browser_page.errors()


def test_edge_labels_wait_until_they_are_readable() -> None:
    """Edge labels are drawn only once zoomed in far enough to read (vis's label drawThreshold)."""
    from mlkg.viz._network import vis_options

    edges = vis_options(large=False)["edges"]
    assert edges["scaling"]["label"]["drawThreshold"] >= 9 > 5  # vis's default draws them at 5 px


def test_every_kind_of_the_ontology_has_a_family() -> None:
    from mlkg.viz._style import FAMILIES, KIND_FAMILIES, kind_colour

    assert len(FAMILIES) <= 7
    assert len({kind_colour(k) for k in KIND_FAMILIES}) == len(set(KIND_FAMILIES.values()))
