"""The query pool keeps its workers under steady load, and replaces a killed one from memory."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from processes import LiveServer

from mlkg.graph import KnowledgeGraph
from mlkg.graph._bounded import BoundedQueryRunner


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


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_a_runaway_is_stopped_and_its_replacement_does_not_reload_the_data(tmp_path: Path) -> None:
    """The data file is gone once the server has started: the worker that replaces a killed
    runaway (and the zygote it is forked from) still answers from the extra data, so neither
    read the files again; and cheap queries on other workers answer while the runaway runs."""
    extra = tmp_path / "extra.ttl"
    extra.write_text('<urn:x:only-in-the-file> <urn:x:p> "kept in memory" .\n', encoding="utf-8")
    server = LiveServer("--data", str(extra), "--query-timeout", "2")
    try:
        extra.unlink()
        probe = "SELECT ?o WHERE { <urn:x:only-in-the-file> <urn:x:p> ?o }"
        with httpx.Client(base_url=server.url, timeout=30) as http, ThreadPoolExecutor(1) as pool:
            before = server.worker_pids()
            runaway = pool.submit(
                http.get, "/sparql", params={"query": RUNAWAY}, headers={"Accept": "text/csv"}
            )
            time.sleep(0.3)  # the runaway holds a worker now
            for n in range(5):  # cheap queries meanwhile, on the other workers
                quick = http.get(
                    "/sparql", params={"query": f"{probe} # {n}"}, headers={"Accept": "text/csv"}
                )
                assert quick.status_code == 200 and "kept in memory" in quick.text
            stopped = runaway.result()
            assert stopped.status_code == 503 and "time limit" in stopped.text.lower()
            time.sleep(0.3)
            after = server.worker_pids()
            assert after - before, "no fresh worker replaced the killed one"
            for n in range(len(after) * 2):  # every worker, the new one included, has the data
                again = http.get(
                    "/sparql", params={"query": f"{probe} # again {n}"}, headers={"Accept": "text/csv"}
                )
                assert again.status_code == 200 and "kept in memory" in again.text
    finally:
        server.stop()
