"""GET /api/counterparts, /api/search, /api/timeline and /api/mappings.sssom.tsv over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_resolve import SPELLINGS

from mlkg.graph import KnowledgeGraph

# The four pairs the article states: (TensorFlow side, PyTorch side).
STATED_PAIRS = [
    ("TensorFlowServing", "TorchServe"),
    ("TensorFlowLite", "PyTorchLive"),
    ("TensorFlowHub", "PyTorchHub"),
    ("Keras", "PyTorchLightning"),
]
PARTNER = {a: b for a, b in STATED_PAIRS} | {b: a for a, b in STATED_PAIRS}
TOOL_KEYS = {"id", "iri", "label", "type", "ecosystem", "status"}
COUNTERPART_KEYS = {"id", "iri", "label", "ecosystem", "strength", "basis", "function", "current", "status"}
COUNTERPART_KEYS |= {"evidence", "sources"}


def ask(client: TestClient, tool: str, **params: str) -> Any:
    response = client.get("/api/counterparts", params={"tool": tool, **params})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("text", "tool_id"), SPELLINGS)
def test_each_stated_pair_both_ways_through_many_spellings(
    client: TestClient, text: str, tool_id: str
) -> None:
    answer = ask(client, text)
    assert answer["query"] == text
    assert answer["tool"]["id"] == tool_id
    stated = [c for c in answer["counterparts"] if c["basis"] == "stated"]
    assert PARTNER[tool_id] in [c["id"] for c in stated]


def test_answer_shape(client: TestClient) -> None:
    answer = ask(client, "TF Serving")
    assert set(answer) == {"query", "tool", "counterparts"}
    assert set(answer["tool"]) == TOOL_KEYS
    assert answer["tool"]["ecosystem"] == "TensorFlow"
    (torchserve,) = answer["counterparts"]
    assert set(torchserve) == COUNTERPART_KEYS
    assert torchserve["ecosystem"] == "PyTorch"
    assert torchserve["strength"] == "close" and torchserve["function"] == "Model serving"
    # TorchServe was archived in 2025: the pairing no longer holds, and the status says so with the date
    assert torchserve["current"] is False
    assert torchserve["status"].startswith("archived") and "2025" in torchserve["status"]
    assert torchserve["evidence"]
    source = torchserve["sources"][0]
    assert set(source) == {"iri", "title", "url", "date"} and source["url"].startswith("https://medium.com/")


def test_stated_first_then_strongest(client: TestClient) -> None:
    counterparts = ask(client, "tflite")["counterparts"]
    order = {"exact": 0, "close": 1, "related": 2}
    keys = [(c["basis"] != "stated", order[c["strength"]]) for c in counterparts]
    assert keys == sorted(keys)


def test_successor_case_both_appear_each_with_its_source(client: TestClient) -> None:
    """PyTorch Live (stated by the article, since renamed and archived) and ExecuTorch (named by
    later sources as PyTorch's on-device runtime) both answer 'tflite', each with its own source."""
    by_id = {c["id"]: c for c in ask(client, "tflite")["counterparts"]}
    live, executorch = by_id["PyTorchLive"], by_id["ExecuTorch"]
    assert live["basis"] == "stated" and live["current"] is False
    assert executorch["current"] is True and executorch["status"].startswith("active")
    live_sources = {s["iri"] for s in live["sources"]}
    executorch_sources = {s["iri"] for s in executorch["sources"]}
    assert live_sources and executorch_sources and live_sources.isdisjoint(executorch_sources)
    assert any(s["date"] == "2022" for s in live["sources"])
    ids = list(by_id)
    assert ids.index("PyTorchLive") < ids.index("ExecuTorch")  # stated before inferred


def test_retired_counterpart_is_followed_to_what_replaced_it(client: TestClient) -> None:
    """PyTorch Live -> TensorFlow Lite; TensorFlow Lite was renamed LiteRT: LiteRT is offered too."""
    by_id = {c["id"]: c for c in ask(client, "PyTorch Live")["counterparts"]}
    assert by_id["TensorFlowLite"]["current"] is False
    assert by_id["LiteRT"]["basis"] == "inferred" and by_id["LiteRT"]["current"] is True
    assert "LiteRT" in by_id["LiteRT"]["evidence"] and by_id["LiteRT"]["sources"]


def test_to_filters_by_ecosystem(client: TestClient) -> None:
    assert ask(client, "tflite", to="tensorflow")["counterparts"] == []
    to_pytorch = ask(client, "tflite", to="pytorch")["counterparts"]
    assert to_pytorch and all(c["ecosystem"] == "PyTorch" for c in to_pytorch)
    assert [c["id"] for c in ask(client, "torchserve", to="tensorflow")["counterparts"]] == [
        "TensorFlowServing"
    ]


def test_tool_without_counterpart(client: TestClient) -> None:
    assert ask(client, "torchaudio")["counterparts"] == []
    # no correspondence names TensorFlow's counterpart; the framework sharing its function is inferred
    (pytorch,) = ask(client, "tensorflow")["counterparts"]
    assert pytorch["id"] == "PyTorch" and pytorch["basis"] == "inferred" and pytorch["strength"] == "related"


def test_ambiguous_is_300_with_candidates(client: TestClient) -> None:
    response = client.get("/api/counterparts", params={"tool": "hub"})
    assert response.status_code == 300
    body = response.json()
    assert set(body) == {"detail", "candidates"}
    assert {"TensorFlowHub", "PyTorchHub"} <= {c["id"] for c in body["candidates"]}
    assert set(body["candidates"][0]) == {"id", "iri", "label", "type", "ecosystem"}


def test_unknown_is_404_with_suggestions(client: TestClient) -> None:
    response = client.get("/api/counterparts", params={"tool": "lightning fast trainer"})
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"detail", "suggestions"}
    assert body["suggestions"][0]["id"] == "PyTorchLightning"
    nothing = client.get("/api/counterparts", params={"tool": "qqqqqqqq"})
    assert nothing.status_code == 404 and nothing.json()["suggestions"] == []


@pytest.mark.parametrize(
    "params",
    [{"tool": ""}, {"tool": "   "}, {"tool": "x" * 201}, {}, {"tool": "keras", "to": "mxnet"}],
)
def test_empty_oversized_or_bad_input_is_422(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/api/counterparts", params=params)
    assert response.status_code == 422
    assert "detail" in response.json()


def test_search_ranked_for_autocomplete(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "torch", "limit": 5}).json()
    assert len(hits) == 5
    assert set(hits[0]) == {"id", "iri", "label", "type", "ecosystem", "score"}
    assert hits[0]["id"] == "PyTorch"
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert client.get("/api/search", params={"q": "tf serv"}).json()[0]["id"] == "TensorFlowServing"
    assert client.get("/api/search", params={"q": "qqqqqqqq"}).json() == []


@pytest.mark.parametrize(
    "params", [{"q": ""}, {"q": " "}, {"q": "x" * 201}, {"q": "a", "limit": "0"}, {"q": "a", "limit": "51"}]
)
def test_search_bad_input_is_422(client: TestClient, params: dict[str, str]) -> None:
    assert client.get("/api/search", params=params).status_code == 422


def test_timeline_in_order_with_corrections_side_by_side(client: TestClient) -> None:
    events = client.get("/api/timeline").json()
    dates = [e["date"] for e in events]
    assert dates == sorted(dates)
    by_id = {e["id"]: e for e in events}
    launch = by_id["Event_PyTorchLive_Launch"]
    assert launch["date"] == "2020-12"  # what the article says
    assert launch["sources"][0]["iri"].endswith("Article2022")
    (fix,) = launch["corrections"]
    assert fix["relation"] == "corrects" and fix["date"] == "2021-12"
    assert fix["sources"] and not fix["sources"][0]["iri"].endswith("Article2022")
    # the correcting event is shown beside the original, not as an event of its own
    assert "Event_PyTorchLive_Launch_Correction" not in by_id
    assert all(e["sources"] for e in events)


def test_sssom_table(client: TestClient, oxigraph_kg: KnowledgeGraph) -> None:
    response = client.get("/api/mappings.sssom.tsv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    lines = response.text.splitlines()
    meta = [line for line in lines if line.startswith("#")]
    assert meta[0] == "# curie_map:"
    assert any(line.startswith("# mapping_set_id: https://") for line in meta)
    assert any(line.startswith("# license: https://") for line in meta)
    assert any(line.strip() == "#   skos: http://www.w3.org/2004/02/skos/core#" for line in meta)
    table = [line.split("\t") for line in lines if not line.startswith("#")]
    header, rows = table[0], [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    assert header[:9] == [
        "subject_id", "subject_label", "predicate_id", "object_id", "object_label",
        "mapping_justification", "confidence", "source", "mapping_date",
    ]  # fmt: skip
    count = oxigraph_kg.query("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a mlkg:Correspondence }")
    assert len(rows) == int(count.rows[0][0].value)  # type: ignore[union-attr]
    serving = next(r for r in rows if r["subject_id"] == "ent:TensorFlowServing")
    assert serving["object_id"] == "ent:TorchServe" and serving["predicate_id"] == "skos:closeMatch"
    assert serving["mapping_justification"] == "semapv:ManualMappingCuration"
    assert serving["source"] == "src:Article2022" and serving["mapping_date"] == "2022"
    assert 0 < float(serving["confidence"]) <= 1
    exact = next(r for r in rows if r["subject_id"] == "ent:TensorBoard")
    assert exact["predicate_id"] == "skos:exactMatch"
    inferred = next(
        r for r in rows if r["object_id"] == "ent:ExecuTorch" and r["subject_id"] == "ent:TensorFlowLite"
    )
    assert inferred["mapping_justification"].startswith("semapv:") and inferred["mapping_justification"] != (
        "semapv:ManualMappingCuration"
    )
    assert float(inferred["confidence"]) < float(serving["confidence"]) + 0.1
