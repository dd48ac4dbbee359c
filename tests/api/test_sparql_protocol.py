"""/sparql speaks the SPARQL 1.1 Protocol: the W3C test manifest over real HTTP, and the core
behaviour (forms, negotiation, dataset, service description, refusals) on every engine."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient
from processes import LiveServer
from rdflib.collection import Collection
from stores import OxigraphServer

from conftest import ENGINE_PARAMS
from mlkg.api.app import create_app
from mlkg.api.conneg import negotiate, parse_accept
from mlkg.api.settings import Settings
from mlkg.graph import KnowledgeGraph
from mlkg.graph._formats import GRAPH_MEDIA_TYPES, SOLUTION_MEDIA_TYPES
from mlkg.ontology import GRAPH

#: Vendored from the W3C test suite (licence in tests/fixtures/w3c/LICENSE.md): a clone runs alone.
W3C = Path(__file__).resolve().parents[1] / "fixtures" / "w3c" / "sparql11-protocol"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
SD = "http://www.w3.org/ns/sparql-service-description#"
ARTICLE = GRAPH + "article-2022"
INFERRED = GRAPH + "inferred"


# -- the W3C SPARQL 1.1 Protocol manifest, turned into checks -----------------------------


@dataclass
class W3CRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]  # "2xx", "4xx"...
    boolean: bool | None
    result_format: str | None


@dataclass
class W3CCase:
    name: str
    title: str
    requests: list[W3CRequest]
    graph_data: dict[str, Path] = field(default_factory=dict)

    @property
    def is_update(self) -> bool:
        first = self.requests[0]
        return "sparql-update" in first.headers.get("content-type", "") or (
            first.body is not None and first.body.startswith(b"update=")
        )


def _manifest_cases() -> list[W3CCase]:
    """Every entry of the manifest, read with rdflib (nothing copied by hand)."""
    manifest = W3C / "manifest.ttl"
    graph = rdflib.Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
    root = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    cases = []
    for entry in Collection(graph, graph.value(root, MF.entries)):
        action = graph.value(entry, MF.action)
        requests = []
        for req in Collection(graph, graph.value(action, HT.requests)):
            body_node = graph.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                text = str(graph.value(body_node, CNT.chars))
                body = text.encode("utf-16" if encoding.upper() == "UTF-16" else "utf-8")
            headers = {}
            header_list = graph.value(req, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    name = str(graph.value(header, HT.fieldName)).lower()
                    headers[name] = str(graph.value(header, HT.fieldValue))
            resp = graph.value(req, HT.resp)
            boolean = graph.value(resp, MF.expectedBoolean)
            fmt = graph.value(resp, MF.expectedFormat)
            requests.append(
                W3CRequest(
                    method=str(graph.value(req, HT.methodName)),
                    path=str(graph.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
                    headers=headers,
                    body=body,
                    statuses={str(s).removeprefix(HTS) for s in graph.objects(resp, MF.expectedStatus)},
                    boolean=None if boolean is None else bool(boolean.toPython()),
                    result_format=None if fmt is None else str(fmt),
                )
            )
        graph_data = {
            str(graph.value(d, rdflib.RDFS.label)): Path(
                str(graph.value(d, UT.graph)).removeprefix("file://")
            )
            for d in graph.objects(entry, UT.graphData)
        }
        name = str(entry).rsplit("#", 1)[-1]
        cases.append(W3CCase(name, str(graph.value(entry, MF.name)), requests, graph_data))
    return cases


CASES = _manifest_cases()


def test_the_manifest_is_read_in_full() -> None:
    """Guards the generator: every entry of the manifest becomes a case."""
    assert len(CASES) == 34
    assert sum(c.is_update for c in CASES) >= 10
    assert {c.name for c in CASES} >= {"query_post_form", "bad_query_non_utf8", "update_post_direct"}


def _w3c_dataset(tmp_path: Path) -> Path:
    """The manifest's data files, each in the named graph its tests use, as one N-Quads file."""
    graphs: dict[str, Path] = {}
    for case in CASES:
        graphs.update(case.graph_data)
    quads = []
    for name, path in sorted(graphs.items()):
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
            quads.append(ox.Quad(triple.subject, triple.predicate, triple.object, ox.NamedNode(name)))
    target = tmp_path / "w3c-protocol.nq"
    target.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    return target


@pytest.fixture(scope="module", params=ENGINE_PARAMS)
def w3c_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """``mlkg serve`` with the manifest's data as named graphs, once per engine (real HTTP)."""
    tmp = tmp_path_factory.mktemp("w3c")
    data = _w3c_dataset(tmp)
    args = ["--engine", request.param, "--data", str(data)]
    store: OxigraphServer | None = None
    if request.param == "remote":
        # A server of its own: the W3C graphs must not leak into other tests' remote dataset.
        store = OxigraphServer(tmp / "store")
        store.start()
        args += ["--endpoint", store.query_url, "--load-remote"]
    server = LiveServer(*args)
    yield server
    server.stop()
    if store is not None:
        store.stop()


def _dataset_size(server: LiveServer) -> str:
    answer = httpx.get(
        server.url + "/sparql",
        params={"query": "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"},
        headers={"Accept": "text/csv"},
        timeout=60,  # the first count on rdflib is slow on a busy machine; later ones are cached
    )
    assert answer.status_code == 200
    return answer.text


def _check_response(case: W3CCase, req: W3CRequest, response: httpx.Response) -> None:
    where = f"{case.name}: {req.method} {req.path[:80]} -> {response.status_code} {response.text[:200]!r}"
    assert f"{response.status_code // 100}xx" in req.statuses, where
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("text/plain"), where
        assert 0 < len(response.text) < 2000, where
        return
    kind = response.headers["content-type"].split(";")[0]
    if req.result_format in ("boolean", "tabular"):
        assert kind in SOLUTION_MEDIA_TYPES, where
    if req.result_format == "RDF":
        assert kind in GRAPH_MEDIA_TYPES, where
        ox.parse(response.content, format=GRAPH_MEDIA_TYPES[kind])
    if req.result_format == "tabular":
        answer = ox.parse_query_results(response.content, format=_results_format(kind))
        assert isinstance(answer, ox.QuerySolutions), where
    if req.boolean is not None or req.result_format == "boolean":
        answer = ox.parse_query_results(response.content, format=_results_format(kind))
        assert isinstance(answer, ox.QueryBoolean), where
        if req.boolean is not None:
            assert bool(answer) is req.boolean, where


def _results_format(kind: str) -> ox.QueryResultsFormat:
    return {
        "application/sparql-results+json": ox.QueryResultsFormat.JSON,
        "application/sparql-results+xml": ox.QueryResultsFormat.XML,
        "text/csv": ox.QueryResultsFormat.CSV,
        "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    }[kind]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_protocol_case(case: W3CCase, w3c_server: LiveServer) -> None:
    """Query and negative tests as the manifest says; update tests refused (4xx), data untouched."""
    before = _dataset_size(w3c_server)
    with httpx.Client(base_url=w3c_server.url, timeout=30) as http:
        for index, req in enumerate(case.requests):
            response = http.request(req.method, req.path, headers=req.headers, content=req.body)
            if case.is_update and index == 0:
                # Read-only service: every update request is refused, whatever its form.
                assert 400 <= response.status_code < 500, f"{case.name}: update got {response.status_code}"
                assert response.headers["content-type"].startswith("text/plain")
                break  # the follow-up ASKs check effects of the update, which must not exist
            _check_response(case, req, response)
    assert _dataset_size(w3c_server) == before, f"{case.name} changed the dataset"


# -- core protocol behaviour, on oxigraph, rdflib and remote -------------------------------

SELECT_LABEL = "SELECT ?l WHERE { ent:TorchServe skos:prefLabel ?l }"


def _labels(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    doc = response.json()
    return [b["l"]["value"] for b in doc["results"]["bindings"]]


def test_three_ways_to_send_a_query(engine_client: TestClient) -> None:
    by_get = engine_client.get("/sparql", params={"query": SELECT_LABEL})
    by_form = engine_client.post("/sparql", data={"query": SELECT_LABEL})
    by_body = engine_client.post(
        "/sparql", content=SELECT_LABEL.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert _labels(by_get) == _labels(by_form) == _labels(by_body) == ["TorchServe"]
    assert by_get.headers["content-type"] == "application/sparql-results+json"


def test_every_query_form_with_its_default_format(engine_client: TestClient) -> None:
    ask = engine_client.get("/sparql", params={"query": "ASK { ent:TorchServe a ?c }"})
    assert ask.json() == {"head": {}, "boolean": True}
    construct = engine_client.get(
        "/sparql",
        params={
            "query": "CONSTRUCT { ent:TorchServe skos:prefLabel ?l } "
            "WHERE { ent:TorchServe skos:prefLabel ?l }"
        },
    )
    assert construct.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(construct.content, format=ox.RdfFormat.TURTLE))
    assert [t.object.value for t in triples] == ["TorchServe"]
    describe = engine_client.get("/sparql", params={"query": "DESCRIBE ent:TorchServe"})
    assert describe.headers["content-type"].startswith("text/turtle")
    subjects = {t.subject.value for t in ox.parse(describe.content, format=ox.RdfFormat.TURTLE)}
    assert "https://w3id.org/mlkg/entity/TorchServe" in subjects


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv", "text/csv"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv;q=0.4, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
        ("text/*;q=0.5, application/sparql-results+json;q=0.1", "text/csv"),
        ("*/*;q=0.1, application/sparql-results+xml;q=0.2", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
        ("application/json", "application/json"),
        ("text/html, application/sparql-results+json;q=0.9", "application/sparql-results+json"),
    ],
)
def test_accept_picks_the_result_format(accept: str, expected: str, client: TestClient) -> None:
    response = client.post("/sparql", data={"query": SELECT_LABEL}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == expected
    assert "TorchServe" in response.text


def test_select_formats_carry_the_same_answer(engine_client: TestClient) -> None:
    query = "SELECT ?l WHERE { ent:TorchServe skos:prefLabel|skos:altLabel ?l } ORDER BY ?l"
    as_json = [
        b["l"]["value"]
        for b in engine_client.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    ]
    as_csv = engine_client.get("/sparql", params={"query": query, "format": "csv"})
    assert [row[0] for row in csv.reader(io.StringIO(as_csv.text))][1:] == as_json
    as_xml = engine_client.get("/sparql", params={"query": query, "format": "xml"})
    parsed = ox.parse_query_results(as_xml.content, format=ox.QueryResultsFormat.XML)
    assert [s["l"].value for s in parsed] == as_json
    as_tsv = engine_client.get(
        "/sparql", params={"query": query}, headers={"Accept": "text/tab-separated-values"}
    )
    assert as_tsv.text.splitlines()[0] == "?l" and len(as_tsv.text.splitlines()) == len(as_json) + 1


@pytest.mark.parametrize(
    "fmt", ["turtle", "nt", "jsonld", "rdfxml", "nquads", "trig", "application/n-triples"]
)
def test_construct_in_every_rdf_format(fmt: str, client: TestClient) -> None:
    query = "CONSTRUCT WHERE { ent:TorchServe skos:prefLabel ?l }"
    response = client.get("/sparql", params={"query": query, "format": fmt})
    assert response.status_code == 200, response.text
    kind = response.headers["content-type"].split(";")[0]
    triples = list(ox.parse(response.content, format=GRAPH_MEDIA_TYPES[kind]))
    assert [t.object.value for t in triples] == ["TorchServe"]


def test_unservable_accept_is_406_listing_what_can_be(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT_LABEL}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/csv" in response.text and "application/sparql-results+json" in response.text
    # format= is a hint: one the form cannot take falls back to Accept (tests/system/test_real_clients.py)
    wrong = client.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "csv"},
        headers={"Accept": "image/png"},
    )
    assert wrong.status_code == 406 and "text/turtle" in wrong.text
    unknown = client.get(
        "/sparql", params={"query": SELECT_LABEL, "format": "yaml"}, headers={"Accept": "image/png"}
    )
    assert unknown.status_code == 406 and "format=yaml" in unknown.text


def test_protocol_dataset_overrides_from(engine_client: TestClient, kg: KnowledgeGraph) -> None:
    count = f"SELECT (COUNT(*) AS ?n) FROM <{INFERRED}> WHERE {{ ?s ?p ?o }}"
    article_only = kg.graph_counts()[ARTICLE]

    def n(response: httpx.Response) -> int:
        assert response.status_code == 200, response.text
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    assert n(engine_client.get("/sparql", params={"query": count})) == kg.graph_counts()[INFERRED]
    assert (
        n(engine_client.get("/sparql", params={"query": count, "default-graph-uri": ARTICLE})) == article_only
    )
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = engine_client.post("/sparql", data={"query": named, "named-graph-uri": [ARTICLE, INFERRED]})
    assert sorted(b["g"]["value"] for b in response.json()["results"]["bindings"]) == sorted(
        [ARTICLE, INFERRED]
    )


def test_service_description_for_rdf_clients(engine_client: TestClient, kg: KnowledgeGraph) -> None:
    response = engine_client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace(SD)
    service = g.value(predicate=rdflib.RDF.type, object=sd.Service)
    assert service is not None
    assert str(g.value(service, sd.endpoint)).endswith("/sparql")
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in g
    assert (service, sd.feature, sd.UnionDefaultGraph) in g
    formats = {str(o) for o in g.objects(service, sd.resultFormat)}
    assert (
        "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
        and "http://www.w3.org/ns/formats/Turtle" in formats
    )
    void_triples = rdflib.URIRef("http://rdfs.org/ns/void#triples")
    dataset = g.value(service, sd.defaultDataset)
    named = {
        str(g.value(node, sd.name)): int(g.value(g.value(node, sd.graph), void_triples))
        for node in g.objects(dataset, sd.namedGraph)
    }
    assert named == kg.graph_counts()
    assert int(g.value(g.value(dataset, sd.defaultGraph), void_triples)) == kg.triple_count()
    as_jsonld = engine_client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert as_jsonld.status_code == 200 and isinstance(as_jsonld.json(), list | dict)


def test_browsers_get_the_query_page(client: TestClient) -> None:
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = client.get("/sparql", headers={"Accept": browser_accept})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "PREFIX mlkg: &lt;https://w3id.org/mlkg/ontology#&gt;" in page.text
    assert "Counterparts of a tool" in page.text  # from graph/queries/*.rq title lines
    shared = client.get("/sparql", params={"query": SELECT_LABEL}, headers={"Accept": browser_accept})
    assert shared.headers["content-type"].startswith("text/html")
    config = page.text.split('id="sparql-config">', 1)[1].split("</script>", 1)[0]
    assert json.loads(config)["query"] is None
    assert (
        json.loads(shared.text.split('id="sparql-config">', 1)[1].split("</script>", 1)[0])["query"]
        == SELECT_LABEL
    )


def test_query_text_in_the_page_cannot_break_out(client: TestClient) -> None:
    evil = "SELECT * WHERE { ?s ?p '</script><script>alert(1)</script>' }"
    page = client.get("/sparql", params={"query": evil}, headers={"Accept": "text/html"})
    assert "<script>alert(1)" not in page.text
    config = page.text.split('id="sparql-config">', 1)[1].split("</script>", 1)[0]
    assert json.loads(config)["query"] == evil


# -- refusals: each a short plain-text 4xx -------------------------------------------------


def _plain_4xx(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("text/plain")
    assert len(response.text) < 600
    for word in words:
        assert word.lower() in response.text.lower(), response.text


def test_syntax_error_names_line_and_column(engine_client: TestClient, kg: KnowledgeGraph) -> None:
    response = engine_client.get("/sparql", params={"query": "SELECT ?s WHERE {\n  ?s ?p \n}"})
    _plain_4xx(response, 400, "syntax error", "line")
    one_line = engine_client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o . FILTER( }"})
    _plain_4xx(one_line, 400, "syntax error")
    if kg.engine.name != "remote":  # positions count in the user's text, not the BASE line added
        assert "line 3, column 2" in response.text or "line 2" in response.text
        assert "line 1, column" in one_line.text


def test_request_shape_errors(client: TestClient) -> None:
    two = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    _plain_4xx(two, 400, "2 queries")
    both = client.post(
        "/sparql?query=ASK%7B%7D", content=b"ASK {}", headers={"Content-Type": "application/sparql-query"}
    )
    _plain_4xx(both, 400, "queries")
    _plain_4xx(
        client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"}), 415, "text/plain"
    )
    _plain_4xx(client.post("/sparql", content=b"query=ASK%7B%7D"), 415, "Content-Type")
    latin1 = "ASK { ?s ?p 'café' }".encode("latin-1")
    _plain_4xx(
        client.post("/sparql", content=latin1, headers={"Content-Type": "application/sparql-query"}),
        400,
        "UTF-8",
    )
    _plain_4xx(
        client.post(
            "/sparql", content=b"query=%E9", headers={"Content-Type": "application/x-www-form-urlencoded"}
        ),
        400,
        "UTF-8",
    )
    empty_form = client.post(
        "/sparql", content=b"", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    _plain_4xx(empty_form, 400, "no query")
    bad_iri = client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"})
    _plain_4xx(bad_iri, 400, "IRI")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(method: str, client: TestClient) -> None:
    response = client.request(method, "/sparql?query=ASK%7B%7D")
    _plain_4xx(response, 405, method)
    assert response.headers["allow"] == "GET, POST"


def test_query_over_the_size_limit_is_413(oxigraph_kg: KnowledgeGraph) -> None:
    with TestClient(create_app(Settings(max_query_bytes=200, query_workers=1), oxigraph_kg)) as small:
        long_query = "ASK { ?s ?p ?o }" + " " * 300
        _plain_4xx(small.get("/sparql", params={"query": long_query}), 413, "200-byte limit")
        _plain_4xx(small.post("/sparql", data={"query": long_query}), 413, "limit")
        direct = small.post(
            "/sparql", content=long_query.encode(), headers={"Content-Type": "application/sparql-query"}
        )
        _plain_4xx(direct, 413, "limit")
        assert small.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


UPDATES = [
    ("form update=", {"data": {"update": "CLEAR ALL"}}),
    (
        "direct sparql-update",
        {"content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
    ),
    ("update text in query=", {"data": {"query": "DELETE WHERE { ?s ?p ?o }"}}),
    (
        "update as sparql-query body",
        {
            "content": b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "headers": {"Content-Type": "application/sparql-query"},
        },
    ),
    ("query then update", {"data": {"query": "ASK {} ; DROP ALL"}}),
]


@pytest.mark.parametrize(("how", "request_args"), UPDATES, ids=[u[0] for u in UPDATES])
def test_updates_are_403_and_change_nothing(
    how: str, request_args: dict[str, Any], engine_client: TestClient, kg: KnowledgeGraph
) -> None:
    before = kg.graph_counts()
    response = engine_client.post("/sparql", **request_args)
    _plain_4xx(response, 403, "read-only")
    assert engine_client.get("/sparql?update=CLEAR%20ALL").status_code == 403
    assert kg.graph_counts() == before


def test_row_cap_is_reported_not_silent(oxigraph_kg: KnowledgeGraph) -> None:
    with TestClient(create_app(Settings(row_limit=5, query_workers=1), oxigraph_kg)) as capped:
        query = "SELECT ?s WHERE { ?s ?p ?o }"
        as_json = capped.get("/sparql", params={"query": query})
        assert as_json.headers["mlkg-truncated"] == "true; limit=5"
        doc = as_json.json()
        assert len(doc["results"]["bindings"]) == 5 and doc["truncated"]["rowLimit"] == 5
        as_csv = capped.get("/sparql", params={"query": query, "format": "csv"})
        assert as_csv.headers["mlkg-truncated"] == "true; limit=5" and len(as_csv.text.splitlines()) == 6
        small = capped.get("/sparql", params={"query": query + " LIMIT 5"})
        assert "mlkg-truncated" not in small.headers and "truncated" not in small.json()


def test_cors_allows_any_origin_without_credentials(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


# -- content negotiation, unit level -----------------------------------------------------------


def test_accept_parsing_follows_the_rfc() -> None:
    offers = ["application/sparql-results+json", "text/csv"]
    assert negotiate(None, offers) == "application/sparql-results+json"
    assert negotiate("text/csv;q=0, */*", offers) == "application/sparql-results+json"
    assert negotiate("application/*;q=0, text/csv;q=0.1", offers) == "text/csv"
    assert negotiate("text/csv;q=0, application/sparql-results+json;q=0", offers) is None
    assert negotiate("nonsense, text/csv;q=bad, */*;q=0.3", offers) == "application/sparql-results+json"
    ranges = parse_accept("text/html;level=1;q=0.7")
    assert ranges[0].quality == 0.7 and ranges[0].params == (("level", "1"),)


def test_an_empty_format_is_refused_with_a_hint(client: TestClient) -> None:
    answer = client.get("/sparql", params={"query": "ASK {}", "format": ""})
    assert answer.status_code == 400
    assert "format= is empty" in answer.text
