"""XSS: hostile labels loaded with ``--data`` stay text on every HTML page, in real Chromium.

The data (tests/adversarial.py, SHACL-clean) puts ``<script>``, ``<img onerror>``,
``"><svg onload>``, a closing ``</script>``, template syntax and an https URL that tries to
break out of its attribute into labels, definitions, evidence, event and source titles. Each
page is opened in headless Debian Chromium: no dialog fires, no element the payloads would
create exists, no ``on*`` attribute or ``javascript:`` link is in the DOM, no error or CSP
violation is logged, and where the page shows the label it is visible as the literal text.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from adversarial import HOSTILE_ALT, HOSTILE_LABEL, HOSTILE_TTL
from browser import RecordedPage
from processes import LiveServer

#: What the payloads would leave in the DOM if any ran or parsed as markup.
INJECTED = """() => {
  const all = [...document.querySelectorAll('*')];
  const short = e => e.outerHTML.slice(0, 120);
  const runnable = s => !s.type || /javascript|module/.test(s.type);
  return {
    handlers: all.filter(e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on'))).map(short),
    elements: [...document.querySelectorAll("img[src='x'], svg[onload], iframe, b")].map(short),
    scripts: [...document.scripts].filter(s => runnable(s) && s.text.includes('xss-')).map(short),
    jsLinks: [...document.querySelectorAll('[href]')].map(a => a.getAttribute('href') || '')
                 .filter(h => h.trim().toLowerCase().startsWith('javascript:')),
    fired: window.__xss || null,
  };
}"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    path.write_text(HOSTILE_TTL, encoding="utf-8")
    server = LiveServer("--data", str(path))
    yield server
    server.stop()


def check_clean(rp: RecordedPage, origin: str, *, not_found: bool = False) -> None:
    found = rp.page.evaluate(INJECTED)
    assert rp.dialogs == [], f"a payload ran: {rp.dialogs}"
    assert found == {"handlers": [], "elements": [], "scripts": [], "jsLinks": [], "fired": None}, found
    errors = rp.errors()
    if not_found:  # the page itself is a 404 (unknown name): Chromium logs that, and only that
        errors = [e for e in errors if "status of 404" not in e]
    assert errors == [], errors  # CSP violations are console errors too
    assert rp.foreign_requests(origin) == [], rp.foreign_requests(origin)


def visible_text(rp: RecordedPage, text: str) -> None:
    locator = rp.page.get_by_text(text, exact=False).first
    locator.wait_for(state="visible", timeout=10_000)
    assert text in (locator.text_content() or "")


LABEL_Q = quote(HOSTILE_LABEL, safe="")
UNKNOWN = "<img src=x onerror=alert(1)> unknown"
#: (path, text the page must show literally, whether the page is a 404)
PAGES = [
    ("/", None, False),
    (f"/?tool={LABEL_Q}", HOSTILE_LABEL, False),
    (f"/?tool={quote(HOSTILE_ALT[1], safe='')}", HOSTILE_LABEL, False),
    (f"/?tool={quote(UNKNOWN, safe='')}", UNKNOWN, True),
    ("/entity/HostileTool", HOSTILE_LABEL, False),
    (f"/entity/{quote('<svg onload=alert(1)>', safe='')}", "<svg onload=alert(1)>", True),
    ("/docs", None, False),
]


@pytest.mark.parametrize(("path", "shown", "not_found"), PAGES, ids=[p for p, _, _ in PAGES])
def test_pages_show_hostile_text_as_text(
    hostile_server: LiveServer, browser_page: RecordedPage, path: str, shown: str | None, not_found: bool
) -> None:
    browser_page.page.goto(hostile_server.url + path)
    browser_page.page.wait_for_load_state("networkidle")
    if shown:
        visible_text(browser_page, shown)
    check_clean(browser_page, hostile_server.url, not_found=not_found)


def test_entity_page_keeps_every_hostile_field_as_text(
    hostile_server: LiveServer, browser_page: RecordedPage
) -> None:
    browser_page.page.goto(hostile_server.url + "/entity/HostileTool")
    body = browser_page.page.locator("body").inner_text()
    for text in (
        HOSTILE_LABEL,
        *HOSTILE_ALT,
        "<b>bold</b>",
        "<iframe src=javascript:alert('xss-iframe')></iframe>",
    ):
        assert text in body, f"{text!r} is not shown as text"
    links = browser_page.page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert all(not href.lower().startswith("javascript:") for href in links)
    check_clean(browser_page, hostile_server.url)


def test_sparql_page_renders_a_hostile_result_as_text(
    hostile_server: LiveServer, browser_page: RecordedPage
) -> None:
    query = "SELECT ?label ?alt WHERE { ent:HostileTool skos:prefLabel ?label ; skos:altLabel ?alt }"
    browser_page.page.goto(f"{hostile_server.url}/sparql?query={quote(query, safe='')}")
    # "1 row in 3 ms": a locator waits without evaluating a string (the page's CSP has no unsafe-eval)
    browser_page.page.locator("#status", has_text=" row").wait_for()
    cells = browser_page.page.locator("#results").inner_text()
    assert HOSTILE_LABEL in cells and all(alt in cells for alt in HOSTILE_ALT)
    check_clean(browser_page, hostile_server.url)


def test_viz_focused_on_the_hostile_node(hostile_server: LiveServer, browser_page: RecordedPage) -> None:
    page = browser_page.page
    page.goto(hostile_server.url + "/viz?focus=HostileTool")
    page.wait_for_selector("html[data-viz-ready='true']", state="attached", timeout=20_000)
    point = page.evaluate(
        """id => { const net = window.mlkgViz.network; const d = net.canvasToDOM(net.getPositions([id])[id]);
                   const r = document.querySelector('#network canvas').getBoundingClientRect();
                   return {x: r.left + d.x, y: r.top + d.y}; }""",
        "HostileTool",
    )
    page.mouse.move(point["x"], point["y"])  # the tooltip
    page.wait_for_timeout(600)
    page.mouse.click(point["x"], point["y"])  # the details panel
    details = page.locator("#details")
    details.locator("h2").wait_for(state="visible")
    assert details.locator("h2").text_content() == HOSTILE_LABEL
    check_clean(browser_page, hostile_server.url)


@pytest.mark.parametrize("path", ["/viz/counterparts", "/viz/timeline"])
def test_viz_side_pages(hostile_server: LiveServer, browser_page: RecordedPage, path: str) -> None:
    page = browser_page.page
    page.goto(hostile_server.url + path)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    text = page.locator("body").inner_text()
    html = page.content()
    assert HOSTILE_LABEL in text or HOSTILE_LABEL.replace("<", "&lt;") in html, (
        "the hostile tool is on the page"
    )
    check_clean(browser_page, hostile_server.url)


def test_the_checks_catch_a_payload_that_is_not_escaped(browser_page: RecordedPage) -> None:
    """The same checks on a page that pastes the labels in raw: they must see it."""
    browser_page.page.set_content(
        f"<p>{HOSTILE_LABEL}</p><div>{HOSTILE_ALT[0]}</div><a href='javascript:x'>a</a>"
    )
    browser_page.page.wait_for_timeout(300)
    found = browser_page.page.evaluate(INJECTED)
    assert browser_page.dialogs, "the raw <script>/<img onerror> ran"
    assert found["handlers"] and found["elements"] and found["jsLinks"]
