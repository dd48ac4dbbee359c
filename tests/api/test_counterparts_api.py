"""GET /api/counterparts, /api/search, /api/timeline and /api/mappings.sssom.tsv over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from spellings import SPELLINGS

from mlkg.graph import KnowledgeGraph

# The four pairs the article states: (TensorFlow side, PyTorch side).
STATED_PAIRS = [
    ("TensorFlowServing", "TorchServe"),
    ("TensorFlowLite", "PyTorchLive"),
    ("TensorFlowHub", "PyTorchHub"),
    ("Keras", "PyTorchLightning"),
]
PARTNER = {a: b for a, b in STATED_PAIRS} | {b: a for a, b in STATED_PAIRS}
TOOL_KEYS = {"id", "iri", "label", "type", "ecosystem", "status", "successor"}
COUNTERPART_KEYS = {"id", "iri", "label", "ecosystem", "strength", "basis", "function", "current", "status"}
COUNTERPART_KEYS |= {"evidence", "sources", "neutral", "article", "via"}
ORDER = {"exact": 0, "close": 1, "related": 2}


def ask(client: TestClient, tool: str, **params: str) -> Any:
    response = client.get("/api/counterparts", params={"tool": tool, **params})
    assert response.status_code == 200, response.text
    return response.json()


def ids(answer: Any) -> list[str]:
    return [c["id"] for c in answer["counterparts"]]


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
    assert set(answer) == {"query", "tool", "counterparts", "summary", "none"}
    assert set(answer["tool"]) == TOOL_KEYS
    assert answer["tool"]["ecosystem"] == "TensorFlow" and answer["tool"]["successor"] is None
    by_id = {c["id"]: c for c in answer["counterparts"]}
    assert set(by_id) == {"TritonInferenceServer", "ONNXRuntime", "TorchServe"}
    torchserve = by_id["TorchServe"]
    assert set(torchserve) == COUNTERPART_KEYS
    assert torchserve["ecosystem"] == "PyTorch"
    assert torchserve["strength"] == "close" and torchserve["function"] == "Model serving"
    # TorchServe was archived in 2025: the article's pair no longer holds; the status gives the date
    assert torchserve["current"] is False and torchserve["article"] is True
    assert torchserve["status"].startswith("archived") and "2025" in torchserve["status"]
    assert torchserve["evidence"]
    source = torchserve["sources"][0]
    assert set(source) == {"iri", "title", "url", "date"} and source["url"].startswith("https://medium.com/")
    triton = by_id["TritonInferenceServer"]
    assert triton["neutral"] is True and triton["current"] is True


def test_today_first_then_strongest_then_stated(client: TestClient) -> None:
    for tool in ("tflite", "TF Hub", "PyTorch Hub", "keras", "tf serving", "PyTorch Mobile"):
        counterparts = ask(client, tool)["counterparts"]
        keys = [(not c["current"], ORDER[c["strength"]], c["basis"] != "stated") for c in counterparts]
        assert keys == sorted(keys), tool


def test_tflite_answer_leads_with_executorch_and_names_litert(client: TestClient) -> None:
    """Today's answer (ExecuTorch) comes first; the article's PyTorch Live is history; the tool's
    own rename is in the answer, with the new name and the date."""
    answer = ask(client, "tflite")
    first = answer["counterparts"][0]
    assert first["id"] == "ExecuTorch" and first["current"] is True
    by_id = {c["id"]: c for c in answer["counterparts"]}
    live = by_id["PyTorchLive"]
    assert live["article"] is True and live["current"] is False and live["basis"] == "stated"
    assert by_id["PyTorchMobile"]["current"] is False
    successor = answer["tool"]["successor"]
    assert (successor["id"], successor["label"], successor["since"]) == ("LiteRT", "LiteRT", "2024-09-04")
    summary = answer["summary"]
    assert summary.startswith("TensorFlow Lite was renamed LiteRT on 2024-09-04.")
    assert "Today: ExecuTorch." in summary
    assert "The 2022 article paired TensorFlow Lite with PyTorch Live" in summary and "2023-10-23" in summary
    # each keeps its own sources
    live_sources = {s["iri"] for s in live["sources"]}
    executorch_sources = {s["iri"] for s in first["sources"]}
    assert live_sources and executorch_sources and live_sources.isdisjoint(executorch_sources)


def test_successor_counterparts_answer_the_question(client: TestClient) -> None:
    """PyTorch Mobile was deprecated for ExecuTorch: ExecuTorch's counterpart (LiteRT) answers."""
    answer = ask(client, "PyTorch Mobile")
    assert answer["tool"]["successor"]["id"] == "ExecuTorch"
    first = answer["counterparts"][0]
    assert first["id"] == "LiteRT" and first["current"] is True and first["via"] == "ExecuTorch"
    # The closest current counterpart is named first (LiteRT for Microcontrollers, a weaker one, may follow).
    assert "in favour of ExecuTorch" in answer["summary"] and "Today: LiteRT" in answer["summary"]


def test_retired_counterpart_is_followed_to_what_replaced_it(client: TestClient) -> None:
    """PyTorch Live -> TensorFlow Lite; TensorFlow Lite was renamed LiteRT: LiteRT is offered first."""
    answer = ask(client, "PyTorch Live")
    by_id = {c["id"]: c for c in answer["counterparts"]}
    assert by_id["TensorFlowLite"]["current"] is False
    assert by_id["LiteRT"]["basis"] == "inferred" and by_id["LiteRT"]["current"] is True
    assert ids(answer)[0] == "LiteRT"
    assert "LiteRT" in by_id["LiteRT"]["evidence"] and by_id["LiteRT"]["sources"]


def test_tf_hub_pytorch_hub_holds_and_hugging_face_hub_is_offered(client: TestClient) -> None:
    answer = ask(client, "TF Hub")
    by_id = {c["id"]: c for c in answer["counterparts"]}
    hub = by_id["PyTorchHub"]
    assert hub["current"] is True and hub["article"] is True  # PyTorch Hub is active
    hf = by_id["HuggingFaceHub"]
    assert hf["current"] is True and hf["neutral"] is True and hf["ecosystem"] is None
    assert any(s["url"].startswith("https://huggingface.co/") for s in hf["sources"])
    assert answer["tool"]["successor"]["id"] == "KaggleModels"
    assert answer["summary"].startswith("TensorFlow Hub moved to Kaggle Models on 2023-11-15.")
    # the other direction agrees: TF Hub has ended there, and its successor Kaggle Models is offered
    back = {c["id"]: c for c in ask(client, "PyTorch Hub")["counterparts"]}
    assert back["TensorFlowHub"]["current"] is False and back["KaggleModels"]["current"] is True


def test_tensorflow_and_pytorch_are_a_stated_pair(client: TestClient) -> None:
    for asked, other in (("tensorflow", "PyTorch"), ("pytorch", "TensorFlow")):
        (pair,) = ask(client, asked)["counterparts"]
        assert pair["id"] == other and pair["basis"] == "stated" and pair["article"] is True
        assert pair["current"] is True and "No source pairs them" not in pair["evidence"]


def test_keras_answers_keras_3_on_pytorch_and_lightning(client: TestClient) -> None:
    answer = ask(client, "keras")
    assert {"PyTorchLightning", "KerasOnPyTorch"} <= set(ids(answer))
    keras3 = next(c for c in answer["counterparts"] if c["id"] == "KerasOnPyTorch")
    assert keras3["current"] and keras3["ecosystem"] == "PyTorch"
    assert any(s["url"] == "https://keras.io/keras_3/" for s in keras3["sources"])


@pytest.mark.parametrize(("tool", "never"), [
    ("AI Platform", {"VertexAI"}),  # its own successor, what it merged into
    ("Kubeflow Pipelines", {"VertexAI", "TFX"}),  # a neutral tool has no other side to fall back to
    ("Kaggle Models", {"TensorFlowHub"}),  # its predecessor
])  # fmt: skip
def test_same_function_fallback_only_crosses_ecosystems(
    client: TestClient, tool: str, never: set[str]
) -> None:
    answer = ask(client, tool)
    assert not never & set(ids(answer)), answer
    assert "neither framework" in answer["summary"]


def test_serving_says_nothing_pytorch_holds_and_offers_a_neutral_server(client: TestClient) -> None:
    answer = ask(client, "tf serving")
    summary = answer["summary"]
    assert summary.startswith("No maintained PyTorch counterpart for model serving since TorchServe")
    assert (
        "archived on 2025-08-07" in summary
        and "NVIDIA Triton Inference Server (framework-neutral)" in summary
    )
    first = answer["counterparts"][0]
    assert first["neutral"] and first["current"] and first["sources"]
    assert {s["url"] for s in first["sources"]} >= {"https://github.com/pytorch/serve/issues/3396"}


def test_to_filters_by_ecosystem_keeping_neutral_tools(client: TestClient) -> None:
    assert ask(client, "tflite", to="tensorflow")["counterparts"] == []
    to_pytorch = ask(client, "tflite", to="pytorch")["counterparts"]
    assert to_pytorch and all(c["ecosystem"] == "PyTorch" for c in to_pytorch)
    assert ids(ask(client, "torchserve", to="tensorflow")) == ["TensorFlowServing"]
    assert ids(ask(client, "tf serving", to="pytorch")) == [
        "TritonInferenceServer",
        "ONNXRuntime",
        "TorchServe",
    ]


def test_tool_without_counterpart(client: TestClient) -> None:
    # Tools of an ecosystem always get a counterpart or a sourced "none"; a neutral
    # tool with no recorded pair still gets the plain sentence.
    answer = ask(client, "ray")
    assert answer["tool"]["ecosystem"] is None
    assert "TFDistribute" in ids(answer)
    answer = ask(client, "tensorflow_decision_forests", to="pytorch")
    assert answer["counterparts"] == [] and answer["none"][0]["ecosystem"] == "PyTorch"


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


@pytest.mark.parametrize("text", ["sklearn", "scikit", "scikit-learn"])
def test_unknown_name_gets_no_nonsense_suggestion(client: TestClient, text: str) -> None:
    """No scikit-learn in the graph: no suggestion at all rather than "TensorFlow Serving"."""
    response = client.get("/api/counterparts", params={"tool": text})
    assert response.status_code == 404 and response.json()["suggestions"] == []


def test_unknown_name_page_offers_to_browse_all_tools(client: TestClient) -> None:
    page = client.get("/", params={"tool": "sklearn"})
    assert page.status_code == 404
    assert "TensorFlow Serving" not in page.text
    assert 'href="/viz/counterparts"' in page.text and "Browse all" in page.text


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
    serving = next(
        r for r in rows if r["subject_id"] == "ent:TensorFlowServing" and r["object_id"] == "ent:TorchServe"
    )
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
