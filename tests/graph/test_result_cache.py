"""Repeated SPARQL answers come from the cache: same bytes, no worker, keyed on everything."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from mlkg.graph import KnowledgeGraph
from mlkg.graph._bounded import BoundedQueryRunner

QUERY = "SELECT ?l WHERE { ent:PyTorch skos:prefLabel ?l }"


@pytest.fixture(scope="module")
def runner(oxigraph_kg: KnowledgeGraph) -> Iterator[BoundedQueryRunner]:
    with BoundedQueryRunner(oxigraph_kg, workers=1, timeout=10, cache_entries=2) as pool:
        yield pool


def test_a_repeat_is_the_same_answer_without_a_worker(runner: BoundedQueryRunner) -> None:
    assert runner.cached(QUERY, "text/csv") is None
    first = runner.run(QUERY, "text/csv")
    assert first.body == b"l\r\nPyTorch\r\n"
    for pid in runner.pids():  # with every worker frozen, the repeat still answers
        os.kill(pid, signal.SIGSTOP)
    try:
        assert runner.run(QUERY, "text/csv") == first
    finally:
        for pid in runner.pids():
            os.kill(pid, signal.SIGCONT)


def test_the_key_is_the_whole_request(runner: BoundedQueryRunner) -> None:
    runner.run(QUERY, "text/csv")
    assert runner.cached(QUERY, "application/sparql-results+json") is None
    assert runner.cached(QUERY, "text/csv", default_graphs=["urn:other"]) is None
    assert runner.cached(QUERY, "text/csv", base_iri="http://elsewhere.example/sparql") is None


def test_the_cache_keeps_only_the_most_recent(runner: BoundedQueryRunner) -> None:
    queries = [f"SELECT ({n} AS ?n) WHERE {{}}" for n in range(3)]
    for query in queries:
        runner.run(query, "text/csv")
    assert runner.cached(queries[0], "text/csv") is None
    assert runner.cached(queries[2], "text/csv") is not None


def test_errors_are_not_cached(runner: BoundedQueryRunner) -> None:
    from mlkg.graph import QuerySyntaxError

    for _ in range(2):
        with pytest.raises(QuerySyntaxError):
            runner.run("SELECT * WHERE { ?s ?p }", "text/csv")
    assert runner.cached("SELECT * WHERE { ?s ?p }", "text/csv") is None


def test_a_remote_store_is_never_cached(kg: KnowledgeGraph) -> None:
    pool = BoundedQueryRunner(kg, workers=1, timeout=10, cache_entries=100)
    expected = 0 if kg.config.engine == "remote" else 100
    assert pool.cache_entries == expected
