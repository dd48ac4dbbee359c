"""The whole-ecosystem layer: TensorFlow, PyTorch and JAX tools, three-way counterpart
answers, explicit sourced "none" answers, coverage in ``mlkg stats``, the resolver's spellings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from processes import cli

from mlkg.graph import KnowledgeGraph, coverage, resolve
from mlkg.ontology import GRAPH

NEW_GRAPHS = [GRAPH + f"ecosystem-{name}" for name in ("tensorflow", "pytorch", "jax", "neutral")]
#: ?g is one of the source graphs of those layers (…/ecosystem-tensorflow/source/KEY, one per document).
IN_NEW_GRAPHS = "FILTER(" + " || ".join(f'STRSTARTS(STR(?g), "{g}/source/")' for g in NEW_GRAPHS) + ")"


def ask(client: TestClient, tool: str, **params: str) -> Any:
    response = client.get("/api/counterparts", params={"tool": tool, **params})
    assert response.status_code == 200, response.text
    return response.json()


def ids(answer: Any) -> set[str]:
    return {c["id"] for c in answer["counterparts"]}


def test_coverage_counts_and_no_tool_left_without_an_answer(oxigraph_kg: KnowledgeGraph) -> None:
    cover = coverage(oxigraph_kg)
    assert cover.tools["pytorch"] >= 60
    assert cover.tools["jax"] >= 25
    assert cover.tools["tensorflow"] >= 60
    assert len(cover.pairs) == 6
    assert cover.neither == 0, [p for p in cover.pairs if p.neither]
    found = oxigraph_kg.query("SELECT DISTINCT ?c WHERE { ?c a mlkg:Correspondence }").bindings()
    assert len(found) >= 120


def test_every_correspondence_and_none_answer_has_a_source_and_evidence(oxigraph_kg: KnowledgeGraph) -> None:
    missing = oxigraph_kg.query(
        """SELECT ?n WHERE { ?n a ?k . VALUES ?k { mlkg:Correspondence mlkg:NoCounterpart }
           FILTER (NOT EXISTS { ?n prov:wasDerivedFrom ?s . ?s a mlkg:Source ; schema:url ?u }
                || NOT EXISTS { ?n mlkg:evidence ?e FILTER(STRLEN(?e) > 20) }) }"""
    ).bindings()
    assert [r["n"].value for r in missing] == []


def test_every_new_tool_has_a_status_a_source_and_an_ecosystem_or_none(oxigraph_kg: KnowledgeGraph) -> None:
    rows = oxigraph_kg.query(
        """SELECT ?e (COUNT(DISTINCT ?s) AS ?n) (COUNT(DISTINCT ?st) AS ?m) WHERE {
             GRAPH ?g { ?e a ?t } ?t rdfs:subClassOf* mlkg:Tool .
             OPTIONAL { ?e prov:wasDerivedFrom ?s } OPTIONAL { ?e mlkg:status ?st }
             IN_NEW_GRAPHS } GROUP BY ?e""".replace("IN_NEW_GRAPHS", IN_NEW_GRAPHS)
    ).bindings()
    assert len(rows) > 100
    assert [r["e"].value for r in rows if int(r["n"].value) < 1 or int(r["m"].value) != 1] == []


def test_no_source_url_is_a_bare_index_page(oxigraph_kg: KnowledgeGraph) -> None:
    urls = oxigraph_kg.query("SELECT ?u WHERE { ?s a mlkg:Source ; schema:url ?u }").values("u")
    assert len(urls) > 60
    bare = [u for u in urls if urlsplit(u).path.strip("/") == "" and not urlsplit(u).query]
    assert bare == []


# A sample of each function, asked in all six directions: (TensorFlow, PyTorch, JAX) tools.
TRIADS = [
    ("tf.autodiff", "TFAutodiff", "torch.autograd", "TorchAutograd", "jax.grad", "JaxGrad"),
    ("tf.profiler", "TFProfiler", "torch.profiler", "TorchProfiler", "jax.profiler", "JaxProfiler"),
    ("tf.linalg", "TFLinalg", "torch.linalg", "TorchLinalg", "jnp.linalg", "JaxLinalg"),
    ("tf.optimizers", "TFOptimizers", "torch.optim", "TorchOptim", "optax", "Optax"),
    ("tf.distribute", "TFDistribute", "torch.distributed", "TorchDistributed", "jax.sharding", "JaxSharding"),
    ("tf.data", "TFData", "torch.utils.data", "TorchUtilsData", "grain", "Grain"),
    ("keras", "Keras", "Keras 3 on PyTorch", "KerasOnPyTorch", "KERAS_BACKEND=jax", "KerasOnJAX"),
    ("@tf.function", "TFFunction", "torch.compile", "TorchCompiler", "jax.jit", "JaxJit"),
    ("tf.saved_model", "SavedModel", "torch.export", "TorchExport", "orbax.export", "OrbaxExport"),
    ("tf.train.Checkpoint", "TFCheckpoint", "DCP", "TorchDistributedCheckpoint", "orbax", "OrbaxCheckpoint"),
    ("tfp", "TFProbability", "pyro", "Pyro", "tfp.substrates.jax", "TFPOnJAX"),
]


@pytest.mark.parametrize("triad", TRIADS, ids=[t[1] for t in TRIADS])
def test_answers_in_all_six_directions(client: TestClient, triad: tuple[str, ...]) -> None:
    tf_text, tf_id, pt_text, pt_id, jax_text, jax_id = triad
    assert jax_id in ids(ask(client, tf_text, to="jax"))
    assert pt_id in ids(ask(client, tf_text, to="pytorch"))
    assert tf_id in ids(ask(client, pt_text, to="tensorflow"))
    assert jax_id in ids(ask(client, pt_text, to="jax"))
    assert tf_id in ids(ask(client, jax_text, to="tensorflow"))
    assert pt_id in ids(ask(client, jax_text, to="pytorch"))
    # Asked with no ``to``, the answer covers both other ecosystems at once.
    both = ask(client, jax_text)
    assert {tf_id, pt_id} <= ids(both)
    assert {c["ecosystem"] for c in ask(client, jax_text, to="pytorch")["counterparts"]} <= {"PyTorch", None}


def test_a_tool_with_no_counterpart_gets_a_sourced_none_not_an_empty_answer(client: TestClient) -> None:
    answer = ask(client, "tensorflow_decision_forests", to="jax")
    assert answer["tool"]["id"] == "TFDecisionForests"
    assert answer["counterparts"] == []
    (note,) = answer["none"]
    assert note["ecosystem"] == "JAX"
    assert note["sources"] and all(s["url"].startswith("https://") for s in note["sources"])
    assert "No JAX counterpart" in answer["summary"]
    # to=pytorch keeps only the PyTorch note; the JAX one is not shown there.
    assert all(n["ecosystem"] == "PyTorch" for n in ask(client, "tfdf", to="pytorch")["none"])


def test_none_answers_name_what_people_use_instead(client: TestClient) -> None:
    answer = ask(client, "TF Serving", to="jax")
    (note,) = answer["none"]
    used = {u["id"] for u in note["people_use"]}
    assert "TritonInferenceServer" in used
    assert "people use" in answer["summary"]


def test_jax_tools_answer_and_jax_is_an_ecosystem(client: TestClient) -> None:
    answer = ask(client, "flax.nnx")
    assert answer["tool"]["ecosystem"] == "JAX"
    assert "TorchNN" in ids(answer)
    assert client.get("/api/counterparts", params={"tool": "optax", "to": "mxnet"}).status_code == 422


def test_every_spelling_of_every_new_tool_resolves_to_it(oxigraph_kg: KnowledgeGraph) -> None:
    rows = oxigraph_kg.query(
        """SELECT ?e ?l WHERE { GRAPH ?g { ?e a ?t } { ?e skos:prefLabel ?l } UNION { ?e skos:altLabel ?l }
           IN_NEW_GRAPHS }""".replace("IN_NEW_GRAPHS", IN_NEW_GRAPHS)
    ).bindings()
    assert len(rows) > 300
    wrong = []
    for row in rows:
        found = resolve(oxigraph_kg, row["l"].value)
        if found.entity is None or found.entity.iri != row["e"].value:
            wrong.append((row["l"].value, row["e"].value, found.status))
    assert wrong == []


def test_cli_counterpart_to_jax_and_stats_coverage() -> None:
    out = cli("counterpart", "tfdf", "--to", "jax")
    assert out.returncode == 0, out.stderr
    assert "no JAX counterpart" in out.stdout
    stats = cli("stats")
    assert stats.returncode == 0, stats.stderr
    assert "tools with neither a counterpart nor an explicit none: 0" in stats.stdout
    assert "jax -> pytorch" in stats.stdout


# The rest of TensorFlow's libraries-and-extensions listing, typed as people type them.
TF_LIBRARIES = {
    "tensorflow_lattice": ("TFLattice", None, None),
    "tfmot": ("TFModelOptimization", "TorchAO", None),
    "tensorflow-quantum": ("TFQuantum", None, None),
    "tensorflow_ranking": ("TFRanking", None, None),
    "tfrs": ("TFRecommenders", "TorchRec", None),
    "tensorflow_text": ("TFText", "TorchText", None),
    "tensorflow-transform": ("TFTransform", None, None),
    "tensorflow_privacy": ("TFPrivacy", "Opacus", None),
    "TFMA": ("TFModelAnalysis", "TorchMetrics", None),
    "keras_tuner": ("KerasTuner", "Optuna", None),
    "TFLite Micro": ("LiteRTMicro", "ExecuTorch", None),
}


@pytest.mark.parametrize("typed", sorted(TF_LIBRARIES))
def test_tensorflow_libraries_answer_in_both_other_ecosystems(client: TestClient, typed: str) -> None:
    tool, pytorch, jax = TF_LIBRARIES[typed]
    for eco, expected in (("pytorch", pytorch), ("jax", jax)):
        answer = ask(client, typed, to=eco)
        assert answer["tool"]["id"] == tool
        if expected is None:
            # No counterpart there: an explicit, sourced "none", never an empty answer.
            assert answer["counterparts"] == [] and len(answer["none"]) == 1
            assert all(s["url"].startswith("https://") for s in answer["none"][0]["sources"])
        else:
            assert expected in ids(answer)


TFX_TYPED = ("ExampleGen", "StatisticsGen", "SchemaGen", "tfx.components.Trainer", "Pusher", "BulkInferrer")


def test_tfx_components_are_tensorflow_tools_whose_none_names_a_pipeline_tool(client: TestClient) -> None:
    for typed in TFX_TYPED:
        answer = ask(client, typed, to="pytorch")
        assert answer["tool"]["id"].startswith("TFX") and answer["tool"]["ecosystem"] == "TensorFlow"
        (note,) = answer["none"]
        assert "KubeflowPipelines" in {u["id"] for u in note["people_use"]}


def test_every_tool_has_a_status_each_from_a_source_in_its_layer(oxigraph_kg: KnowledgeGraph) -> None:
    assert coverage(oxigraph_kg).without_status == ()
    # The statuses added for the older tools: each sits in the source graph of the document that
    # states it, in the later layer, and the tool cites that document.
    rows = oxigraph_kg.query(
        """SELECT ?e ?s ?cited WHERE { GRAPH ?g { ?e mlkg:status ?st }
             FILTER(STRSTARTS(STR(?g), "https://w3id.org/mlkg/graph/ecosystem-statuses/source/"))
             OPTIONAL { ?g mlkg:statedBy ?s ; mlkg:layer mlkg:LaterLayer . ?s a mlkg:Source }
             BIND(EXISTS { ?e prov:wasDerivedFrom ?s } AS ?cited) }"""
    ).bindings()
    assert len({r["e"].value for r in rows}) >= 22
    assert [r["e"].value for r in rows if "s" not in r or r["cited"].value != "true"] == []


def test_an_archived_older_tool_names_its_successor(client: TestClient) -> None:
    answer = ask(client, "TorchElastic Controller for Kubernetes")
    assert answer["tool"]["id"] == "TorchElasticController"
    assert answer["tool"]["successor"]["id"] == "TorchX"
    assert answer["tool"]["successor"]["since"] == "2023-01-06"
