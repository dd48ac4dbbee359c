"""Faults a real deployment meets: a store killed mid-flight, a remote engine that goes away."""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from processes import LiveServer
from stores import OxigraphServer

from mlkg.graph import KnowledgeGraph


def dataset_digest(kg: KnowledgeGraph) -> tuple[int, str]:
    """The number of quads and a hash of their sorted N-Quads lines."""
    lines = sorted(ox.serialize([q], format=ox.RdfFormat.N_QUADS).decode() for q in kg.quads())  # type: ignore[union-attr]
    return len(lines), hashlib.sha256("".join(lines).encode()).hexdigest()


def test_on_disk_store_survives_kill_9_with_every_triple(tmp_path: Path) -> None:
    store = tmp_path / "store"
    server = LiveServer("--store-path", str(store))
    try:
        assert httpx.get(server.url + "/health").json()["triples"] > 1000
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(10)
    finally:
        server.stop()
    with KnowledgeGraph.open() as fresh, KnowledgeGraph.open(store_path=str(store)) as reopened:
        assert dataset_digest(reopened) == dataset_digest(fresh)


def test_on_disk_store_is_reused_when_the_data_is_unchanged(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with KnowledgeGraph.open(store_path=str(store)) as first:
        before = dataset_digest(first)
    marker = store / "mlkg-fingerprint.txt"
    stamp = marker.stat().st_mtime_ns
    with KnowledgeGraph.open(store_path=str(store)) as second:
        assert dataset_digest(second) == before
    assert marker.stat().st_mtime_ns == stamp  # not reloaded


def test_remote_engine_outage_is_503_and_recovers(tmp_path: Path) -> None:
    remote = OxigraphServer(tmp_path / "remote-store")
    remote.start()
    server = LiveServer("--engine", "remote", "--endpoint", remote.query_url, "--load-remote")
    try:
        healthy = httpx.get(server.url + "/health")
        assert healthy.status_code == 200
        triples = healthy.json()["triples"]

        remote.stop()
        down = httpx.get(server.url + "/health")
        assert down.status_code == 503
        assert "unreachable" in down.text and remote.query_url in down.text
        assert down.headers.get("retry-after")

        remote.start()  # same port, same store: the service must recover by itself
        back = httpx.get(server.url + "/health")
        assert back.status_code == 200 and back.json()["triples"] == triples
    finally:
        server.stop()
        remote.stop()


# ~4.8 million solutions: most of a second of real work, well inside the time limit. The cross
# product is taken over three mid-sized graphs only (the article, the ontology and the
# correspondences layer's own graph of source descriptions), so the derived layers (thousands of
# triples of function counterparts) do not make it run for minutes.
_CURATED = " ".join(
    f"<https://w3id.org/mlkg/graph/{name}>"
    for name in ("article-2022", "ecosystem-correspondences", "ontology")
)
SLOW_QUERY = (
    f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {_CURATED} }} VALUES ?h {{ {_CURATED} }} "
    "GRAPH ?g { ?a ?b ?c } GRAPH ?h { ?d ?e ?f } }"
)


def test_sigterm_drains_in_flight_requests() -> None:
    server = LiveServer("--query-timeout", "60")
    answers: list[httpx.Response] = []
    answered_at: list[float] = []

    def ask() -> None:
        answers.append(
            httpx.post(
                server.url + "/sparql",
                data={"query": SLOW_QUERY},
                headers={"Accept": "text/csv"},
                timeout=60,
            )
        )
        answered_at.append(time.monotonic())

    try:
        worker = threading.Thread(target=ask)
        worker.start()
        time.sleep(0.3)  # the query is running now
        signalled_at = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        worker.join(60)
        assert answers, "the in-flight request got no answer"
        assert answered_at[0] > signalled_at, "the query was not in flight at SIGTERM"
        assert answers[0].status_code == 200, answers[0].text
        assert int(answers[0].text.splitlines()[1]) > 1_000_000  # the whole answer, not a cut
        # uvicorn re-raises SIGTERM once drained, so the exit is "terminated", promptly
        assert server.process.wait(20) in (0, -signal.SIGTERM)
        with pytest.raises(httpx.ConnectError):
            httpx.get(server.url + "/health", timeout=2)
    finally:
        server.stop()
