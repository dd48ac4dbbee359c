"""One path for a user query: ``/sparql`` and ``mlkg query`` give the same answer, the same
truncation and the same errors for the same text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from processes import run_cli

from mlkg.api.app import create_app
from mlkg.api.settings import Settings
from mlkg.graph import KnowledgeGraph

ROWS = 3
CAPPED = {"MLKG_ROW_LIMIT": str(ROWS)}


@pytest.fixture(scope="module")
def capped(oxigraph_kg: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(row_limit=ROWS), oxigraph_kg)) as client:
        yield client


@pytest.mark.parametrize(
    ("query", "fmt", "media_type"),
    [
        (
            "SELECT ?s ?l WHERE { ?s skos:prefLabel ?l } ORDER BY ?s ?l",
            "json",
            "application/sparql-results+json",
        ),
        ("SELECT ?s ?l WHERE { ?s skos:prefLabel ?l } ORDER BY ?s ?l", "csv", "text/csv"),
        ("ASK { ent:PyTorch ?p ?o }", "tsv", "text/tab-separated-values"),
        (
            "CONSTRUCT { ?s a mlkg:Framework } WHERE { ?s a mlkg:Framework } ORDER BY ?s",
            "nt",
            "application/n-triples",
        ),
    ],
)
def test_the_same_answer_and_truncation(capped: TestClient, query: str, fmt: str, media_type: str) -> None:
    over_http = capped.get("/sparql", params={"query": query}, headers={"Accept": media_type})
    assert over_http.status_code == 200
    done = run_cli("query", "--format", fmt, query, env=CAPPED)
    assert done.returncode == 0, done.stderr
    if fmt == "nt":  # a graph's triples come in no fixed order
        assert sorted(done.stdout.splitlines()) == sorted(over_http.text.splitlines())
    else:
        assert done.stdout == over_http.text.replace("\r\n", "\n")  # the CLI is read as text
    cut = "mlkg-truncated" in over_http.headers
    assert cut == ("rows are shown" in done.stderr), (over_http.headers, done.stderr)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("SELECT * WHERE { ?s ?p }", 400),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }", 403),
    ],
)
def test_the_same_errors(capped: TestClient, query: str, status: int) -> None:
    over_http = capped.get("/sparql", params={"query": query})
    assert over_http.status_code == status
    done = run_cli("query", query, env=CAPPED)
    assert done.returncode == 1
    assert done.stderr.strip() == f"mlkg: error: {over_http.text.strip()}"
