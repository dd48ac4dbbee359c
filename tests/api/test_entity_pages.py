"""/entity/{id} (HTML and RDF by Accept or suffix), /api/entities/{id}, the home page, escaping."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from browser import RecordedPage
from fastapi.testclient import TestClient
from processes import LiveServer

ENT = "https://w3id.org/mlkg/entity/"
PREF = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}
SUFFIX_TYPES = {".ttl": "text/turtle", ".jsonld": "application/ld+json", ".nt": "application/n-triples"}


def triples_of(body: bytes, media_type: str) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=RDF_TYPES[media_type])}


def test_browsers_get_html(client: TestClient) -> None:
    response = client.get(
        "/entity/TorchServe", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Accept" in response.headers["vary"]
    html = response.text
    assert "<h1>TorchServe</h1>" in html
    assert 'href="/viz?focus=TorchServe"' in html
    describe = re.search(r'href="/sparql\?query=([^"]+)"', html)
    assert describe and "DESCRIBE" in httpx.URL("/?q=" + describe.group(1)).params["q"]
    assert "TensorFlow Serving" in html and "holds today" in html  # counterpart with its state
    assert "TorchServe is archived since 2025-08-07." in html  # the tool's own fate, in the summary
    assert "medium.com" in html  # the source is linked


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
def test_rdf_by_accept(client: TestClient, media_type: str) -> None:
    response = client.get("/entity/TorchServe", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    triples = triples_of(response.content, media_type)
    assert ox.Triple(ox.NamedNode(ENT + "TorchServe"), PREF, ox.Literal("TorchServe")) in triples


@pytest.mark.parametrize(("suffix", "media_type"), list(SUFFIX_TYPES.items()))
def test_rdf_by_suffix(client: TestClient, suffix: str, media_type: str) -> None:
    response = client.get(f"/entity/Keras{suffix}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert ox.Triple(ox.NamedNode(ENT + "Keras"), PREF, ox.Literal("Keras")) in triples_of(
        response.content, media_type
    )


def test_same_triples_whichever_way_asked(client: TestClient) -> None:
    by_suffix = triples_of(client.get("/entity/PyTorchLive.nt").content, "application/n-triples")
    by_accept = triples_of(
        client.get("/entity/PyTorchLive", headers={"Accept": "text/turtle"}).content, "text/turtle"
    )
    assert by_suffix == by_accept and len(by_suffix) > 10


def test_unacceptable_media_type_is_406(client: TestClient) -> None:
    assert client.get("/entity/Keras", headers={"Accept": "image/png"}).status_code == 406


def test_unknown_entity_page_is_404_with_suggestions(client: TestClient) -> None:
    response = client.get("/entity/TorchSrve", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert 'href="/entity/TorchServe"' in response.text
    rdf = client.get("/entity/Nothing_here.ttl")
    assert rdf.status_code == 404 and rdf.headers["content-type"].startswith("text/plain")


def test_entity_json(client: TestClient) -> None:
    response = client.get("/api/entities/PyTorchLive")
    assert response.status_code == 200
    facts = response.json()
    assert facts["label"] == "PyTorch Live" and facts["ecosystem"] == "PyTorch"
    assert facts["type"] == "OnDeviceTool" and facts["definition"]
    assert "react-native-pytorch-core" in facts["alt_labels"]
    assert facts["status"].startswith("renamed")
    assert [s["id"] for s in facts["succeeded_by"]] == ["PlayTorch"]
    assert "TensorFlowLite" in [c["id"] for c in facts["counterparts"]]
    # the article's date and the later source's date, each from its own layer
    published = {
        (d["value"], d["graph"]) for d in facts["dates"] if d["property_iri"].endswith("datePublished")
    }
    assert {("2020-12", "article-2022"), ("2021-12", "since-2022")} <= published
    assert any("2021-12" in note and "2020-12" in note for note in facts["changes"])
    assert facts["sources"]


def test_entity_json_people_and_organisations(client: TestClient) -> None:
    facts = client.get("/api/entities/PyTorch").json()
    assert "Adam Paszke" in {a["value"] for a in facts["agents"]}


def test_unknown_entity_json_is_404_with_suggestions(client: TestClient) -> None:
    response = client.get("/api/entities/tflite")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"detail", "suggestions"}
    assert body["suggestions"][0]["id"] == "TensorFlowLite"


def test_entity_page_shows_what_changed(client: TestClient) -> None:
    html = client.get("/entity/PyTorchLive", headers={"Accept": "text/html"}).text
    assert "What changed since the article" in html
    assert "2020-12" in html and "2021-12" in html
    assert 'href="/entity/PlayTorch"' in html


def test_home_page(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    for link in ('href="/viz"', 'href="/sparql"', 'href="/docs"'):
        assert link in html
    assert 'src="/static/site.js"' in html and 'id="tool"' in html
    # offline: every script, stylesheet and image comes from this server
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not re.match(r"(https?:)?//", url), url
    for asset in ("/static/site.js", "/static/site.css"):
        body = client.get(asset)
        assert body.status_code == 200 and "http" not in body.text
    assert "innerHTML" not in client.get("/static/site.js").text


def test_home_page_answers_with_the_card(client: TestClient) -> None:
    html = client.get("/", params={"tool": "tflite"}).text
    assert "TensorFlow Lite" in html and "PyTorch Live" in html and "ExecuTorch" in html
    ambiguous = client.get("/", params={"tool": "hub"}).text
    assert "could mean several things" in ambiguous and "PyTorch Hub" in ambiguous
    unknown = client.get("/", params={"tool": "lightning fast trainer"})
    assert unknown.status_code == 404 and "PyTorch Lightning" in unknown.text
    assert client.get("/", params={"tool": "x" * 500}).status_code == 422


XSS_LABEL = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
XSS_TURTLE = """
@prefix mlkg: <https://w3id.org/mlkg/ontology#> .
@prefix ent: <https://w3id.org/mlkg/entity/> .
@prefix fn: <https://w3id.org/mlkg/function/> .
@prefix src: <https://w3id.org/mlkg/source/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

src:XssSource a mlkg:Source ;
    dcterms:title "Source <script>alert(1)</script>" ;
    schema:url <https://example.org/xss> ;
    dcterms:date "2024"^^xsd:gYear .

ent:XssTool a mlkg:ServingTool ;
    skos:prefLabel "<script>alert(1)</script> <img src=x onerror=alert(1)>" ;
    skos:altLabel "XssTool" ;
    skos:definition "Defined as <img src=x onerror=alert(1)>." ;
    mlkg:ecosystem ent:PyTorch ;
    mlkg:status mlkg:Active ;
    mlkg:function fn:ModelServing ;
    prov:wasDerivedFrom src:XssSource .

ent:Corr_XssTool_TensorFlowServing a mlkg:Correspondence ;
    rdfs:label "<script>alert(1)</script> corresponds to TensorFlow Serving" ;
    mlkg:tool ent:XssTool, ent:TensorFlowServing ;
    mlkg:strength mlkg:Close ;
    mlkg:basis mlkg:Stated ;
    mlkg:function fn:ModelServing ;
    prov:wasDerivedFrom src:XssSource ;
    mlkg:evidence "Evidence <script>alert(1)</script>" .
"""


def test_graph_text_is_escaped_on_every_page(tmp_path: Path) -> None:
    """A label carrying markup, loaded with --data (and passing SHACL), shows as text everywhere."""
    data = tmp_path / "xss.ttl"
    data.write_text(XSS_TURTLE, encoding="utf-8")
    server = LiveServer("--data", str(data))
    try:
        pages = {
            "home": httpx.get(server.url + "/", params={"tool": "XssTool"}),
            "home, card of its counterpart": httpx.get(server.url + "/", params={"tool": "serving"}),
            "entity": httpx.get(server.url + "/entity/XssTool", headers={"Accept": "text/html"}),
            "counterpart's page": httpx.get(
                server.url + "/entity/TensorFlowServing", headers={"Accept": "text/html"}
            ),
            "404": httpx.get(server.url + "/entity/xsstool", headers={"Accept": "text/html"}),
        }
        assert pages["404"].status_code == 404
        for name, response in pages.items():
            html = response.text
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, name
            assert "<script>alert" not in html, name
            assert "<img src=x" not in html and "onerror=alert(1)>" not in html, name
        assert "&lt;img src=x onerror=alert(1)&gt;" in pages["entity"].text
    finally:
        server.stop()


def test_home_page_autocomplete_in_a_real_browser(
    live_server: LiveServer, browser_page: RecordedPage
) -> None:
    """Typing shows suggestions from /api/search; choosing one shows the counterpart card;
    nothing is loaded from another host and the page logs no error."""
    page = browser_page.page
    page.goto(live_server.url + "/")
    page.fill("#tool", "tfli")
    page.wait_for_selector("#suggest li", timeout=10_000)
    first = page.locator("#suggest li").first
    assert "TensorFlow Lite" in first.inner_text()
    first.dispatch_event("mousedown")
    page.wait_for_selector(".card", timeout=10_000)
    card = page.inner_text(".card")
    assert "TensorFlow Lite" in card and "PyTorch Live" in card and "ExecuTorch" in card
    assert browser_page.foreign_requests(live_server.url) == []
    assert browser_page.errors() == [] and browser_page.dialogs == []
