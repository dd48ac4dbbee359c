"""Engines are told apart by what they declare they can do, and offered by one registry; each
graph keeps its own answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import ValidationError

from mlkg.api.cli import build_parser
from mlkg.api.settings import Settings
from mlkg.graph import (
    ENGINES,
    GraphConfig,
    KnowledgeGraph,
    MlkgError,
    QueryError,
    QueryRefused,
    counterparts,
    resolve,
)
from mlkg.graph._bounded import BoundedQueryRunner
from mlkg.graph._engines import _REGISTRY, Capabilities, OxigraphEngine, register_engine

FRESH_TOOL = """@prefix mlkg: <https://w3id.org/mlkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/mlkg/entity/FreshTool> a mlkg:Tool ; skos:prefLabel "Quokkaflow Zebratron" .
"""


def test_the_three_engines_declare_what_they_can_do() -> None:
    assert list(ENGINES) == ["oxigraph", "rdflib", "remote"]
    oxigraph, rdflib, remote = (ENGINES[name].capabilities for name in ENGINES)
    # Loaded once and evaluated here: answers kept, queries in killable sandboxed workers.
    assert oxigraph == Capabilities(fixed_data=True, embedded=True, round_trips=False)
    assert rdflib == Capabilities(
        fixed_data=True, embedded=True, round_trips=False, worker_imports=("rdflib",)
    )
    # A store over HTTP: its data may change, it applies its own time limit, each query costs a trip.
    assert remote == Capabilities(fixed_data=False, embedded=False, round_trips=True)


def test_capabilities_cannot_change_while_serving(oxigraph_kg: KnowledgeGraph) -> None:
    with pytest.raises(AttributeError):
        oxigraph_kg.capabilities.fixed_data = False  # type: ignore[misc]
    assert oxigraph_kg.capabilities is ENGINES["oxigraph"].capabilities


class ChangingEngine(OxigraphEngine):
    """Oxigraph declared as a store whose data may change and that runs outside our sandbox."""

    name: ClassVar[str] = "changing"
    capabilities: ClassVar[Capabilities] = Capabilities(fixed_data=False, embedded=False, round_trips=True)


@pytest.fixture
def registered() -> Iterator[str]:
    register_engine("changing", ChangingEngine)
    try:
        yield "changing"
    finally:
        _REGISTRY.pop("changing", None)


def test_a_registered_engine_is_offered_by_open_the_cli_and_the_settings(registered: str) -> None:
    args = build_parser().parse_args(["stats", "--engine", registered])
    assert args.engine == registered
    assert Settings(engine=registered).graph_config().engine == registered
    with KnowledgeGraph.open(GraphConfig(engine=registered)) as kg:
        assert isinstance(kg.engine, ChangingEngine)
        assert resolve(kg, "tf serving").entity is not None
    _REGISTRY.pop(registered)
    with pytest.raises(SystemExit):  # argparse: invalid choice
        build_parser().parse_args(["stats", "--engine", registered])


def test_an_unknown_engine_is_a_clear_error_naming_the_choices() -> None:
    with pytest.raises(MlkgError, match=r"unknown engine 'nope'; use one of: oxigraph, rdflib, remote"):
        KnowledgeGraph.open(engine="nope")
    with pytest.raises(ValidationError, match="unknown engine 'nope'; use one of: oxigraph, rdflib, remote"):
        Settings(engine="nope")
    with pytest.raises(ValueError, match="one word"):
        register_engine("two words", ChangingEngine)


def test_behaviour_follows_the_capabilities_not_the_name(registered: str) -> None:
    with KnowledgeGraph.open(engine=registered) as kg:
        # Data that may change: /sparql keeps no answers.
        assert BoundedQueryRunner(kg, cache_entries=100).cache_entries == 0
        # Outside our sandbox: no extension function is sent.
        with pytest.raises(QueryRefused, match="extension"):
            kg.query("SELECT (<http://example.org/fetch>('x') AS ?y) WHERE {}")
    with KnowledgeGraph.open(engine="oxigraph") as kg:
        assert BoundedQueryRunner(kg, cache_entries=100).cache_entries == 100
        with pytest.raises(QueryError, match="not supported") as info:  # Oxigraph's own word, not ours
            kg.query("SELECT (<http://example.org/fetch>('x') AS ?y) WHERE {}")
        assert not isinstance(info.value, QueryRefused)


# -- each graph owns its memo -------------------------------------------------------------


def test_two_graphs_never_share_answers(oxigraph_kg: KnowledgeGraph, tmp_path: Path) -> None:
    extra = tmp_path / "fresh.ttl"
    extra.write_text(FRESH_TOOL)
    assert resolve(oxigraph_kg, "Quokkaflow Zebratron").entity is None  # kept in oxigraph_kg's memo
    with KnowledgeGraph.open(data=(str(extra),)) as more:
        found = resolve(more, "Quokkaflow Zebratron").entity
        assert found is not None and found.id == "FreshTool"
        assert resolve(oxigraph_kg, "Quokkaflow Zebratron").entity is None
        tool = resolve(more, "TorchServe").entity
        assert tool is not None
        assert counterparts(more, tool) == counterparts(oxigraph_kg, tool)
        assert counterparts(more, tool) is not counterparts(oxigraph_kg, tool)  # two memos
        assert more.memo is not oxigraph_kg.memo


def test_an_answer_is_worked_out_once_per_graph(oxigraph_kg: KnowledgeGraph) -> None:
    tool = resolve(oxigraph_kg, "TorchServe").entity
    assert tool is not None
    assert counterparts(oxigraph_kg, tool) is counterparts(oxigraph_kg, tool)
