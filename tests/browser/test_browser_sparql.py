"""The query page in headless Chromium: examples one click away, Ctrl-Enter, a results table with
entity links, shareable URL, downloads, and not one request to another host."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from browser import RecordedPage
from processes import LiveServer

pytestmark = pytest.mark.browser


def test_run_an_example_and_see_a_table(live_server: LiveServer, browser_page: RecordedPage) -> None:
    page = browser_page.page
    page.goto(live_server.url + "/sparql")
    assert "PREFIX mlkg: <https://w3id.org/mlkg/ontology#>" in page.locator("#prefixes").text_content()
    page.get_by_role("button", name="Counterparts of a tool").click()
    rows = page.locator("#results table tbody tr")
    rows.first.wait_for()
    assert rows.count() > 5
    headers = page.locator("#results th").all_text_contents()
    assert "?tool" in headers and "?counterpart" in headers
    entity_link = page.locator('#results a[href^="/entity/"]').first
    assert entity_link.get_attribute("href").startswith("/entity/")
    assert "rows in" in page.locator("#status").text_content()
    # The query is in the URL, so the view can be shared; downloads carry the same query.
    shared = parse_qs(urlsplit(page.url).query)["query"][0]
    assert "mlkg:Correspondence" in shared
    assert "format=csv" in page.locator("#download-csv").get_attribute("href")
    assert browser_page.foreign_requests(live_server.url) == []
    assert browser_page.errors() == []


def test_ctrl_enter_runs_and_shared_urls_reopen(live_server: LiveServer, browser_page: RecordedPage) -> None:
    page = browser_page.page
    page.goto(live_server.url + "/sparql")
    editor = page.locator("#query")
    editor.fill("SELECT ?label WHERE { ent:TorchServe skos:prefLabel ?label }")
    editor.press("Control+Enter")
    page.locator("#results td").first.wait_for()
    assert page.locator("#results td").all_text_contents() == ["TorchServe"]
    shared_url = page.url
    page.goto("about:blank")
    page.goto(shared_url)  # a browser asking for the shared URL gets the page, run again
    page.locator("#results td").first.wait_for()
    assert page.locator("#results td").all_text_contents() == ["TorchServe"]
    assert page.locator("#query").input_value().startswith("SELECT ?label")
    assert browser_page.foreign_requests(live_server.url) == []


def test_result_text_is_never_markup(live_server: LiveServer, browser_page: RecordedPage) -> None:
    page = browser_page.page
    page.goto(live_server.url + "/sparql")
    evil = "<img src=x onerror=alert(1)>"
    page.locator("#query").fill(
        f"SELECT ?x ?iri WHERE {{ BIND('{evil}' AS ?x) BIND(IRI('javascript:alert(1)') AS ?iri) }}"
    )
    page.locator("#run").click()
    page.locator("#results td").first.wait_for()
    assert page.locator("#results td").first.text_content() == evil
    assert page.locator("#results img").count() == 0
    assert page.locator('#results a[href^="javascript"]').count() == 0
    error_query = "SELECT ?x WHERE { ?x"
    page.locator("#query").fill(error_query)
    page.locator("#run").click()
    page.locator("#error").wait_for()
    assert "syntax error" in page.locator("#error").text_content()
    assert browser_page.dialogs == []
    assert browser_page.foreign_requests(live_server.url) == []
