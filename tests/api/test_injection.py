"""Injection: hostile text passed to every parameter of every endpoint stays data.

The strings carry quotes, ``}``, ``#``, newlines and ``'; DROP``-style SPARQL. For each one,
on every parameter: never a 5xx; the dataset is unchanged afterwards (quad count and a hash
of the sorted N-Quads, both in the app's graph and in the /sparql workers' copies); and the
answer is the one the literal lookup gives (resolution, search, the 404 suggestions). With
hostile *labels* in the data, asking for that exact text finds that entity and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from urllib.parse import quote

import pytest
from adversarial import HOSTILE, HOSTILE_ALT, HOSTILE_LABEL, HOSTILE_TTL, dataset_digest
from fastapi.testclient import TestClient

from mlkg.api.app import create_app
from mlkg.api.settings import Settings
from mlkg.graph import KnowledgeGraph, resolve, search

#: Every parameter of every endpoint that takes one, as (path with {} for the value, how).
PARAMETERS = [
    "/api/counterparts?tool={}",
    "/api/counterparts?tool=TorchServe&to={}",
    "/api/search?q={}",
    "/api/search?q=torch&limit={}",
    "/api/entities/{}",
    "/entity/{}",
    "/entity/{}.ttl",
    "/?tool={}",
    "/?tool=TorchServe&to={}",
    "/viz?focus={}",
    "/viz?focus=TorchServe&depth={}",
    "/viz?kinds={}",
    "/viz?ecosystem={}",
    "/sparql?query=ASK%7B%7D&default-graph-uri={}",
    "/sparql?query=ASK%7B%7D&named-graph-uri={}",
    "/sparql?query=ASK%7B%7D&format={}",
    "/sparql?format={}",
]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def hostile_kg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    path = Path(tmp_path_factory.mktemp("hostile")) / "hostile.ttl"
    path.write_text(HOSTILE_TTL, encoding="utf-8")
    with KnowledgeGraph.open(data=(str(path),), validate=True) as kg:
        yield kg


@pytest.fixture(scope="module")
def app(hostile_kg: KnowledgeGraph) -> Iterator[TestClient]:
    settings = Settings(data=list(hostile_kg.config.data), query_workers=1, query_timeout=5)
    with TestClient(create_app(settings, hostile_kg)) as client:
        yield client


def worker_count(app: TestClient) -> str:
    """The quad count as the /sparql workers (their own copies of the graph) see it."""
    response = app.get("/sparql", params={"query": COUNT}, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("template", PARAMETERS)
def test_hostile_text_in_any_parameter_changes_nothing(
    app: TestClient, hostile_kg: KnowledgeGraph, template: str
) -> None:
    before, in_workers = dataset_digest(hostile_kg), worker_count(app)
    for text in HOSTILE:
        response = app.get(template.format(quote(text, safe="")))
        assert response.status_code < 500, f"{template} with {text!r}: {response.text[:300]}"
        assert "Traceback" not in response.text
    assert dataset_digest(hostile_kg) == before
    assert worker_count(app) == in_workers


@pytest.mark.parametrize("text", HOSTILE)
def test_answers_are_the_literal_lookups(app: TestClient, hostile_kg: KnowledgeGraph, text: str) -> None:
    stripped = text.strip()
    hits = app.get("/api/search", params={"q": text})
    assert hits.status_code == 200
    assert hits.json() == [asdict(h) for h in search(hostile_kg, stripped, 10)]

    resolution = resolve(hostile_kg, stripped)
    answer = app.get("/api/counterparts", params={"tool": text})
    if resolution.entity is not None:
        assert answer.status_code == 200 and answer.json()["tool"]["id"] == resolution.entity.id
    elif resolution.status == "ambiguous":
        assert answer.status_code == 300
        assert [c["id"] for c in answer.json()["candidates"]] == [c.id for c in resolution.candidates]
    else:
        assert answer.status_code == 404
        assert [s["id"] for s in answer.json()["suggestions"]] == [s.id for s in resolution.suggestions]
        assert text.strip() in answer.json()["detail"] or repr(stripped) in answer.json()["detail"]

    entity = app.get(f"/api/entities/{quote(text, safe='')}")
    assert entity.status_code in (404, 422)


@pytest.mark.parametrize("label", [HOSTILE_LABEL, *HOSTILE_ALT])
def test_a_hostile_label_is_found_as_exactly_that_text(app: TestClient, label: str) -> None:
    hits = app.get("/api/search", params={"q": label}).json()
    assert hits[0]["id"] == "HostileTool" and hits[0]["score"] == 1.0
    answer = app.get("/api/counterparts", params={"tool": label})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["tool"]["id"] == "HostileTool" and body["tool"]["label"] == HOSTILE_LABEL
    assert "TensorFlowServing" in {c["id"] for c in body["counterparts"]}
    facts = app.get("/api/entities/HostileTool").json()
    assert facts["label"] == HOSTILE_LABEL and set(HOSTILE_ALT) <= set(facts["alt_labels"])


@pytest.mark.parametrize(
    "prefix", ["/viz/static/", "/docs/assets/", "/static/", "/entity/", "/api/entities/"]
)
@pytest.mark.parametrize(
    "name", ["../../../../../../etc/passwd", "..%2F..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/etc/passwd"]
)
def test_file_names_cannot_climb_out(app: TestClient, prefix: str, name: str) -> None:
    """Asset routes serve their own files only: a path that climbs out is a 404, never a file."""
    response = app.get(prefix + name)
    assert response.status_code in (400, 404), f"{prefix}{name}: {response.status_code}"
    assert "root:" not in response.text
