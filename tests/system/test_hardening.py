"""Hardening, round two: each attack an independent session found, over real HTTP where the
protocol matters, against ``mlkg serve`` processes with tight limits.

1. SERVICE smuggled past a lexer (``ent:x\\#``, ``ent:x\\'``): a loopback listener counts
   connections; a property-based test builds parser-confusion variants from escapes,
   comments, strings and IRIs, against the parse check alone and against the whole server.
2. A ~98 kB text quadratic for the old lexer; 3. a huge Accept header; 4. memory bombs and
   huge answers; 5. clients that leave mid-query; 6. half-sent heads and connection floods;
7. RDF/XML "billion laughs", workers that re-parse the data; 8. X-Forwarded-For, Host,
   ``mlkg query`` without a time limit, a byte-order mark.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from listeners import BYPASSES, CountingListener
from processes import LiveServer, run_cli

from mlkg.graph import KnowledgeGraph, QueryRefused, QuerySyntaxError
from mlkg.graph._bounded import BoundedQueryRunner
from mlkg.graph._sparql_text import canonical_query
from mlkg.ontology import PREFIXES

LIMIT = 4.0  # seconds: the --query-timeout of the tight server
CHEAP = "SELECT ?l WHERE { ent:PyTorch skos:prefLabel ?l }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def tight() -> Iterator[LiveServer]:
    """A server with small limits, so each one is reached quickly."""
    server = LiveServer(
        "--query-timeout",
        str(LIMIT),
        env={
            "MLKG_QUERY_WORKERS": "2",
            "MLKG_QUERY_MEMORY_MB": "256",
            "MLKG_MAX_RESULT_BYTES": "200000",
            "MLKG_HEADER_TIMEOUT": "1",
            "MLKG_MAX_CONNECTIONS_PER_CLIENT": "20",
        },
    )
    yield server
    server.stop()


def sparql(server: LiveServer, query: str, *, timeout: float = 30, **headers: str) -> httpx.Response:
    return httpx.get(
        server.url + "/sparql", params={"query": query}, headers={**JSON, **headers}, timeout=timeout
    )


def settled_workers(server: LiveServer) -> set[int]:
    """The server's query workers once the pool has stopped changing (a killed worker's
    replacement is forked after its answer went out): the same set on three reads in a row."""
    seen = [server.worker_pids()]
    for _ in range(100):
        time.sleep(0.1)
        seen = [*seen[-2:], server.worker_pids()]
        if len(seen) == 3 and seen[0] == seen[1] == seen[2]:
            break
    return seen[-1]


def health_answers(server: LiveServer, patience: float = 5.0) -> bool:
    """Whether ``/health`` answers a client willing to wait ``patience`` seconds: a stalled
    event loop answers nobody, so the outcome is the answer, not a measured time."""
    try:
        return httpx.get(server.url + "/health", timeout=patience).status_code == 200
    except httpx.TimeoutException:
        return False


# -- 1. SERVICE: no connection, whatever the spelling ----------------------------------------

REPORTED = [
    "SELECT ?s WHERE {{ BIND(ent:x\\# AS ?z) SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT ?s WHERE {{ BIND(ent:x\\' AS ?z) SERVICE <{url}> {{ ?s ?p ?o }} }} #'",
]


@pytest.mark.parametrize("template", REPORTED)
def test_the_reported_service_bypasses_open_no_connection(
    tight: LiveServer, listener: CountingListener, template: str
) -> None:
    before = listener.connections
    response = sparql(tight, template.format(url=listener.url_for("internal")))
    assert response.status_code == 403, response.text
    assert "SERVICE" in response.text and "SECRET" not in response.text
    assert listener.settle() == before


@pytest.mark.parametrize("template", REPORTED)
def test_the_reported_bypasses_fail_in_the_cli_too(listener: CountingListener, template: str) -> None:
    before = listener.connections
    done = run_cli("query", template.format(url=listener.url_for("internal")))
    assert done.returncode == 1 and "SERVICE" in done.stderr and "SECRET" not in done.stdout
    assert listener.settle() == before


def _expect_one_reading(name: str, status: int, text: str) -> None:
    """What each bypass family gets now that one canonical text is checked and run: the quote
    pairs decode to one long string (no SERVICE for any parser: 200, nothing called), the CR
    ends the comment for every parser (SERVICE seen: 403)."""
    if name == "comment ended by CR":
        assert status == 403 and "SERVICE" in text, text
    else:
        assert status == 200, text
    assert "SECRET" not in text


@pytest.mark.parametrize("name", list(BYPASSES))
def test_the_parser_differential_bypasses_open_no_connection_over_http(
    tight: LiveServer, listener: CountingListener, name: str
) -> None:
    query = BYPASSES[name].format(url=listener.url_for("http"))
    before = listener.connections
    for response in (
        sparql(tight, query),
        httpx.post(tight.url + "/sparql", data={"query": query}, headers=JSON, timeout=30),
        httpx.post(
            tight.url + "/sparql",
            content=query.encode(),
            headers={**JSON, "Content-Type": "application/sparql-query"},
            timeout=30,
        ),
    ):
        _expect_one_reading(name, response.status_code, response.text)
    assert listener.settle() == before


@pytest.mark.parametrize("name", list(BYPASSES))
def test_the_parser_differential_bypasses_open_no_connection_from_the_cli(
    listener: CountingListener, name: str
) -> None:
    before = listener.connections
    done = run_cli("query", "--format", "json", BYPASSES[name].format(url=listener.url_for("cli")))
    _expect_one_reading(name, 200 if done.returncode == 0 else 403, done.stdout + done.stderr)
    assert listener.settle() == before


def test_unclear_texts_are_a_400_at_the_users_line_and_column(tight: LiveServer) -> None:
    """Fail closed on what no canonical form makes unambiguous, and syntax errors point at
    the text as sent, through the BASE line the endpoint adds and the escapes it decodes."""
    refused = sparql(tight, 'ASK {\r\n "\\u005Cu0022" }')
    assert refused.status_code == 400, refused.text
    assert "line 2, column 3" in refused.text and "\\u0022" in refused.text
    broken = sparql(tight, 'SELECT * WHERE {\r\n  BIND("\\u00e9\\u00e9" AS ?x) } LIMIT x')
    assert broken.status_code == 400 and "line 2, column 38" in broken.text, broken.text


_BEFORE = st.sampled_from(
    [
        "BIND(ent:x\\# AS ?z)",
        "BIND(ent:x\\' AS ?z)",
        'BIND(ent:x\\" AS ?z)',
        "BIND(ent:a\\(\\) AS ?z)",
        "BIND(ent:x%23 AS ?z)",
        'BIND("a\\"b" AS ?z)',
        "BIND('a\\'b' AS ?z)",
        'BIND("""a"b""" AS ?z)',
        "BIND('''a'b''' AS ?z)",
        '# a comment with a " quote',
        "# a comment with a ' quote",
        "BIND(<http://x/#a> AS ?z)",
        'BIND("\\u0022" AS ?z)',
        "BIND(<http://x/\\u0023> AS ?z)",
        "?s ?p ?o .",
        'BIND("#" AS ?z)',
        'BIND("\'" AS ?z)',
    ]
)
_KEYWORD = st.sampled_from(
    ["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "\\u0053ERVICE", "SERVICE\tSILENT"]
)
_TARGET = st.sampled_from(["<{url}>", "l:internal", "?e", "<\\u0068ttp://127.0.0.1:{port}/internal>"])
_TAIL = st.sampled_from(["}", "} #'", '} #"', "} # }", '} "', "} '"])
_GAP = st.sampled_from([" ", "\n", "\t", "  \r\n "])


@st.composite
def smuggled_service(draw: st.DrawFn) -> str:
    """A query that tries to hide a SERVICE clause from a checker (and may or may not parse)."""
    before = draw(st.lists(_BEFORE, max_size=3))
    gap = draw(_GAP)
    keyword, target, tail = draw(_KEYWORD), draw(_TARGET), draw(_TAIL)
    values = "VALUES ?e { <{url}> } " if target == "?e" else ""
    body = gap.join([*before, keyword, target, "{ ?s ?p ?o }", tail])
    return "PREFIX l: <http://127.0.0.1:{port}/> SELECT ?s WHERE { " + values + body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=smuggled_service())
def test_the_parse_check_refuses_whatever_oxigraph_would_send(
    oxigraph_kg: KnowledgeGraph, listener: CountingListener, template: str
) -> None:
    """The check alone (no sandbox): where it lets a text through, Oxigraph run on that text in
    this (unfiltered) process makes no connection."""
    query = template.replace("{url}", listener.url_for("internal")).replace("{port}", str(listener.port))
    before = listener.connections
    try:
        oxigraph_kg.check_outbound(query)
    except (QueryRefused, QuerySyntaxError):
        return
    with contextlib.suppress(SyntaxError, OSError):  # the engine is given the canonical text
        list(ox.Store().query(canonical_query(query), prefixes=PREFIXES))  # type: ignore[arg-type]
    assert listener.settle() == before, f"the check let through {query!r} and Oxigraph called out"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=smuggled_service())
def test_no_smuggled_service_reaches_the_network_over_http(
    tight: LiveServer, listener: CountingListener, template: str
) -> None:
    query = template.replace("{url}", listener.url_for("internal")).replace("{port}", str(listener.port))
    before = listener.connections
    response = sparql(tight, query)
    assert response.status_code in (400, 403), (query, response.status_code, response.text)
    assert "SECRET" not in response.text
    assert listener.settle() == before, f"{query!r} reached the listener"


def test_query_processes_have_no_network_even_past_the_check(listener: CountingListener) -> None:
    """The layer beneath the check: under the filter, Oxigraph's own SERVICE client and a plain
    socket both fail, and nothing reaches the listener."""
    code = f"""
import socket, pyoxigraph as ox
from mlkg.graph._sandbox import deny_network
assert deny_network()
try:
    list(ox.Store().query("SELECT * WHERE {{ SERVICE <{listener.url_for("internal")}> {{ ?s ?p ?o }} }}"))
except OSError as err:
    print("engine:", err)
try:
    socket.create_connection(("127.0.0.1", {listener.port}), timeout=2)
except OSError as err:
    print("socket:", err)
a, b = socket.socketpair(); a.send(b"x"); print("unix:", b.recv(1))
"""
    before = listener.connections
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "engine: Operation not permitted" in done.stdout and "socket: [Errno 1]" in done.stdout
    assert "unix: b'x'" in done.stdout
    assert listener.settle() == before


def test_the_worker_pool_runs_sandboxed(oxigraph_kg: KnowledgeGraph) -> None:
    with BoundedQueryRunner(oxigraph_kg, workers=1, timeout=5) as runner:
        assert runner.sandboxed
        assert runner.run("ASK { ?s ?p ?o }", "text/csv").body == b"true\r\n"


# -- 2, 3. request text and headers never stall the event loop -------------------------------


def test_a_text_quadratic_for_a_lexer_does_not_stall_other_routes(tight: LiveServer) -> None:
    query = 'ASK { "' + '"\\' * 49_000
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        attack = pool.submit(lambda: httpx.post(tight.url + "/sparql", data={"query": query}, timeout=60))
        time.sleep(0.05)
        assert health_answers(tight)
        response = attack.result()
    assert response.status_code == 400 and "syntax" in response.text.lower()


def test_a_huge_accept_header_is_refused_at_once(tight: LiveServer) -> None:
    huge = ", ".join(f"application/x-{i}" for i in range(1_000_000))  # ~20 MB
    with socket.create_connection(("127.0.0.1", tight.port), timeout=10) as conn:
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nAccept: ")
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # it may close early
            for start in range(0, len(huge), 1 << 16):
                conn.sendall(huge[start : start + (1 << 16)].encode())
        answer = conn.recv(4096)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
    assert health_answers(tight)


def test_too_many_accept_entries_is_a_clear_400(tight: LiveServer) -> None:
    accept = ", ".join(f"text/x-{i};q=0.1" for i in range(150))
    response = sparql(tight, CHEAP, Accept=accept)
    assert response.status_code == 400 and "Accept header lists 150 media ranges" in response.text


def test_too_many_header_fields_is_431(tight: LiveServer) -> None:
    headers = {f"x-h{i}": "1" for i in range(150)}
    response = httpx.get(tight.url + "/health", headers=headers, timeout=10)
    assert response.status_code == 431 and "header fields" in response.text


# -- 4. memory and answer size ------------------------------------------------------------------

DOUBLING = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(34))
MEMORY_BOMB = f'SELECT (STRLEN(?a34) AS ?n) WHERE {{ BIND("aaaaaaaaaa" AS ?a0) {DOUBLING} }}'


def test_a_memory_bomb_is_stopped_at_the_memory_limit(tight: LiveServer) -> None:
    response = sparql(tight, MEMORY_BOMB)
    assert response.status_code == 503, response.text
    assert "256 MB per-query memory limit" in response.text  # the memory cap fired, not the clock
    workers = settled_workers(tight)  # the dead worker's replacement is forked by now
    again = sparql(tight, MEMORY_BOMB)
    assert again.status_code == 503 and "memory limit" in again.text
    assert tight.worker_pids() == workers, "the same request should be refused without a worker"
    root = psutil.Process(tight.process.pid)
    tree = [root, *root.children(recursive=True)]
    assert sum(p.memory_info().rss for p in tree) < 1_500 * (1 << 20)
    assert sparql(tight, f"{CHEAP} # {time.time_ns()}").status_code == 200


def test_a_huge_answer_is_cut_at_the_byte_limit_and_says_so(tight: LiveServer) -> None:
    query = (
        "SELECT ?s ?big WHERE { ?s ?p ?o BIND(CONCAT(STR(?s), "
        + ", ".join(["STR(?o)"] * 40)
        + ") AS ?big) } LIMIT 5000"
    )
    response = sparql(tight, query)
    assert response.status_code == 200
    assert response.headers["mlkg-truncated"] == "true; max-bytes=200000"
    assert len(response.content) <= 200_000
    doc = response.json()
    assert doc["truncated"]["maxBytes"] == 200_000 and doc["results"]["bindings"]
    assert list(doc)[:2] == ["head", "truncated"]


def test_the_answer_cache_is_bounded_in_bytes(oxigraph_kg: KnowledgeGraph) -> None:
    with BoundedQueryRunner(
        oxigraph_kg, workers=1, timeout=5, cache_entries=100, cache_bytes=20_000
    ) as runner:
        for n in range(40):
            runner.run(f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {20 + n}", "text/csv")
        assert 0 < runner._cache.weight <= 20_000


# -- 5. a client that leaves frees its worker -------------------------------------------------


def test_a_client_that_leaves_stops_its_query_at_once(tight: LiveServer) -> None:
    before = tight.worker_pids()
    body = str(httpx.QueryParams({"query": RUNAWAY})).encode()
    with socket.create_connection(("127.0.0.1", tight.port), timeout=5) as conn:
        conn.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        time.sleep(0.5)  # the runaway is running in a worker now
    left = time.monotonic()
    while time.monotonic() - left < LIMIT - 1 and before <= tight.worker_pids():
        time.sleep(0.05)
    # Within the loop's bound, below the time limit: the disconnect, not the clock, stopped it.
    assert not before <= tight.worker_pids(), "no worker was stopped after the client left"


# -- 6. connections ---------------------------------------------------------------------------


def test_a_half_sent_head_times_out(tight: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", tight.port), timeout=10) as conn:
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        answer = conn.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b"not complete within" in answer


def test_a_connection_flood_from_one_address_does_not_lock_out_others(tight: LiveServer) -> None:
    flood: list[socket.socket] = []
    try:
        for _ in range(25):
            conn = socket.socket()
            conn.bind(("127.0.0.2", 0))  # another loopback address: another client
            conn.connect(("127.0.0.1", tight.port))
            conn.sendall(b"GET /health HTTP/1.1\r\n")
            flood.append(conn)
        time.sleep(0.2)
        refused = 0
        for conn in flood:
            conn.settimeout(0.01)
            with contextlib.suppress(OSError):
                refused += conn.recv(64).startswith(b"HTTP/1.1 503")
        assert refused >= 5, refused  # past the 20 per address
        assert health_answers(tight)  # 127.0.0.1 is another client
    finally:
        for conn in flood:
            conn.close()


# -- 7. data files ------------------------------------------------------------------------------

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "laugh">
{levels}
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/x"><ex:p>&a9;</ex:p></rdf:Description>
</rdf:RDF>
"""


def test_billion_laughs_is_refused_before_parsing(tmp_path: Path) -> None:
    levels = "\n".join(
        f' <!ENTITY a{n} "{("&a" + str(n - 1) + ";") * 10 if n > 1 else "&a;" * 10}">' for n in range(1, 10)
    )
    path = tmp_path / "laughs.rdf"
    path.write_text(LAUGHS.format(levels=levels))
    done = run_cli("validate", "--data", str(path))
    assert done.returncode == 1 and "defined through other or external entities" in done.stderr


def test_plain_namespace_entities_still_load(tmp_path: Path) -> None:
    path = tmp_path / "plain.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY ex "http://example.org/"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
        '<rdf:Description rdf:about="&ex;a"><ex:p>x</ex:p></rdf:Description></rdf:RDF>\n'
    )
    with KnowledgeGraph.open(data=(str(path),)) as kg:
        assert kg.query("ASK { <http://example.org/a> <http://example.org/p> 'x' }").boolean


def test_workers_are_forks_of_one_loaded_graph(oxigraph_kg: KnowledgeGraph) -> None:
    """Replacement workers come from the zygote that parsed the data once: no re-parse."""
    with BoundedQueryRunner(oxigraph_kg, workers=2, timeout=1.0) as runner:
        zygote = runner.zygote_pid()
        assert zygote is not None
        assert {psutil.Process(pid).ppid() for pid in runner.pids()} == {zygote}
        with pytest.raises(Exception, match="time limit"):
            runner.run(RUNAWAY, "text/csv")
        assert runner.run(f"ASK {{ ?s ?p ?o }} # {time.time_ns()}", "text/csv").body.endswith(b"true\r\n")
        assert {psutil.Process(pid).ppid() for pid in runner.pids()} == {zygote}
        assert runner.zygote_pid() == zygote


# -- 8. proxies, Host, the CLI's time limit, a byte-order mark ---------------------------------


@pytest.fixture(scope="module")
def public() -> Iterator[LiveServer]:
    """A server with a rate limit and a configured public URL, as behind a proxy."""
    env = {"MLKG_RATE_LIMIT_PER_MINUTE": "12", "MLKG_PUBLIC_URL": "https://kg.example.org"}
    server = LiveServer(env=env)
    yield server
    server.stop()


def test_the_host_header_is_not_reflected(public: LiveServer) -> None:
    evil = {"Host": "evil.example"}
    redirect = httpx.get(public.url + "/viz/", headers=evil)
    assert redirect.status_code == 307 and redirect.headers["location"].startswith("https://kg.example.org/")
    described = httpx.get(public.url + "/sparql", headers={**evil, "Accept": "text/turtle"})
    assert "<https://kg.example.org/sparql>" in described.text and "evil" not in described.text


def test_x_forwarded_for_from_an_untrusted_peer_gets_no_bucket_of_its_own(public: LiveServer) -> None:
    search = public.url + "/api/search"
    statuses = [
        httpx.get(search, params={"q": "torch"}, headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
        for i in range(16)
    ]
    assert statuses.count(429) >= 4, statuses


def test_the_query_base_is_the_public_url(tight: LiveServer) -> None:
    response = sparql(tight, "SELECT (STR(<x>) AS ?b) WHERE {}", Host="evil.example")
    assert response.json()["results"]["bindings"][0]["b"]["value"] == f"http://127.0.0.1:{tight.port}/x"


def test_a_byte_order_mark_is_ignored(tight: LiveServer) -> None:
    response = httpx.post(
        tight.url + "/sparql",
        content="\ufeffASK { ?s ?p ?o }".encode(),
        headers={"Content-Type": "application/sparql-query", **JSON},
    )
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_mlkg_query_stops_at_its_time_limit() -> None:
    done = run_cli("query", "--timeout", "1", RUNAWAY)
    assert done.returncode == 1 and "1 s time limit" in done.stderr
