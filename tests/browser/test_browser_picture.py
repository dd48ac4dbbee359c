"""The picture and the timeline read well (issue 18), in real headless Chromium over real HTTP at
1440x900 and 390x844: a focused view frames its neighbourhood with the counterpart on screen, a
hover tooltip goes when the pointer does, the ecosystem filters sit above the sidebar's fold,
every timeline marker says what happened in visible text, and node labels are legible at fit
(12 px or more on screen), drawn beside their nodes, never over one another."""

from __future__ import annotations

from typing import Any

import pytest
from browser import (
    VIEWPORTS,
    RecordedPage,
    assert_clean,
    canvas_ink,
    drawn_labels,
    in_view,
    node_point,
    open_at,
    open_viz,
)
from processes import LiveServer

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_focused_view_frames_the_node_and_its_counterpart(
    live_server: LiveServer, browser_page: RecordedPage, viewport: str
) -> None:
    open_viz(browser_page, live_server.url + "/viz?focus=TorchServe&depth=2", viewport)
    page = browser_page.page
    page.wait_for_selector("html[data-focused='TorchServe']", state="attached")
    for node in ("TorchServe", "TensorFlowServing"):
        point = node_point(browser_page, node)
        assert in_view(point), (viewport, node, point)
    # ...and both are named on the canvas, legibly
    labelled = {label["id"]: label for label in drawn_labels(browser_page)}
    assert {"TorchServe", "TensorFlowServing"} <= set(labelled), sorted(labelled)
    assert all(label["px"] >= 12 for label in labelled.values())
    assert_clean(browser_page, live_server.url)


#: Per label: how far its box is from where vis-network drew its node (0 when touching), in px.
_LABEL_GAPS = """labels => { const net = window.mlkgViz.network;
    return labels.map(l => {
      const node = net.canvasToDOM(net.getPositions([l.id])[l.id]);
      const dx = Math.max(l.left - node.x, 0, node.x - l.right);
      const dy = Math.max(l.top - node.y, 0, node.y - l.bottom);
      return Math.hypot(dx, dy) - net.body.nodes[l.id].options.size * net.getScale(); }); }"""
TEXT_INK = 240  # the labels' near-black text, not the grey edges under them


_NODES_IN_VIEW = """() => { const net = window.mlkgViz.network, box = document.querySelector('#network');
    return window.mlkgViz.drawnNodeIds().filter(id => { const d = net.canvasToDOM(net.getPositions([id])[id]);
      return d.x >= 0 && d.y >= 0 && d.x <= box.clientWidth && d.y <= box.clientHeight; }).length; }"""


def overlapping(labels: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(
    ("path", "hubs"), [("/viz", {"TensorFlow", "PyTorch", "JAX"}), ("/viz?module=tf.nn", set())]
)
def test_labels_are_legible_at_fit_and_never_collide(
    live_server: LiveServer, browser_page: RecordedPage, viewport: str, path: str, hubs: set[str]
) -> None:
    open_viz(browser_page, live_server.url + path, viewport)
    page = browser_page.page
    labels = drawn_labels(browser_page)
    shown = len(page.evaluate("window.mlkgViz.drawnNodeIds()"))
    assert len(labels) >= min(4, shown), (len(labels), shown)
    assert hubs <= {label["id"] for label in labels}, "the hubs are named at fit"
    assert min(label["px"] for label in labels) >= 12, labels  # readable, not 3-7 px
    assert overlapping(labels) == []
    width, height = page.evaluate(
        "[document.querySelector('#network').clientWidth, document.querySelector('#network').clientHeight]"
    )
    for label in labels:
        assert (
            label["left"] >= 0 and label["right"] <= width and label["top"] >= 0 and label["bottom"] <= height
        ), label
    # Each box really holds drawn text, right beside its own node.
    ink = canvas_ink(browser_page, labels, darker=TEXT_INK)
    gaps = page.evaluate(_LABEL_GAPS, labels)
    for label, dark, gap in zip(labels, ink, gaps, strict=True):
        assert dark > 10 and gap <= 8, (label, dark, gap)
    # Zooming in names a larger share of the nodes in view, as legibly and still apart.
    named = len(labels) / page.evaluate(_NODES_IN_VIEW)
    page.evaluate(
        "() => { const n = window.mlkgViz.network; n.moveTo({scale: n.getScale() * 3}); n.redraw(); }"
    )
    closer = drawn_labels(browser_page)
    assert len(closer) / page.evaluate(_NODES_IN_VIEW) >= min(named * 1.5, 1.0), (len(closer), len(labels))
    assert min(label["px"] for label in closer) >= 12 and overlapping(closer) == []
    assert_clean(browser_page, live_server.url)


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
        point = node_point(browser_page, node)
        assert in_view(point), (viewport, node, point)


def test_no_tooltip_stays_after_the_pointer_leaves(
    live_server: LiveServer, browser_page: RecordedPage
) -> None:
    open_viz(browser_page, live_server.url + "/viz?focus=TorchServe&depth=1", "desktop")
    page = browser_page.page
    page.wait_for_selector("html[data-focused='TorchServe']", state="attached")
    point = node_point(browser_page, "TorchServe")
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
    open_at(browser_page, live_server.url + "/viz/timeline", viewport)
    page = browser_page.page
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
