"""Function-level counterparts (issue 16) through the HTTP contract, the CLI and the pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from processes import cli

from mlkg.graph import EntityRef, KnowledgeGraph, resolve
from mlkg.graph._functions import function_counterparts, function_index
from mlkg.graph._resolve import name_index

REVIEW = Path(__file__).parents[1] / "fixtures" / "keras_pairs_reviewed.json"

#: (asked as, to, expected counterpart label, expected strength): both directions, and the
#: spellings people type (tf./tensorflow./torch./F./nn.functional./jnp./jax.numpy., with "()").
QUESTIONS = [
    ("tf.nn.gelu", "pytorch", "torch.nn.functional.gelu", "close"),
    ("torch.nn.functional.gelu", "tensorflow", "tf.nn.gelu", "close"),
    ("F.gelu()", "jax", "jax.nn.gelu", "close"),
    ("torch.logsumexp", "tensorflow", "tf.math.reduce_logsumexp", "close"),
    ("tensorflow.math.reduce_logsumexp", "pytorch", "torch.logsumexp", "close"),
    ("tf.nn.relu", "pytorch", "torch.nn.functional.relu", "exact"),
    ("F.relu", "tensorflow", "tf.nn.relu", "exact"),
    ("nn.functional.relu", "jax", "jax.nn.relu", "exact"),
    ("jax.nn.relu", "pytorch", "torch.nn.functional.relu", "exact"),
    ("tf.nn.sigmoid", "pytorch", "torch.nn.functional.sigmoid", "exact"),
    ("tf.math.sin", "pytorch", "torch.sin", "exact"),
    ("torch.sin()", "tensorflow", "tf.math.sin", "exact"),
    ("tf.math.erf", "pytorch", "torch.erf", "exact"),
    ("torch.erf", "tensorflow", "tf.math.erf", "exact"),
    ("tf.math.mod", "pytorch", "torch.remainder", "exact"),
    ("torch.remainder", "tensorflow", "tf.math.mod", "exact"),
    ("tf.math.top_k", "pytorch", "torch.topk", "exact"),
    ("torch.topk", "tensorflow", "tf.math.top_k", "exact"),
    ("tf.maximum", "pytorch", "torch.maximum", "exact"),
    ("torch.maximum", "tensorflow", "tf.maximum", "exact"),
    ("tf.math.log1p", "pytorch", "torch.log1p", "exact"),
    ("torch.log1p", "tensorflow", "tf.math.log1p", "exact"),
    ("tf.math.acos", "pytorch", "torch.arccos", "exact"),
    ("torch.arccos", "tensorflow", "tf.math.acos", "exact"),
    ("tf.linalg.inv", "pytorch", "torch.linalg.inv", "close"),
    ("torch.linalg.inv", "tensorflow", "tf.linalg.inv", "close"),
    ("tf.tensordot", "pytorch", "torch.tensordot", "close"),
    ("torch.tensordot", "tensorflow", "tf.tensordot", "close"),
    ("tf.reduce_all", "pytorch", "torch.all", "close"),
    ("torch.all", "tensorflow", "tf.reduce_all", "close"),
    ("tf.math.softplus", "pytorch", "torch.nn.functional.softplus", "exact"),
    ("F.softplus", "tensorflow", "tf.math.softplus", "exact"),
    ("torch.moveaxis", "tensorflow", "tf.transpose", "related"),
    ("torch.vdot", "tensorflow", "tf.tensordot", "related"),
]


def ask(client: TestClient, tool: str, to: str | None = None) -> Any:
    params = {"tool": tool} | ({"to": to} if to else {})
    response = client.get("/api/counterparts", params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("tool", "to", "label", "strength"), QUESTIONS)
def test_function_questions_in_both_directions(
    client: TestClient, tool: str, to: str, label: str, strength: str
) -> None:
    body = ask(client, tool, to)
    assert body["query"] == tool and body["tool"]["type"] == "FrameworkFunction"
    found = {c["label"]: c for c in body["counterparts"]}
    assert label in found, f"{tool} -> {to}: {sorted(found)}"
    answer = found[label]
    assert answer["strength"] == strength
    assert answer["function"].startswith("Keras op ") and "keras 3.15.1" in answer["evidence"]
    # the source is the keras file and line on each side, linked to the tagged source
    urls = [s["url"] for s in answer["sources"]]
    assert len(urls) >= 2
    assert all(
        u.startswith("https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/") for u in urls
    )
    assert all("#L" in u for u in urls)
    wanted = {"pytorch": "PyTorch", "tensorflow": "TensorFlow", "jax": "JAX"}[to]
    assert {c["ecosystem"] for c in body["counterparts"]} == {wanted}


def test_the_answer_lists_every_framework_strongest_first(client: TestClient) -> None:
    body = ask(client, "tf.nn.relu")
    assert {c["ecosystem"] for c in body["counterparts"]} == {"PyTorch", "JAX"}
    order = {"exact": 0, "close": 1, "related": 2}
    ranks = [order[c["strength"]] for c in body["counterparts"]]
    assert ranks == sorted(ranks)


def test_same_pair_from_several_ops_is_one_answer_naming_the_ops(client: TestClient) -> None:
    body = ask(client, "tf.abs", "pytorch")
    labels = [c["label"] for c in body["counterparts"]]
    assert labels.count("torch.abs") == 1
    evidence = next(c["evidence"] for c in body["counterparts"] if c["label"] == "torch.abs")
    assert "numpy.abs" in evidence and "numpy.absolute" in evidence


def test_bare_name_is_ambiguous_and_lists_the_functions(client: TestClient) -> None:
    response = client.get("/api/counterparts", params={"tool": "gelu"})
    assert response.status_code == 300
    labels = {c["label"] for c in response.json()["candidates"]}
    assert {"tf.nn.gelu", "torch.nn.functional.gelu", "jax.nn.gelu"} <= labels


def test_a_mistyped_function_gets_suggestions_not_another_function(client: TestClient) -> None:
    response = client.get("/api/counterparts", params={"tool": "tf.math.reduce_logsumexpp"})
    assert response.status_code == 404
    assert "tf.math.reduce_logsumexp" in [s["label"] for s in response.json()["suggestions"]]
    # tnn is keras's private alias: nearest is tf.nn.gelu, which must not be answered silently
    assert client.get("/api/counterparts", params={"tool": "tnn.gelu"}).status_code == 404


def test_tool_names_still_resolve_and_jax_has_no_tools_yet(client: TestClient) -> None:
    # tool-level answers are untouched by the function layer (TorchServe: the article's pair)
    assert "TorchServe" in [c["label"] for c in ask(client, "tf serving", "pytorch")["counterparts"]]
    assert ask(client, "torch.hub")["tool"]["label"] == "PyTorch Hub"
    assert ask(client, "TF Serving", "jax")["counterparts"] == []


@pytest.mark.parametrize("params", [{"tool": "tf.nn.gelu", "to": "mxnet"}, {"tool": "tf.nn.gelu", "to": ""}])
def test_bad_to_is_422(client: TestClient, params: dict[str, str]) -> None:
    assert client.get("/api/counterparts", params=params).status_code == 422


def test_search_finds_functions(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "logsumexp"}).json()
    labels = [h["label"] for h in hits]
    assert "torch.logsumexp" in labels and "tf.math.reduce_logsumexp" in labels
    assert all(h["type"] == "FrameworkFunction" for h in hits[:2])


def test_entity_page_shows_one_table_of_counterparts(client: TestClient) -> None:
    page = client.get("/entity/tf_nn_gelu", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.text
    assert 'class="function-counterparts"' in html
    assert "torch.nn.functional.gelu" in html and "jax.nn.gelu" in html
    assert "https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/tensorflow/nn.py#L" in html
    assert "/viz?module=tf.nn" in html
    facts = client.get("/api/entities/torch_logsumexp").json()
    assert facts["type"] == "FrameworkFunction" and facts["label"] == "torch.logsumexp"
    assert [c["label"] for c in facts["counterparts"] if c["ecosystem"] == "TensorFlow"] == [
        "tf.math.reduce_logsumexp"
    ]


def test_functions_are_not_in_the_default_picture_but_a_module_view_draws_them(client: TestClient) -> None:
    default = client.get("/viz").text
    assert "tf_nn_gelu" not in default
    module = client.get("/viz", params={"module": "tensorflow.nn"})
    assert module.status_code == 200
    assert "tf_nn_gelu" in module.text and "torch_nn_functional_gelu" in module.text
    assert (
        client.get("/viz", params={"module": "tf.nn", "focus": "tf_nn_gelu", "depth": 1}).status_code == 200
    )


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"module": "nope.nn"}, 404),
        ({"module": "tf.nn", "focus": "torch_sin"}, 404),
        ({"module": "tf.nn", "depth": 1}, 400),
        ({"module": "tf.nn", "ecosystem": "MXNet"}, 400),
        ({"module": "x" * 201}, 422),
    ],
)
def test_module_view_bad_input_is_a_clear_4xx(
    client: TestClient, params: dict[str, Any], status: int
) -> None:
    response = client.get("/viz", params=params)
    assert response.status_code == status, response.text


def test_cli_answers_a_function_like_the_api(client: TestClient) -> None:
    result = cli("counterpart", "torch.logsumexp", "--to", "tensorflow", "--json")
    assert result.returncode == 0, result.stderr
    api = client.get("/api/counterparts", params={"tool": "torch.logsumexp", "to": "tensorflow"}).json()
    assert json.loads(result.stdout) == api
    table = cli("counterpart", "torch.logsumexp", "--to", "tensorflow")
    assert "tf.math.reduce_logsumexp" in table.stdout and "keras/src/backend/torch/math.py" in table.stdout


STRENGTHS = ("exact", "close", "related")
#: Pairs marked exact or close must be right on at least this share of the verified sample.
PRECISION_FLOOR = 0.95


def reviewed_precision(pairs: list[dict[str, Any]]) -> tuple[int, int]:
    """(right, judged) over the exact/close pairs whose two documentation pages were found."""
    judged = [p for p in pairs if p["strength"] in ("exact", "close") and p["verdict"] != "unverified"]
    return sum(p["verdict"] == "correct" for p in judged), len(judged)


def function_named(kg: KnowledgeGraph, label: str) -> EntityRef | None:
    """The framework function labelled ``label``, even where a tool of that name wins the
    resolver ("torch.vmap" the module resolves to the tool; the review judges the function)."""
    index = name_index(kg)
    for iri in index.exact.get(label, ()):
        if index.entities[iri].type == "FrameworkFunction":
            return index.entities[iri]
    return resolve(kg, label).entity


def test_reviewed_sample_is_in_the_graph_and_precise(oxigraph_kg: KnowledgeGraph) -> None:
    review = json.loads(REVIEW.read_text(encoding="utf-8"))
    assert len(review["pairs"]) >= 60
    for pair in review["pairs"]:
        first, second = pair["frameworks"]
        assert pair["checked"], f"{pair['op']}: a verdict needs the documentation it was checked against"
        assert pair["verdict"] in ("correct", "incorrect", "unverified"), pair
        assert (pair["verdict"] == "unverified") == bool(pair.get("not_found")), pair
        entity, other = (function_named(oxigraph_kg, pair[side]) for side in (first, second))
        assert entity is not None and other is not None, pair
        answer = function_counterparts(oxigraph_kg, entity, to=second)
        assert pair[second] in {c.label for c in answer.counterparts}, pair
        # The API speaks for the strongest op of a function pair; the review judges this op's link.
        links = [
            link
            for link in function_index(oxigraph_kg).links.get(entity.iri, ())
            if link.op == pair["op"] and set(link.functions) == {entity.iri, other.iri}
        ]
        assert [link.strength for link in links] == [pair["strength"]], pair
    right, judged = reviewed_precision(review["pairs"])
    assert judged >= 40, "too few verified exact/close pairs to state a precision"
    assert right / judged >= PRECISION_FLOOR, (
        f"exact/close pairs right in the reviewed sample: {right}/{judged}"
    )


def test_reviewed_sample_is_stratified() -> None:
    """Each framework pair has its share of the systematic sample and every strength in it."""
    review = json.loads(REVIEW.read_text(encoding="utf-8"))
    systematic = [p for p in review["pairs"] if p["selection"] == "systematic"]
    sizes = review["selection"]["sizes"]
    assert set(sizes) == {"tensorflow-pytorch", "tensorflow-jax", "pytorch-jax"}
    for stratum, size in sizes.items():
        members = [p for p in systematic if "-".join(p["frameworks"]) == stratum]
        assert len(members) == size, stratum
        assert {p["strength"] for p in members} == set(STRENGTHS), stratum
        assert sum(p["verdict"] != "unverified" for p in members) >= size // 2, stratum
    assert sum(sizes.values()) >= 60
