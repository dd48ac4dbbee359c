"""The query editor (issue 18) in headless Chromium at 1440x900 and 390x844: highlighting, line
numbers, prefix and term completion, an error marker where the 400 says, sortable and paged
results with shortened IRIs, examples without the PREFIX block, history, and never a page wider
than a phone's screen."""

from __future__ import annotations

import pytest
from browser import VIEWPORTS, RecordedPage, assert_clean, assert_fits, canvas_ink, open_at
from processes import LiveServer

pytestmark = pytest.mark.browser


def _open(live_server: LiveServer, browser_page: RecordedPage, viewport: str, path: str = "/sparql") -> None:
    open_at(browser_page, live_server.url + path, viewport)


def _clean(live_server: LiveServer, browser_page: RecordedPage) -> None:
    assert_clean(browser_page, live_server.url)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_highlights_numbers_lines_and_completes_a_prefix(
    live_server: LiveServer, browser_page: RecordedPage, viewport: str
) -> None:
    _open(live_server, browser_page, viewport)
    page = browser_page.page
    # The starting query is highlighted: keywords, variables and prefixed names get their classes.
    keyword = page.locator("#highlight .tok-keyword", has_text="SELECT")
    assert keyword.count() == 1
    assert page.locator("#highlight .tok-var").first.text_content().startswith("?")
    assert page.locator("#highlight .tok-pname").count() >= 2
    color = "e => getComputedStyle(e).color"
    assert keyword.evaluate(color) != page.locator("#highlight .tok-punct").first.evaluate(color)
    assert page.locator("#gutter > div").all_text_contents() == ["1", "2", "3"]
    # Typing `sk` offers the predeclared prefix; Tab takes it, then the prefix's terms are offered.
    editor = page.locator("#query")
    editor.fill("")
    editor.focus()
    page.keyboard.type("SELECT ?x WHERE {\n  ?x sk")
    completion = page.locator("#complete")
    completion.wait_for(state="visible")
    assert completion.locator("li").first.text_content().startswith("skos:")
    page.keyboard.press("Tab")
    assert editor.input_value().endswith("?x skos:")
    assert completion.is_visible()  # skos:prefLabel and friends follow
    page.keyboard.type("prefL")
    page.keyboard.press("Tab")
    assert editor.input_value().endswith("?x skos:prefLabel")
    assert page.locator("#gutter > div").count() == 2
    # Classes and properties of the ontology complete after mlkg:.
    page.keyboard.type(" ?l . ?x a mlkg:Fram")
    assert completion.locator("li").first.text_content().startswith("mlkg:Framework")
    assert_fits(browser_page)  # the open list stays inside the screen
    page.keyboard.press("Escape")
    assert completion.is_hidden()
    assert_fits(browser_page)
    _clean(live_server, browser_page)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_syntax_error_is_marked_at_its_line(
    live_server: LiveServer, browser_page: RecordedPage, viewport: str
) -> None:
    _open(live_server, browser_page, viewport)
    page = browser_page.page
    page.locator("#query").fill("SELECT ?x\nWHERE {\n  ?x ?y\n")
    page.locator("#run").click()
    page.locator("#error").wait_for()
    message = page.locator("#error").text_content() or ""
    assert "line 4" in message or "line 3" in message
    marker = page.locator("#highlight .tok-error")
    marker.wait_for()
    line = page.locator("#gutter .error-line")
    assert line.count() == 1
    assert line.text_content() in ("3", "4")
    assert "syntax error" in (marker.get_attribute("title") or "")
    # Editing clears the marker; a fixed query runs.
    page.locator("#query").fill("SELECT ?x WHERE { ?x a mlkg:Framework }")
    assert page.locator("#highlight .tok-error").count() == 0
    assert_fits(browser_page)
    assert browser_page.foreign_requests(live_server.url) == []


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_results_sort_page_and_shorten_iris(
    live_server: LiveServer, browser_page: RecordedPage, viewport: str
) -> None:
    _open(live_server, browser_page, viewport)
    page = browser_page.page
    page.locator("#query").fill(
        "SELECT ?label ?g WHERE { GRAPH ?g { ?e skos:prefLabel ?label } } ORDER BY DESC(?label) LIMIT 120"
    )
    page.locator("#query").press("Control+Enter")
    page.locator("#results tbody tr").first.wait_for()
    assert page.locator("#results tbody tr").count() == 50  # paged
    assert "of 120" in page.locator("#page-info").text_content()
    first = page.locator("#results tbody tr td:first-child").all_text_contents()
    assert first[0].casefold() >= first[-1].casefold()  # the query's own order, descending
    # Graph IRIs are shortened too.
    graph_cell = page.locator("#results tbody tr td:nth-child(2)").first.text_content()
    assert graph_cell.startswith("graph:"), graph_cell
    page.locator("#results th button", has_text="?label").click()
    assert page.locator("#results th").first.get_attribute("aria-sort") == "ascending"
    ascending = page.locator("#results tbody tr td:first-child").all_text_contents()
    assert ascending != first
    assert ascending[0].casefold() <= ascending[-1].casefold()
    page.locator("#results th button", has_text="?label").click()
    assert page.locator("#results th").first.get_attribute("aria-sort") == "descending"
    page.locator("#page-next").click()
    assert "Rows 51–100 of 120" in page.locator("#page-info").text_content()
    # One scroller: the results box does not scroll vertically inside the page.
    overflow_y = page.locator("#results").evaluate("e => getComputedStyle(e).overflowY")
    heights = page.locator("#results").evaluate("e => [e.scrollHeight, e.clientHeight]")
    assert heights[0] <= heights[1] + 1, (overflow_y, heights)
    assert_fits(browser_page)
    _clean(live_server, browser_page)


def test_examples_skip_the_prefix_block_and_history_remembers(
    live_server: LiveServer, browser_page: RecordedPage
) -> None:
    _open(live_server, browser_page, "desktop")
    page = browser_page.page
    page.evaluate("() => localStorage.clear()")
    page.get_by_role("button", name="Counterparts of a tool").click()
    page.locator("#results tbody tr").first.wait_for()
    text = page.locator("#query").input_value()
    assert "PREFIX" not in text and "mlkg:Correspondence" in text
    page.locator("#query").fill("ASK { ent:PyTorch ?p ?o }")
    page.locator("#run").click()
    page.locator("#results pre.boolean").wait_for()
    page.reload()
    page.locator("#history summary").click()
    remembered = page.locator("#history-list button")
    assert remembered.count() == 2
    assert remembered.first.get_attribute("title") == "ASK { ent:PyTorch ?p ?o }"
    remembered.nth(1).click()
    assert "mlkg:Correspondence" in page.locator("#query").input_value()
    # Long text columns are not squeezed next to link columns.
    page.locator("#results tbody tr").first.wait_for()
    evidence = page.locator("#results th", has_text="?evidence")
    box = evidence.bounding_box()
    assert box is not None and box["width"] >= 200, box
    _clean(live_server, browser_page)


def test_construct_results_are_a_table_with_short_iris(
    live_server: LiveServer, browser_page: RecordedPage
) -> None:
    _open(live_server, browser_page, "desktop")
    page = browser_page.page
    page.locator("#query").fill("DESCRIBE ent:TorchServe")
    page.locator("#run").click()
    page.locator("#results tbody tr").first.wait_for()
    assert page.locator("#results th").all_text_contents() == ["?subject", "?predicate", "?object"]
    assert page.locator("#results tbody td:first-child").first.text_content() == "ent:TorchServe"
    assert page.locator("#download-csv").get_attribute("download") == "results.nt"
    _clean(live_server, browser_page)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_counts_can_be_drawn_as_a_bar_chart(
    live_server: LiveServer, browser_page: RecordedPage, viewport: str
) -> None:
    _open(live_server, browser_page, viewport)
    page = browser_page.page
    views = page.locator("#views")
    assert views.is_hidden()
    page.locator("#query").fill(
        "SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e a ?type } GROUP BY ?type ORDER BY DESC(?n) LIMIT 10"
    )
    page.locator("#run").click()
    page.locator("#results tbody tr").first.wait_for()
    assert views.is_visible()
    page.locator("#view-chart").click()
    bars = page.locator("#results svg.chart rect.bar")
    assert bars.count() == 10
    widths = [float(bars.nth(i).get_attribute("width") or 0) for i in range(10)]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]
    label = page.locator("#results svg.chart text.bar-label").first.text_content() or ""
    assert ":" in label and not label.startswith("http"), label  # named by its shortened IRI
    assert_fits(browser_page)
    page.locator("#view-table").click()
    assert page.locator("#results tbody tr").count() == 10
    # No chart for answers without a number to draw.
    page.locator("#query").fill("SELECT ?label WHERE { ent:TorchServe skos:prefLabel ?label }")
    page.locator("#run").click()
    page.locator("#results tbody tr").first.wait_for()
    assert views.is_hidden()
    _clean(live_server, browser_page)


def test_a_completion_can_be_undone(live_server: LiveServer, browser_page: RecordedPage) -> None:
    _open(live_server, browser_page, "desktop")
    page = browser_page.page
    editor = page.locator("#query")
    editor.fill("")
    editor.focus()
    page.keyboard.type("SELECT * WHERE { ?x rdfs:lab")
    page.locator("#complete li").first.wait_for()
    page.keyboard.press("Enter")
    assert editor.input_value().endswith("rdfs:label")
    assert page.locator("#complete").is_hidden()  # taken, not offered again
    page.keyboard.press("Control+z")
    assert editor.input_value().endswith("rdfs:lab")
    _clean(live_server, browser_page)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_describe_results_can_be_drawn_as_a_graph(
    live_server: LiveServer, browser_page: RecordedPage, viewport: str
) -> None:
    _open(live_server, browser_page, viewport)
    page = browser_page.page
    page.locator("#query").fill("DESCRIBE ent:TorchServe")
    page.locator("#run").click()
    page.locator("#results tbody tr").first.wait_for()
    triples = int((page.locator("#status").text_content() or "").split()[0])
    assert page.locator("#view-graph").is_visible() and page.locator("#view-chart").is_hidden()
    page.locator("#view-graph").click()
    graph = page.locator("#results .graph-view[data-ready='true']")
    graph.wait_for()
    # Every triple is an edge, but the one that names TorchServe: that is its node's label.
    assert int(graph.get_attribute("data-edges") or 0) == triples - 1
    assert int(graph.get_attribute("data-nodes") or 0) > 10
    torchserve = "https://w3id.org/mlkg/entity/TorchServe"
    label = page.evaluate("id => window.mlkgResultGraph.body.data.nodes.get(id).label", torchserve)
    assert label == "TorchServe"
    box = graph.bounding_box()
    assert box is not None and box["width"] >= 300 and box["height"] >= 300, box
    # Names readable (11 px or more) even on a phone, where the view zooms in on the hub.
    assert page.evaluate("13 * window.mlkgResultGraph.getScale()") >= 11 - 0.01
    (ink,) = canvas_ink(browser_page, canvas="#results .graph-view canvas")
    assert ink > 500, "the graph is drawn"
    # vis-network came from this site, under its CSP (a refused script would be a console error).
    assert any(url.endswith("/viz/static/vis-network.min.js") for url in browser_page.requests)
    assert_fits(browser_page)
    if viewport == "desktop":  # a double click on an entity opens its page
        point = page.evaluate(
            """id => { const n = window.mlkgResultGraph; const d = n.canvasToDOM(n.getPositions([id])[id]);
                       const r = document.querySelector('#results .graph-view').getBoundingClientRect();
                       return [r.left + d.x, r.top + d.y]; }""",
            torchserve,
        )
        page.mouse.move(*point)
        with page.expect_navigation():
            page.mouse.dblclick(*point)
        assert page.url.endswith("/entity/TorchServe")
        page.go_back()
        page.locator("#results tbody tr").first.wait_for()
    page.locator("#view-table").click()
    assert page.locator("#results tbody tr").count() == min(triples, 50)
    # A SELECT answer is not a graph.
    page.locator("#query").fill("SELECT ?label WHERE { ent:TorchServe skos:prefLabel ?label }")
    page.locator("#run").click()
    page.locator("#results tbody tr").first.wait_for()
    assert page.locator("#view-graph").is_hidden()
    _clean(live_server, browser_page)
