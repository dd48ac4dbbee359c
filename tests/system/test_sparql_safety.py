"""/sparql is safe by default: no outbound connection from any query on any engine, and a
runaway query is really stopped at its time limit while other queries keep being answered."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import psutil
import pytest
from fastapi.testclient import TestClient
from listeners import CountingListener
from processes import LiveServer

from mlkg.graph import KnowledgeGraph, QueryRefused


def test_the_listener_counts_connections(listener: CountingListener) -> None:
    """Guards the SSRF test: a real connection to the listener is seen."""
    before = listener.connections
    assert "SECRET" in httpx.get(listener.url_for("probe"), timeout=1).text
    assert listener.settle(0.3) == before + 1 and listener.paths[-1] == "/probe"


def test_no_query_reaches_out(
    listener: CountingListener, engine_client: TestClient, kg: KnowledgeGraph
) -> None:
    """SERVICE, SERVICE SILENT, FROM, FROM NAMED, LOAD and protocol graph IRIs: zero connections."""
    before = listener.connections
    at = listener.url_for
    refused = {
        "SERVICE": f"SELECT * WHERE {{ SERVICE <{at('sparql')}> {{ ?s ?p ?o }} }}",
        "SERVICE SILENT": f"SELECT * WHERE {{ SERVICE SILENT <{at('sparql')}> {{ ?s ?p ?o }} }}",
        "SERVICE ?var": f"SELECT * WHERE {{ BIND(<{at('v')}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "LOAD": f"LOAD <{at('data.ttl')}>",
        "LOAD SILENT INTO": f"LOAD SILENT <{at('data.ttl')}> INTO GRAPH <urn:x>",
    }
    answered = {
        "FROM": f"SELECT * FROM <{at('default.ttl')}> WHERE {{ ?s ?p ?o }}",
        "FROM NAMED": f"SELECT * FROM NAMED <{at('n.ttl')}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "DESCRIBE remote IRI": f"DESCRIBE <{at('thing')}>",
    }
    for name, query in refused.items():
        response = engine_client.post("/sparql", data={"query": query})
        assert response.status_code == 403, (name, response.status_code, response.text)
        with pytest.raises(QueryRefused):
            kg.query(query)
    for name, query in answered.items():
        accept = "text/csv, application/n-triples;q=0.5"
        response = engine_client.post("/sparql", data={"query": query}, headers={"Accept": accept})
        assert response.status_code == 200, (name, response.text)
        assert len(response.text.splitlines()) <= 1, (name, response.text)  # nothing came from there
        kg.query(query)  # the in-process path (CLI, REST) must not fetch either
    for param in ("default-graph-uri", "named-graph-uri"):
        response = engine_client.get(
            "/sparql",
            params={
                "query": "ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
                param: listener.url_for(param),
            },
        )
        assert response.status_code == 200 and response.json()["boolean"] is False, (param, response.text)
    # A connection attempt in flight would have landed within the wait.
    made = listener.settle(0.5) - before
    assert made == 0, f"{made} outbound connection(s) on engine {kg.engine.name}"


# -- runaway queries ------------------------------------------------------------------------

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "SELECT ?l WHERE { ent:TorchServe skos:prefLabel ?l }"
LIMIT = 2.0


def _cpu_seconds(root: psutil.Process) -> dict[int, float]:
    """CPU seconds used so far by the server process and every process under it."""
    out: dict[int, float] = {}
    for proc in [root, *root.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            out[proc.pid] = times.user + times.system
        except psutil.Error:
            continue
    return out


def _cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(max(0.0, t - before.get(pid, 0.0)) for pid, t in after.items())


@pytest.fixture(scope="module")
def limited_server() -> Iterator[LiveServer]:
    server = LiveServer("--query-timeout", str(LIMIT), env={"MLKG_QUERY_WORKERS": "4"})
    yield server
    server.stop()


def test_runaway_queries_are_stopped_and_others_still_answered(limited_server: LiveServer) -> None:
    url = limited_server.url + "/sparql"
    root = psutil.Process(limited_server.process.pid)
    assert httpx.get(url, params={"query": CHEAP}, timeout=10).status_code == 200

    def runaway(_: int) -> tuple[int, float, str]:
        started = time.monotonic()
        response = httpx.post(url, data={"query": RUNAWAY}, timeout=30)
        return response.status_code, time.monotonic() - started, response.text

    cpu_start = _cpu_seconds(root)
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(runaway, i) for i in range(4)]
        time.sleep(0.8)
        for _ in range(5):
            cheap = httpx.get(url, params={"query": CHEAP}, timeout=10)
            assert cheap.status_code == 200 and "TorchServe" in cheap.text
        # Every cheap answer came while all four runaways still held their workers.
        still_running = [not f.done() for f in futures]
        busy = _cpu_seconds(root)
        leaves = {p.pid for p in root.children(recursive=True) if p.ppid() != root.pid}
        results = [f.result() for f in futures]
    finished = time.monotonic()

    for status, _, text in results:
        assert status == 503, (status, text)
        assert f"{LIMIT:g} s time limit" in text
    assert all(still_running), "the cheap queries waited for a runaway to end"
    # The runaways' workers are the leaves under the zygote that worked meanwhile (idle or
    # freshly forked ones alike); each must be gone once its query hit the limit.
    worked = [pid for pid in busy if pid in leaves and busy[pid] > cpu_start.get(pid, 0.0)]
    assert worked, "no worker ran the runaways"
    time.sleep(0.3)
    for pid in worked:
        alive = psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        assert not alive, f"worker {pid} still running after its query timed out"

    # Afterwards the whole process tree goes back to idle (replacement workers start quickly).
    windows = []
    while time.monotonic() - finished < 10:
        before = _cpu_seconds(root)
        time.sleep(1.0)
        windows.append(_cpu_used(before, _cpu_seconds(root)))
        if windows[-1] < 0.05:
            break
    print(
        f"\nrunaway 503s after {[round(r[1], 2) for r in results]} s; cheap queries answered while "
        f"{sum(still_running)} of 4 runaways still running; "
        f"CPU-s per 1 s window after: {[round(w, 3) for w in windows]}"
    )
    assert windows[-1] < 0.05, f"server CPU did not return to idle: {windows}"
    assert httpx.get(url, params={"query": CHEAP}, timeout=10).status_code == 200


@pytest.mark.parametrize("stop", ["terminate", "kill"])
def test_no_worker_outlives_the_server(stop: str) -> None:
    """A server stopped (or killed with SIGKILL) mid-runaway leaves no process behind.

    SIGTERM lets uvicorn finish the in-flight request (a 503 at the 3 s limit) before the pool
    shuts down; SIGKILL gives it no chance, so the workers must notice on their own.
    """
    server = LiveServer("--query-timeout", "3" if stop == "terminate" else "60")
    root = psutil.Process(server.process.pid)
    url = server.url + "/sparql"

    def runaway() -> None:
        with contextlib.suppress(httpx.HTTPError):
            httpx.post(url, data={"query": RUNAWAY}, timeout=60)

    threading.Thread(target=runaway, daemon=True).start()
    time.sleep(1.0)
    tree = root.children(recursive=True)
    assert len(tree) >= 5  # fork server + workers
    if stop == "kill":
        server.process.kill()
        server.process.wait()
    else:
        server.stop()
    deadline = time.monotonic() + 5
    alive = tree
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [p for p in tree if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert alive == [], f"left behind after {stop}: {[p.pid for p in alive]}"
