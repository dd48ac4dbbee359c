"""The query pool under steady load keeps its workers: no respawning (each spawn reloads the graph)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from mlkg.graph import BoundedQueryRunner, KnowledgeGraph


def test_steady_concurrency_reuses_the_same_workers(oxigraph_kg: KnowledgeGraph) -> None:
    with BoundedQueryRunner(oxigraph_kg, workers=2, timeout=10) as runner:
        before = set(runner.pids())

        def ask(n: int) -> bytes:
            return runner.run(f"SELECT ({n} AS ?n) WHERE {{}}", "text/csv").body

        # more callers than workers: the pool grows a spare, and must keep it, not churn it
        with ThreadPoolExecutor(max_workers=4) as callers:
            answers = list(callers.map(ask, range(200)))
        assert answers[7] == b"n\r\n7\r\n"
        after = set(runner.pids())
        assert before <= after, "the original workers were retired and respawned under load"
        assert len(after) <= runner.max_workers
