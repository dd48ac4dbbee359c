"""The clients people actually use, against a live server: SPARQLWrapper with its default
settings and rdflib's SPARQLStore, for every query form and every format they offer; legacy
Accept names; ASK in CSV/TSV; an engine fault that ends a worker.

SPARQLWrapper sends ``format=``, ``output=`` and ``results=`` together and reads ``xml`` as
RDF/XML for CONSTRUCT/DESCRIBE; the endpoint reads those hints for the query's form, and a
hint the form cannot take falls back to Accept (SPARQLWrapper then sends ``*/*``).
"""

from __future__ import annotations

import random
import time
import warnings
from collections.abc import Iterator
from xml.dom.minidom import Document

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from processes import LiveServer
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDF, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

FORMS = {
    "SELECT": "SELECT ?s WHERE { ?s a mlkg:Framework } ORDER BY ?s LIMIT 2",
    "ASK": "ASK { ent:PyTorch ?p ?o }",
    "CONSTRUCT": "CONSTRUCT { ?s a mlkg:Framework } WHERE { ?s a mlkg:Framework } LIMIT 2",
    "DESCRIBE": "DESCRIBE ent:PyTorch",
}
FORMATS = {"JSON": JSON, "XML": XML, "TURTLE": TURTLE, "N3": N3, "RDF": RDF, "RDFXML": RDFXML}
FORMATS |= {"JSONLD": JSONLD, "CSV": CSV, "TSV": TSV}
GRAPH_PARSED = {"XML", "RDF", "RDFXML", "JSON", "JSONLD"}  # SPARQLWrapper hands back an rdflib graph
TURTLE_TEXT = {"TURTLE", "N3", "CSV", "TSV"}  # Turtle bytes (CSV/TSV cannot carry a graph)


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = LiveServer(env={"MLKG_QUERY_WORKERS": "2"})
    yield live
    live.stop()


def wrapper(server: LiveServer, query: str, fmt: str | None) -> object:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    if fmt is not None:
        client.setReturnFormat(fmt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns when it sends */* for a mismatched format
        return client.query().convert()


@pytest.mark.parametrize("name", list(FORMATS))
@pytest.mark.parametrize("form", list(FORMS))
def test_sparqlwrapper_every_form_and_format(server: LiveServer, form: str, name: str) -> None:
    answer = wrapper(server, FORMS[form], FORMATS[name])
    if form in ("SELECT", "ASK"):
        if name == "XML":
            assert isinstance(answer, Document)
            text = answer.toxml()
            assert "https://w3id.org/mlkg/entity/" in text if form == "SELECT" else ">true<" in text
        elif name in ("CSV", "TSV"):
            assert isinstance(answer, bytes)
            assert answer.strip() == b"true" if form == "ASK" else b"https://w3id.org/mlkg/entity/" in answer
        else:  # JSON, and the RDF formats a SELECT cannot take: JSON by Accept */*
            assert isinstance(answer, dict)
            assert answer["boolean"] is True if form == "ASK" else len(answer["results"]["bindings"]) == 2
        return
    if name in GRAPH_PARSED:
        assert isinstance(answer, rdflib.Graph) and len(answer) > 0
    else:
        assert name in TURTLE_TEXT and isinstance(answer, bytes)
        assert list(ox.parse(answer, format=ox.RdfFormat.TURTLE))


def test_sparqlwrapper_defaults_for_construct_give_a_graph(server: LiveServer) -> None:
    answer = wrapper(server, FORMS["CONSTRUCT"], None)
    assert isinstance(answer, rdflib.Graph) and len(answer) == 2


@pytest.mark.parametrize("return_format", ["xml", "json", "csv"])
def test_rdflib_sparqlstore_reads_select(server: LiveServer, return_format: str) -> None:
    graph = rdflib.Graph(SPARQLStore(server.url + "/sparql", returnFormat=return_format))
    rows = list(graph.query("SELECT ?s WHERE { ?s a <https://w3id.org/mlkg/ontology#Framework> } LIMIT 2"))
    assert len(rows) == 2


@pytest.mark.parametrize("return_format", ["xml", "json"])
def test_rdflib_sparqlstore_reads_ask(server: LiveServer, return_format: str) -> None:
    graph = rdflib.Graph(SPARQLStore(server.url + "/sparql", returnFormat=return_format))
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
    assert graph.query("ASK { <urn:x:none> ?p ?o }").askAnswer is False


@pytest.mark.parametrize("accept", ["text/rdf+n3, application/x-turtle", "text/n3", "application/x-turtle"])
def test_legacy_turtle_names_are_served_as_turtle(server: LiveServer, accept: str) -> None:
    response = httpx.get(
        server.url + "/sparql", params={"query": FORMS["CONSTRUCT"]}, headers={"Accept": accept}
    )
    assert response.status_code == 200, response.text
    assert len(list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))) == 2


@pytest.mark.parametrize(("fmt", "reader"), [("csv", None), ("tsv", ox.QueryResultsFormat.TSV)])
def test_ask_in_csv_and_tsv_is_a_bare_boolean(server: LiveServer, fmt: str, reader: object) -> None:
    response = httpx.get(server.url + "/sparql", params={"query": "ASK { ?s ?p ?o }", "format": fmt})
    assert response.status_code == 200 and response.text.strip() == "true"
    if reader is not None:
        assert bool(ox.parse_query_results(response.content, format=reader)) is True  # type: ignore[arg-type]


def test_a_format_the_form_cannot_take_falls_back_to_accept(server: LiveServer) -> None:
    construct = {"query": FORMS["CONSTRUCT"], "format": "csv"}
    assert (
        httpx.get(server.url + "/sparql", params=construct).headers["content-type"].startswith("text/turtle")
    )
    refused = httpx.get(server.url + "/sparql", params=construct, headers={"Accept": "image/png"})
    assert refused.status_code == 406 and "format=csv" in refused.text
    several = {"query": FORMS["SELECT"], "format": "turtle", "output": "tsv", "results": "json"}
    assert (
        httpx.get(server.url + "/sparql", params=several)
        .headers["content-type"]
        .startswith("text/tab-separated-values")
    )


def test_an_engine_fault_is_a_503_and_the_text_is_not_retried(server: LiveServer) -> None:
    """Oxigraph aborts (a Rust panic) sorting some mixes of typed and plain literals."""
    pick = random.Random(1)  # a fixed mixture that makes Oxigraph 0.5.13's sort panic
    literals = []
    for i in range(120):
        kind = pick.randint(0, 3)
        date = f'"2020-01-{i % 28 + 1:02d}"^^<http://www.w3.org/2001/XMLSchema#date>'
        literals.append([f'"{i}"', str(i), date, f'"x{i}"@en'][kind])
    query = "SELECT ?o WHERE { VALUES ?o { " + " ".join(literals) + " } } ORDER BY ?o"
    first = httpx.get(server.url + "/sparql", params={"query": query}, timeout=30)
    if first.status_code == 200:
        pytest.fail("this Oxigraph no longer aborts on the mixed ORDER BY: pick another fault")
    assert first.status_code == 503 and "engine fault" in first.text, first.text
    before = server.worker_pids()
    again = httpx.get(server.url + "/sparql", params={"query": query}, timeout=30)
    assert again.status_code == 503 and again.text == first.text and "refused for a while" in again.text
    # refused before any worker: had the retry been evaluated, it would have ended another one
    assert server.worker_pids() == before, "the retry ended another worker"
    cheap = httpx.get(server.url + "/sparql", params={"query": f"ASK {{ ?s ?p ?o }} # {time.time_ns()}"})
    assert cheap.status_code == 200
