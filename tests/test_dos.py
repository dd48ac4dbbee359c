"""Denial of service: expensive or oversized queries end at a limit, and the service carries on.

Real ``mlkg serve`` processes (oxigraph and rdflib engines) with a short query time limit.
Deep nesting, huge VALUES, catastrophic-backtracking regexes, cross products, a burst of
runaways larger than the worker pool, oversized bodies, huge format lists: each ends in a 4xx
or a 503 at the limit, never a crash, a 500 or a stuck worker; afterwards a cheap query is
answered and no worker is left grinding. One address's runaways hold only its share of the
workers: another address's query is answered while they run.
"""

from __future__ import annotations

import concurrent.futures
import select
import socket
import time
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import psutil
import pytest

from conftest import LiveServer

LIMIT = 1.5  # seconds: the --query-timeout of these servers
CHEAP = "SELECT ?l WHERE { ent:PyTorch skos:prefLabel ?l }"
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# Python's re backtracks exponentially on this; Rust's regex (Oxigraph) is linear.
BACKTRACK = 'ASK { BIND("' + "a" * 40 + '!" AS ?x) FILTER(REGEX(?x, "^(a+)+$")) }'


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    live = LiveServer(
        "--engine", request.param, "--query-timeout", str(LIMIT), env={"MLKG_QUERY_WORKERS": "2"}
    )
    yield live
    live.stop()


def ask(server: LiveServer, query: str, *, method: str = "GET", timeout: float = 30) -> httpx.Response:
    headers = {"Accept": "application/sparql-results+json"}
    if method == "GET":
        return httpx.get(server.url + "/sparql", params={"query": query}, headers=headers, timeout=timeout)
    return httpx.post(server.url + "/sparql", data={"query": query}, headers=headers, timeout=timeout)


def grinding(server: LiveServer) -> list[int]:
    """Workers running a long query now (reniced to 19 after 0.25 s; retired or killed after)."""
    out = []
    for pid in server.worker_pids():
        try:
            if psutil.Process(pid).nice() == 19:
                out.append(pid)
        except psutil.NoSuchProcess:
            pass  # killed while listed
    return out


def assert_still_fast(server: LiveServer) -> None:
    """The server is alive, a cheap query is answered by a worker, and none is left grinding
    on the attack (every runaway was stopped, not left to slow the next query)."""
    assert server.process.poll() is None, "the server died"
    response = ask(server, f"{CHEAP} # {time.time_ns()}")  # distinct text: a worker, not a cache, answers
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["l"]["value"] == "PyTorch"
    deadline = time.monotonic() + 10  # a kill is asynchronous: wait for it, do not time it
    while grinding(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not grinding(server), "a worker is still running the attack's query"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000,
        "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        "SELECT * WHERE { ?s ?p " + "[ ?p " * 3000 + "?o" + " ]" * 3000 + " }",
        "SELECT * WHERE " + "\\u007B" * 5000 + " ?s ?p ?o " + "\\u007D" * 5000,
        "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 2000 + "}" * 2000 + "}",
        # flat chains are as deep a tree to the engine as brackets (Oxigraph crashed on these)
        "SELECT (" + "+".join(["1"] * 10_000) + " AS ?x) WHERE {}",
        "SELECT * WHERE { " + " UNION ".join(["{ ?s a ?t }"] * 5_000) + " }",
        "SELECT * WHERE { " + " . ".join(["?s a ?t"] * 8_000) + " }",
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "||".join(["?o = 1"] * 12_000) + ") }",
    ],
    ids=[
        "groups",
        "parentheses",
        "blank-nodes",
        "escaped-braces",
        "optionals",
        "plus-chain",
        "unions",
        "triple-patterns",
        "or-chain",
    ],
)
def test_deep_nesting_is_refused(server: LiveServer, query: str) -> None:
    response = ask(server, query, method="POST")
    assert response.status_code == 400, response.text
    assert any(w in response.text.lower() for w in ("nest", "operators", "syntax")), response.text
    assert_still_fast(server)


def test_huge_values_is_answered_or_refused(server: LiveServer) -> None:
    rows = " ".join(f'"v{i}"' for i in range(15_000))  # ~100 kB: just under the size limit
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?x {{ {rows} }} }}"
    response = ask(server, query[:99_000] + " } }" if len(query) > 99_000 else query, method="POST")
    assert response.status_code in (200, 400, 503), response.text
    over = ask(server, "SELECT * WHERE { VALUES ?x { " + '"x" ' * 40_000 + "} }", method="POST")
    assert over.status_code == 413, over.text
    assert_still_fast(server)


def test_values_cross_values_ends_at_the_limit(server: LiveServer) -> None:
    block = " ".join(str(i) for i in range(2_000))
    values = " ".join(f"VALUES ?{v} {{ {block} }}" for v in "abc")  # 8e9 combinations
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {values} }}"
    response = ask(server, query, method="POST")
    assert response.status_code in (200, 503), response.text
    if response.status_code == 503:
        assert f"{LIMIT:g} s time limit" in response.text, response.text
    assert_still_fast(server)


def test_catastrophic_regex_ends_at_the_limit(server: LiveServer) -> None:
    response = ask(server, BACKTRACK)
    engine = httpx.get(server.url + "/health").json()["engine"]
    if engine == "rdflib":  # Python's re backtracks 2^40 times: the limit must stop it
        assert response.status_code == 503 and f"{LIMIT:g} s time limit" in response.text, response.text
    else:  # Rust's regex crate is linear: answered at once
        assert response.status_code == 200 and response.json()["boolean"] is False, response.text
    assert_still_fast(server)


def test_cross_product_ends_at_the_limit(server: LiveServer) -> None:
    response = ask(server, CROSS)
    assert response.status_code == 503 and f"{LIMIT:g} s time limit" in response.text, response.text
    assert_still_fast(server)


def test_a_burst_of_runaways_larger_than_the_pool(server: LiveServer) -> None:
    """Ten runaways at once from one address (pool: 2 workers, at most 6; its share: 4): four run
    to the limit at a time, and those whose turn does not come within 2 s are turned away
    naming the share."""
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: ask(server, CROSS), range(10)))
    ran = [a for a in answers if a.status_code == 503]
    refused = [a for a in answers if a.status_code == 429]
    assert len(ran) + len(refused) == 10, [a.text for a in answers if a.status_code not in (429, 503)]
    assert all(f"{LIMIT:g} s time limit" in a.text for a in ran), [a.text for a in ran]
    assert len(ran) >= 4 and refused, "the client's share should run and the rest be refused"
    assert all("MLKG_MAX_QUERIES_PER_CLIENT=4" in a.text for a in refused), refused[0].text
    assert_still_fast(server)


def test_oversized_requests_are_refused_before_work(server: LiveServer) -> None:
    body = httpx.post(
        server.url + "/sparql",
        content=b"query=" + b"A" * 5_000_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert body.status_code == 413
    direct = httpx.post(
        server.url + "/sparql",
        content=b"ASK {}" + b" " * 200_000,
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert direct.status_code == 413
    assert_still_fast(server)


def test_a_huge_format_list_is_a_clear_400_and_health_answers(server: LiveServer) -> None:
    """157,000 format items (a 314 kB form) are counted, not looked up: a 400 naming the limit."""
    form = f"query={quote(CHEAP)}&format=" + ",".join(["x"] * 157_000)  # commas as sent: 314 kB
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    def attack() -> httpx.Response:
        return httpx.post(server.url + "/sparql", content=form, headers=headers, timeout=60)

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        attacks = [pool.submit(attack) for _ in range(2)]
        health = httpx.get(server.url + "/health", timeout=60)
        answers = [attack.result() for attack in attacks]
    assert health.status_code == 200 and health.json()["status"] == "ok"
    for answer in answers:
        assert answer.status_code == 400, answer.text
        assert "list 157000 formats; at most 100 are read" in answer.text
    few = httpx.get(server.url + "/sparql", params={"query": CHEAP, "format": "x,y,json"}, timeout=30)
    assert few.status_code == 200 and few.headers["content-type"].startswith(
        "application/sparql-results+json"
    )
    many = httpx.post(
        server.url + "/sparql",
        content="&".join(["format=json"] * 2000),
        timeout=30,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert many.status_code == 400 and "2000 parameters; at most 1000" in many.text, many.text
    assert_still_fast(server)


# -- one client's share of the workers ------------------------------------------------------

SHARE_LIMIT = 20.0  # seconds: long, so the order of events below never depends on the machine


@pytest.fixture(scope="module")
def shared() -> Iterator[LiveServer]:
    live = LiveServer(
        "--query-timeout",
        str(SHARE_LIMIT),
        env={"MLKG_QUERY_WORKERS": "2", "MLKG_MAX_QUERIES_PER_CLIENT": "2"},  # pool: at most 6
    )
    yield live
    live.stop()


def send_from(address: str, server: LiveServer, query: str) -> socket.socket:
    """A GET /sparql sent from ``address`` (a loopback address of its own: another client)."""
    conn = socket.socket()
    conn.bind((address, 0))
    conn.connect(("127.0.0.1", server.port))
    conn.sendall(
        f"GET /sparql?query={quote(query)} HTTP/1.1\r\nHost: x\r\n"
        "Accept: application/sparql-results+json\r\n\r\n".encode()
    )
    return conn


def answered(conn: socket.socket) -> bool:
    """Whether the server has begun answering on ``conn`` (never waits)."""
    return bool(select.select([conn], [], [], 0)[0])


def test_one_address_cannot_hold_the_whole_pool(shared: LiveServer) -> None:
    """Address A sends as many runaways as the pool has workers: two (its share) run, the rest
    get a 429 naming the limit and its setting, and address B's query is answered while A's
    runaways are still running."""
    a_queries = [send_from("127.0.0.2", shared, f"{CROSS} # {i}") for i in range(6)]
    try:
        deadline = time.monotonic() + 30
        while len(grinding(shared)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(grinding(shared)) >= 2, "A's runaways did not start"
        b_client = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.3"), timeout=60)
        with b_client:
            b_answer = b_client.get(
                shared.url + "/sparql",
                params={"query": f"{CHEAP} # {time.time_ns()}"},
                headers={"Accept": "application/sparql-results+json"},
            )
        running_at_b = [conn for conn in a_queries if not answered(conn)]
        assert b_answer.status_code == 200, b_answer.text
        assert b_answer.json()["results"]["bindings"][0]["l"]["value"] == "PyTorch"
        assert len(running_at_b) >= 2, "B's answer should come while A's share is still running"
        deadline = time.monotonic() + 30  # A's extras wait their turn (2 s), then are refused
        while sum(answered(conn) for conn in a_queries) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        refused = [conn.recv(65536).decode() for conn in a_queries if answered(conn)]
        assert len(refused) == 4, "A's two runaways should still be running, its four extras refused"
        for text in refused:
            assert text.startswith("HTTP/1.1 429"), text[:200]
            assert "this client (127.0.0.2) already has 2 SPARQL queries running" in text, text
            assert "MLKG_MAX_QUERIES_PER_CLIENT=2" in text and "retry-after: 1" in text.lower()
        assert len(grinding(shared)) == 2  # only A's share was ever given workers
    finally:
        for conn in a_queries:
            conn.close()  # the server stops the runaways of clients that went away
    assert_still_fast(shared)
