"""Name resolution and search in mlkg.graph: the tiers, ambiguity, suggestions, robustness."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spellings import SPELLINGS

from mlkg.graph import KnowledgeGraph, counterparts, resolve, search
from mlkg.graph._resolve import name_index, normalise

# (spelling, entity id): for each tool of the four pairs the article states, full name,
# abbreviation, package/import name, a case/punctuation variant and one typo.


@pytest.mark.parametrize(("text", "expected"), SPELLINGS)
def test_spellings_resolve_to_the_tool(oxigraph_kg: KnowledgeGraph, text: str, expected: str) -> None:
    resolution = resolve(oxigraph_kg, text)
    assert resolution.status == "found", resolution
    assert resolution.entity is not None and resolution.entity.id == expected


def test_tiers_are_reported(oxigraph_kg: KnowledgeGraph) -> None:
    assert resolve(oxigraph_kg, "TF Serving").how == "exact"
    assert resolve(oxigraph_kg, "tf SERVING").how == "casefold"
    assert resolve(oxigraph_kg, "tensorflow.serving").how == "normalised"
    assert resolve(oxigraph_kg, "Tensorflow Servng").how == "fuzzy"


def test_normalise_folds_prefixes_and_separators() -> None:
    assert normalise("TensorFlow-Serving") == normalise("tf_serving") == "tfserving"
    assert normalise("PyTorch Hub") == normalise("torch.hub") == "torchhub"
    assert normalise("François") == "francois"


def test_ambiguous_input_returns_candidates_not_a_pick(oxigraph_kg: KnowledgeGraph) -> None:
    resolution = resolve(oxigraph_kg, "hub")
    assert resolution.status == "ambiguous"
    assert resolution.entity is None
    ids = [c.id for c in resolution.candidates]
    assert {"TensorFlowHub", "PyTorchHub"} <= set(ids)
    # tools of an ecosystem come before framework-neutral ones
    assert ids.index("PyTorchHub") < ids.index("HuggingFaceHub")


def test_unknown_input_gets_suggestions(oxigraph_kg: KnowledgeGraph) -> None:
    resolution = resolve(oxigraph_kg, "lightning fast trainer")
    assert resolution.status == "unknown"
    assert resolution.suggestions and resolution.suggestions[0].id == "PyTorchLightning"
    nothing = resolve(oxigraph_kg, "qqqqqqqqqqqq")
    assert nothing.status == "unknown" and nothing.suggestions == ()


def test_index_is_built_once_per_graph(oxigraph_kg: KnowledgeGraph) -> None:
    assert name_index(oxigraph_kg) is name_index(oxigraph_kg)


def test_lookups_are_deterministic(oxigraph_kg: KnowledgeGraph) -> None:
    texts = ["hub", "model", "tflite", "kears", "zzz", "torch"]
    first = [resolve(oxigraph_kg, t) for t in texts]
    assert [resolve(oxigraph_kg, t) for t in texts] == first
    assert search(oxigraph_kg, "torch") == search(oxigraph_kg, "torch")


NASTY = ["", " ", "\x00", "\x1b[31m", "\ud800", "a" * 10_000, "🚀" * 2000, "\u202e", "t" * 64 + "f", "\n\t\r"]


@pytest.mark.parametrize("text", NASTY)
def test_resolve_never_raises_on_nasty_input(oxigraph_kg: KnowledgeGraph, text: str) -> None:
    assert resolve(oxigraph_kg, text).status in ("found", "ambiguous", "unknown")
    assert isinstance(search(oxigraph_kg, text), list)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_resolve_never_raises_on_any_text(oxigraph_kg: KnowledgeGraph, text: str) -> None:
    resolve(oxigraph_kg, text)
    search(oxigraph_kg, text, 5)


def test_search_ranks_exact_then_prefix_then_fuzzy(oxigraph_kg: KnowledgeGraph) -> None:
    hits = search(oxigraph_kg, "torch", 10)
    assert hits[0].id == "PyTorch" and hits[0].score == 1.0
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert search(oxigraph_kg, "tf serv", 3)[0].id == "TensorFlowServing"
    assert search(oxigraph_kg, "lightnin", 3)[0].id == "PyTorchLightning"
    assert search(oxigraph_kg, "kears", 3)[0].id == "Keras"  # a typo still finds it
    assert len(search(oxigraph_kg, "t", 4)) == 4


def test_same_answer_on_every_engine(kg: KnowledgeGraph, oxigraph_kg: KnowledgeGraph) -> None:
    """Resolution and the counterpart answer do not depend on the engine (remote = real server)."""
    for text in ("tflite", "hub", "pytorch lightnign"):
        assert resolve(kg, text) == resolve(oxigraph_kg, text)
    entity = resolve(kg, "tflite").entity
    assert entity is not None
    assert counterparts(kg, entity) == counterparts(oxigraph_kg, entity)
