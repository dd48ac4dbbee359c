"""Round trips and latency per answer on the remote engine (the README's "bigger store" table).

    .venv/bin/python scripts/remote_costs.py NAME=QUERY_URL [NAME=QUERY_URL ...]

Each store must already hold the data (``mlkg stats --engine remote --endpoint URL
--load-remote`` loads it). "cold" is the first answer after the dataset was read again (graph
list, name index and memos rebuilt, as every ``remote_refresh`` seconds); "warm" is the median
of five repeats within the refresh time.
"""

from __future__ import annotations

import statistics
import sys
import time

from fastapi.testclient import TestClient

from mlkg.api.app import create_app
from mlkg.api.settings import Settings
from mlkg.graph import GraphConfig, KnowledgeGraph
from mlkg.graph._engines import RemoteEngine

PATHS = [
    ("/api/counterparts", {"tool": "TorchServe"}),
    ("/entity/PyTorch", {}),
    ("/sparql", {"query": "SELECT ?l WHERE { ent:PyTorch skos:prefLabel ?l }"}),
]


def measure(name: str, endpoint: str) -> None:
    kg = KnowledgeGraph.open(GraphConfig(engine="remote", endpoint=endpoint, remote_refresh=60))
    engine = kg.engine
    assert isinstance(engine, RemoteEngine)
    with TestClient(create_app(Settings(engine="remote"), kg)) as client:
        for path, params in PATHS:
            engine.forget_dataset()
            before, began = engine.requests, time.perf_counter()
            assert client.get(path, params=params).status_code == 200, path
            cold, cold_trips = time.perf_counter() - began, engine.requests - before
            warm = []
            before = engine.requests
            for _ in range(5):
                began = time.perf_counter()
                client.get(path, params=params)
                warm.append(time.perf_counter() - began)
            trips, median = (engine.requests - before) / 5, statistics.median(warm) * 1000
            print(
                f"{name:9} {path:18} cold {cold_trips:3} round trips {cold * 1000:7.0f} ms | "
                f"warm {trips:3.0f} round trips {median:5.0f} ms"
            )
    kg.close()


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        store, _, url = arg.partition("=")
        measure(store, url)
