"""The pictures in a real browser: headless Debian Chromium through Playwright, real HTTP.

One Chromium serves the whole module; every page records its requests, console errors and
dialogs (tests/browser.py). Screenshots of each view land in the test's tmp dir.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import pytest
from browser import RecordedPage, assert_clean, node_point, open_viz
from processes import LiveServer, run_cli

from mlkg.viz import graph_page

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"
STATED_PAIRS = {
    frozenset({"TorchServe", "TensorFlowServing"}),
    frozenset({"PyTorchLive", "TensorFlowLite"}),
    frozenset({"PyTorchHub", "TensorFlowHub"}),
    frozenset({"PyTorchLightning", "Keras"}),
}
XSS_TTL = f"""\
@prefix mlkg: <https://w3id.org/mlkg/ontology#> .
@prefix ent: <https://w3id.org/mlkg/entity/> .
@prefix fn: <https://w3id.org/mlkg/function/> .
@prefix src: <https://w3id.org/mlkg/source/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

src:XssNote a mlkg:Source ;
    dcterms:title "{XSS} a hostile source title" ;
    schema:url <https://example.org/xss> .

ent:XssTool a mlkg:ServingTool ;
    skos:prefLabel "{XSS}" ;
    skos:altLabel "xss-tool" ;
    skos:definition "A test entity whose label is markup: {XSS}" ;
    mlkg:ecosystem ent:PyTorch ;
    mlkg:status mlkg:Active ;
    mlkg:function fn:ModelServing ;
    mlkg:integratesWith ent:TorchServe ;
    prov:wasDerivedFrom src:XssNote .

ent:Event_XssTool_Launch a mlkg:Event ;
    rdfs:label "{XSS} launched" ;
    mlkg:about ent:XssTool ;
    mlkg:eventKind mlkg:Launch ;
    mlkg:date "2021-06"^^xsd:gYearMonth ;
    prov:wasDerivedFrom src:XssNote .
"""


def entity_count(server: LiveServer) -> int:
    """How many entities the app's own SPARQL endpoint counts."""
    response = httpx.get(
        server.url + "/sparql",
        params={"query": "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a mlkg:Entity }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    response.raise_for_status()
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def drawn(rp: RecordedPage) -> list[str]:
    ids: list[str] = rp.page.evaluate("window.mlkgViz.drawnNodeIds()")
    return ids


def click_node(rp: RecordedPage, node: str) -> None:
    """Click where vis drew ``node`` on the canvas, as a user would."""
    point = node_point(rp, node)
    rp.page.mouse.click(point["x"], point["y"])


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("xss") / "xss.ttl"
    path.write_text(XSS_TTL, encoding="utf-8")
    server = LiveServer("--data", str(path))
    yield server
    server.stop()


def test_viz_draws_every_entity_and_stays_local(
    live_server: LiveServer, browser_page: RecordedPage, shots: Path
) -> None:
    # How long drawing takes is a figure for a benchmark, not a pass/fail line on a shared machine.
    open_viz(browser_page, live_server.url + "/viz")
    assert len(drawn(browser_page)) == entity_count(live_server)
    browser_page.screenshot(shots / "viz.png")
    assert_clean(browser_page, live_server.url)
    assert any(url.endswith("/viz/static/vis-network.min.js") for url in browser_page.requests)


def test_layout_settles_stops_and_can_be_redone(live_server: LiveServer, browser_page: RecordedPage) -> None:
    page = browser_page.page
    open_viz(browser_page, live_server.url + "/viz")
    positions = "() => JSON.stringify(window.mlkgViz.network.getPositions())"
    settled = page.evaluate(positions)
    page.wait_for_timeout(400)
    assert page.evaluate(positions) == settled, "physics has stopped: nothing moves"
    page.click("#relayout")
    page.wait_for_selector("html[data-layout='settled']", state="attached")
    relaid = page.evaluate(positions)
    assert relaid != settled, "re-layout moved the nodes"
    page.wait_for_timeout(400)
    assert page.evaluate(positions) == relaid, "and stopped again"
    assert_clean(browser_page, live_server.url)


def test_search_focuses_and_zooms_on_the_match(live_server: LiveServer, browser_page: RecordedPage) -> None:
    page = browser_page.page
    open_viz(browser_page, live_server.url + "/viz")
    scale_before = page.evaluate("window.mlkgViz.network.getScale()")
    page.fill("#search", "TorchServe")
    assert page.locator("#search-results button.result").first.text_content().startswith("TorchServe")
    page.press("#search", "Enter")
    page.wait_for_selector("html[data-focused='TorchServe']", state="attached")
    assert page.evaluate("window.mlkgViz.network.getSelectedNodes()") == ["TorchServe"]
    page.wait_for_function(  # the camera ends up centred on the node
        """() => { const net = window.mlkgViz.network, c = net.getViewPosition();
                   const p = net.getPositions(['TorchServe']).TorchServe;
                   return Math.hypot(c.x - p.x, c.y - p.y) < 5; }""",
        timeout=5000,
    )
    assert page.evaluate("window.mlkgViz.network.getScale()") > scale_before
    assert "focus=TorchServe" in page.url
    assert page.text_content("#details h2") == "TorchServe"
    # an alternative label finds the entity too
    page.fill("#search", "TF Serving")
    page.press("#search", "Enter")
    page.wait_for_selector("html[data-focused='TensorFlowServing']", state="attached")
    assert_clean(browser_page, live_server.url)


def test_clicking_a_node_fills_the_details_panel(live_server: LiveServer, browser_page: RecordedPage) -> None:
    page = browser_page.page
    open_viz(browser_page, live_server.url + "/viz")
    click_node(browser_page, "PyTorchLive")
    details = page.locator("#details")
    assert details.locator("h2").text_content() == "PyTorch Live"
    text = details.text_content() or ""
    assert "TensorFlow Lite" in text, "its counterpart"
    assert "2021-12 (the article: 2020-12)" in text, "its dates: the current one, the article's beside it"
    assert "TensorFlow vs PyTorch" in text, "its sources"
    assert details.locator("a.entity-link").get_attribute("href") == "/entity/PyTorchLive"
    faded = page.evaluate(
        "['Google', 'PyTorchMobile'].map(id => window.mlkgViz.nodes.get(id).color.background)"
    )
    faded = faded[0] != faded[1]
    assert faded, "the neighbourhood stands out, the rest fades"
    assert "focus=PyTorchLive" in page.url
    assert_clean(browser_page, live_server.url)


def test_details_panel_lists_what_holds_today_first(
    live_server: LiveServer, browser_page: RecordedPage
) -> None:
    """Same order as the answers: for ExecuTorch, LiteRT (holds today) before TensorFlow Lite (a pair
    drawn on its own ends when either tool has: TensorFlow Lite was renamed)."""
    page = browser_page.page
    open_viz(browser_page, live_server.url + "/viz")
    click_node(browser_page, "ExecuTorch")
    items = page.locator("#details ul.counterparts > li")
    texts = [t or "" for t in items.all_text_contents()]
    assert texts[0].startswith("LiteRT") and "holds today" in texts[0]
    assert any(t.startswith("TensorFlow Lite") and "ended" in t for t in texts[1:])
    classes = items.evaluate_all("els => els.map(e => e.className)")
    assert classes == sorted(classes, key=lambda c: c != "current") and "ended" in classes
    assert_clean(browser_page, live_server.url)


def test_filtering_a_kind_hides_its_nodes_and_the_url_keeps_it(
    live_server: LiveServer, browser_page: RecordedPage
) -> None:
    page = browser_page.page
    open_viz(browser_page, live_server.url + "/viz")
    before = set(drawn(browser_page))
    people = {n for n in before if page.evaluate("id => window.mlkgViz.meta[id].kind", n) == "Person"}
    assert people
    page.click("#legend-kinds button[data-kind='Person']")
    after = set(drawn(browser_page))
    assert after == before - people
    assert page.get_attribute("#legend-kinds button[data-kind='Person']", "aria-pressed") == "false"
    assert "kinds=" in page.url and "Person" not in page.url.split("kinds=")[1]
    shared = page.url
    open_viz(browser_page, shared)  # the shared URL opens the same view
    assert set(drawn(browser_page)) == after
    page.uncheck("#legend-ecosystems input[data-ecosystem='TensorFlow']")
    assert not any(
        page.evaluate("id => window.mlkgViz.meta[id].ecosystem", n) == "TensorFlow"
        for n in drawn(browser_page)
    )
    assert "ecosystem=" in page.url
    assert_clean(browser_page, live_server.url)


def test_url_focus_and_depth_open_that_neighbourhood(
    live_server: LiveServer, browser_page: RecordedPage
) -> None:
    open_viz(browser_page, live_server.url + "/viz?focus=TorchServe&depth=1")
    shown = set(drawn(browser_page))
    assert {"TorchServe", "TensorFlowServing", "PyTorch"} <= shown
    assert "Keras" not in shown and len(shown) < 20
    assert browser_page.page.text_content("#details h2") == "TorchServe"


def test_counterparts_view_shows_the_stated_pairs(
    live_server: LiveServer, browser_page: RecordedPage, shots: Path
) -> None:
    page = browser_page.page
    page.goto(live_server.url + "/viz/counterparts")
    pairs = page.evaluate(
        """() => [...document.querySelectorAll('path.link[data-basis="Stated"]')]
                 .filter(p => p.getBoundingClientRect().width > 0)
                 .map(p => [p.dataset.left, p.dataset.right])"""
    )
    assert {frozenset(p) for p in pairs} >= STATED_PAIRS
    sides = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('a.tool')]
                 .map(a => [a.dataset.id, a.dataset.side]))"""
    )
    assert sides["TensorFlowHub"] == "left" and sides["PyTorchHub"] == "right"
    browser_page.screenshot(shots / "counterparts.png", full_page=True)
    assert_clean(browser_page, live_server.url)


def test_timeline_shows_the_article_date_and_the_corrected_one(
    live_server: LiveServer, browser_page: RecordedPage, shots: Path
) -> None:
    page = browser_page.page
    page.goto(live_server.url + "/viz/timeline")
    events = page.locator("g.event[data-lane='PyTorchLive']")
    texts = {events.nth(i).get_attribute("data-date"): events.nth(i).locator("text.date").text_content()
             for i in range(events.count())}  # fmt: skip
    assert texts["2020-12"] == "Dec 2020 (article)"
    assert texts["2021-12"] == "Dec 2021 (corrected)"
    article = page.locator("g.event[data-lane='PyTorchLive'][data-date='2020-12']").get_attribute("data-id")
    corrected = page.locator("g.event[data-lane='PyTorchLive'][data-date='2021-12']").get_attribute("data-id")
    join = page.locator(f"path.join.corrects[data-from='{article}'][data-to='{corrected}']")
    assert join.count() == 1 and join.is_visible()
    x = {
        d: page.locator(f"g.event[data-lane='PyTorchLive'][data-date='{d}'] circle").bounding_box()
        for d in ("2020-12", "2021-12")
    }
    assert x["2020-12"] and x["2021-12"] and x["2021-12"]["x"] > x["2020-12"]["x"], "later date further right"
    browser_page.screenshot(shots / "timeline.png", full_page=True)
    assert_clean(browser_page, live_server.url)


def test_markup_in_graph_text_shows_as_text(xss_server: LiveServer, browser_page: RecordedPage) -> None:
    page = browser_page.page
    open_viz(browser_page, xss_server.url + "/viz")
    assert len(drawn(browser_page)) == entity_count(xss_server)
    assert page.evaluate("window.mlkgViz.nodes.get('XssTool').label") == XSS, "the canvas label is the text"
    page.fill("#search", "xss-tool")
    assert page.locator("#search-results button.result").first.text_content().startswith(XSS)
    page.press("#search", "Enter")
    page.wait_for_selector("html[data-focused='XssTool']", state="attached")
    assert page.text_content("#details h2") == XSS
    assert XSS in (page.text_content("#details") or "")
    # hover: the tooltip shows the label as text
    point = node_point(browser_page, "XssTool")
    page.mouse.move(point["x"] + 1, point["y"] + 1)
    page.wait_for_selector("div.vis-tooltip", state="visible")
    assert XSS in (page.text_content("div.vis-tooltip") or "")
    for view in ("/viz/counterparts", "/viz/timeline"):
        page.goto(xss_server.url + view)
        assert XSS in (page.text_content("body") or ""), view
        assert page.evaluate("document.querySelectorAll('img').length") == 0, view
    page.goto(xss_server.url + "/viz")
    assert page.evaluate("document.querySelectorAll('img, script:not([src]):not([type])').length") == 0
    assert browser_page.dialogs == [], "no script ran from the data"
    assert_clean(browser_page, xss_server.url)


def test_exported_file_works_from_disk(browser_page: RecordedPage, tmp_path: Path) -> None:
    out = tmp_path / "mlkg.html"
    result = run_cli("viz", "-o", str(out))
    assert result.returncode == 0, result.stderr
    url = out.as_uri()
    open_viz(browser_page, url)
    count = browser_page.page.evaluate("Object.keys(window.mlkgViz.meta).length")
    assert len(drawn(browser_page)) == count > 50
    assert browser_page.requests == [url], "one file, nothing else loaded"
    assert_clean(browser_page, url)


def synthetic_graph(nodes: int, edges: int, seed: int = 5) -> nx.MultiDiGraph:
    """A random graph with the projection's attributes: kinds, ecosystems, some counterparts."""
    rng = random.Random(seed)
    kinds = ["Framework", "ServingTool", "OnDeviceTool", "Person", "Organization", "Release", "ModelHub"]
    graph = nx.MultiDiGraph()
    for i in range(nodes):
        graph.add_node(
            f"N{i}", label=f"Node {i}", kind=rng.choice(kinds), kind_label="k", definition=f"Node {i}",
            alt_labels=[f"n{i}"], dates=[], facts=[], ecosystem=rng.choice([None, "N0", "N1"]), status=None,
            status_label=None, status_since=None, status_observed_on=None, functions=[], sources=[],
        )  # fmt: skip
    for j in range(edges):
        a, b = rng.randrange(nodes), rng.randrange(nodes)
        attrs: dict[str, Any] = {"kind": "relation", "predicate": "p", "label": "relates to"}
        if j % 50 == 0:
            attrs = {
                "kind": "counterpart",
                "label": "counterpart of",
                "strength": "Close",
                "basis": "Inferred",
            }
        graph.add_edge(f"N{a}", f"N{b}", key=f"k{j}", **attrs)
    return graph


def test_large_graph_is_drawn_and_interactive(
    browser_page: RecordedPage, tmp_path: Path, shots: Path
) -> None:
    path = tmp_path / "large.html"
    path.write_text(graph_page(synthetic_graph(5000, 15000)), encoding="utf-8")
    page = browser_page.page
    open_viz(browser_page, path.as_uri(), timeout=30_000)
    assert len(drawn(browser_page)) == 5000
    page.fill("#search", "Node 4321")
    page.press("#search", "Enter")
    page.wait_for_selector("html[data-focused='N4321']", state="attached")
    assert page.text_content("#details h2") == "Node 4321"
    browser_page.screenshot(shots / "large.png")
    assert_clean(browser_page, path.as_uri())


def test_docs_screenshot_exists() -> None:
    """The README shows the answer (docs/screenshot.png) and the graph view (docs/graph-view.png)."""
    docs = Path(__file__).resolve().parents[2] / "docs"
    readme = (docs.parent / "README.md").read_text(encoding="utf-8")
    for name in ("screenshot.png", "graph-view.png"):
        assert (docs / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"](docs/{name})" in readme
