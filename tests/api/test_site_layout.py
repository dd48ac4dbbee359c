"""One site layout (issue 14): every page the app serves, the pictures included, has the same
header and navigation, reaches its neighbours through it, and loads only from this host; the
pictures link through the URL builder they are handed, and a file written by ``mlkg viz`` still
stands on its own."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from processes import cli

from mlkg.api.middleware import CONTENT_SECURITY_POLICY
from mlkg.graph import KnowledgeGraph
from mlkg.ontology import ENT
from mlkg.viz import FILE_URLS, Urls, counterparts_page, graph_page, project, timeline_page

#: Every kind of HTML page: name -> (path, status, the navigation entry marked as current).
PAGES: dict[str, tuple[str, int, str | None]] = {
    "home": ("/", 200, "/"),
    "answer": ("/?tool=tflite", 200, "/"),
    "unknown name": ("/?tool=pytorch%20servingg", 404, "/"),
    "entity": ("/entity/TorchServe", 200, None),
    "not found": ("/entity/NoSuchThing", 404, None),
    "sparql": ("/sparql", 200, "/sparql"),
    "docs": ("/docs", 200, "/docs"),
    "picture": ("/viz?focus=TorchServe&depth=2", 200, "/viz"),
    "module": ("/viz?module=tf.nn", 200, "/viz"),
    "counterparts": ("/viz/counterparts", 200, "/viz/counterparts"),
    "timeline": ("/viz/timeline", 200, "/viz/timeline"),
}
NAV = [
    ("/", "Counterparts"),
    ("/viz", "Picture"),
    ("/viz/counterparts", "Bridge view"),
    ("/viz/timeline", "Timeline"),
    ("/sparql", "SPARQL"),
    ("/docs", "API docs"),
]


class _Header(HTMLParser):
    """The page's site header: its brand link, its navigation links and the one marked current."""

    def __init__(self) -> None:
        super().__init__()
        self.headers = 0
        self.inside = False
        self.brand: str | None = None
        self.links: list[tuple[str, str]] = []
        self.current: list[str] = []
        self._href: str | None = None
        self._in_nav = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "header" and a.get("class") == "site":
            self.headers += 1
            self.inside = True
        elif self.inside and tag == "nav" and a.get("class") == "site-nav":
            self._in_nav = True
        elif self.inside and tag == "a":
            if a.get("class") == "brand":
                self.brand = a.get("href")
            elif self._in_nav:
                self._href = a.get("href") or ""
                if a.get("aria-current") == "page":
                    self.current.append(self._href)

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self.links.append((self._href, data))
            self._href = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "header":
            self.inside = False
        elif tag == "nav":
            self._in_nav = False


def header_of(html: str) -> _Header:
    parser = _Header()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_has_the_one_header_and_navigation(client: TestClient, name: str) -> None:
    path, status, current = PAGES[name]
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == status, (name, page.text[:200])
    header = header_of(page.text)
    assert header.headers == 1, name
    assert header.brand == "/", name  # the site's name leads home, from the pictures too
    assert header.links == NAV, name
    assert header.current == ([current] if current else []), name
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_the_navigation_links_work(client: TestClient) -> None:
    for href, label in NAV:
        answer = client.get(href, headers={"Accept": "text/html"})
        assert answer.status_code == 200, (label, answer.status_code)
        assert answer.headers["content-type"].startswith("text/html"), label


@pytest.mark.parametrize("name", ["picture", "module", "counterparts", "timeline"])
def test_the_pictures_lead_home_and_to_sparql(client: TestClient, name: str) -> None:
    html = client.get(PAGES[name][0]).text
    hrefs = set(re.findall(r'<a [^>]*href="([^"]*)"', html))
    assert {"/", "/sparql"} <= hrefs, name


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_loads_only_from_this_host(client: TestClient, name: str) -> None:
    html = client.get(PAGES[name][0], headers={"Accept": "text/html"}).text
    loaded = re.findall(r'<(?:script|img)\b[^>]*\bsrc="([^"]*)"|<link\b[^>]*\bhref="([^"]*)"', html)
    urls = [src or href for src, href in loaded]
    assert urls, name
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), (name, url)
        assert client.get(url).status_code == 200, (name, url)
    assert "<script>" not in html  # no inline script: the CSP would block it


def test_a_picture_links_only_through_the_urls_it_is_given(oxigraph_kg: KnowledgeGraph) -> None:
    """Served under another prefix, every link of the pictures follows (nothing hard-coded)."""
    graph = project(oxigraph_kg)
    keys = ("home", "graph", "counterparts", "timeline", "sparql", "docs")
    urls = Urls(
        pages={key: f"/kg/{key}" for key in keys},
        entity_base="/kg/e/",
        asset_base="/kg/assets/",
        static_base="/kg/static/",
    )
    for html in (
        graph_page(graph, None, urls),
        counterparts_page(graph, urls),
        timeline_page(oxigraph_kg, graph, urls),
    ):
        links = re.findall(r'(?:href|src)="([^"#][^"]*)"', html)
        assert links
        assert all(link.startswith("/kg/") or link.startswith(("https://", "http://")) for link in links), [
            link for link in links if not link.startswith("/kg/")
        ]
        assert header_of(html).links == [
            (f"/kg/{key}", label) for key, (_, label) in zip(keys, NAV, strict=True)
        ]
    assert '"entityBase": "/kg/e/"' in graph_page(graph, None, urls)
    assert '<a href="/kg/e/TorchServe"' in counterparts_page(graph, urls)


def test_a_file_written_by_mlkg_viz_stands_alone(tmp_path: Path) -> None:
    out = tmp_path / "picture.html"
    done = cli("viz", "-o", str(out), "--focus", "TorchServe", "--depth", "1")
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    header = header_of(html)
    assert header.headers == 1 and header.links == [] and header.brand is None  # no site around it
    assert re.findall(r'(?:href|src)="/', html) == []
    assert f'"entityBase": "{ENT}"' in html  # entities link to their IRIs
    assert FILE_URLS.standalone and "<style>" in html and "<script src=" not in html
