"""Load generator for mlkg: many concurrent clients on loopback, with or without a runaway query.

Clients are asyncio tasks with ``httpx.AsyncClient`` spread over several *processes*, so the
client is not the bottleneck (its own ceiling, against a trivial HTTP server, is measured by
:func:`ceiling` and reported beside the figures). Each client sends light requests, a mix of
REST and SPARQL, one after another until the time is up (a bounded loop that stops by itself).
The runaway is one cross-product query kept in flight the whole time: it runs to the query
time limit (503), and is sent again at once.

:func:`run_beside_greedy_client` runs them beside one client (127.0.0.3) keeping ten runaway
queries in flight, more than the worker pool: it gets its share of the workers
(``MLKG_MAX_QUERIES_PER_CLIENT``), its extras are refused, and the light clients see no errors.

The *hostile mix* (``hostile=True``) runs beside the light clients, from another loopback
address (127.0.0.2, so per-address limits do not touch the light clients): memory bombs, runaway
queries whose clients disconnect after 0.3 s, and connections that send half a request head and
stall. It reports the light clients' p99 and errors (the target is zero), the peak memory of the
server's process tree, and the recovery time (until a fresh cheap query answers fast again).

The *slow clients* (``slow=("slow-bodies", "slow-readers")``, either or both) run beside the
light clients in the same way: 1,000 POSTs from
16 other loopback addresses that declare a body and trickle it a byte a second (the body
timeout answers them 408, the connection cap closes the biggest address's to make room), and
connections that ask for ~19 MB answers and never read them (paced, cut off past the write
timeout or the unread-output limit).

Used by ``tests/system/test_load.py`` (a short run in ``make test``) and by ``make soak``::

    python tests/soak.py --clients 50 --duration 60          # starts its own mlkg serve
    python tests/soak.py --url http://127.0.0.1:8000 ...     # or drives a running one
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

CHEAP_SPARQL = "SELECT ?l WHERE { ent:PyTorch skos:prefLabel ?l }"
COUNTERPARTS_SPARQL = (
    "SELECT ?a ?b WHERE { ?c a mlkg:Correspondence ; mlkg:tool ?a, ?b . FILTER(STR(?a) < STR(?b)) }"
)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: Doubles a string 34 times (~170 GB): stopped by the per-query memory cap.
MEMORY_BOMB = (
    'SELECT (STRLEN(?a34) AS ?n) WHERE { BIND("aaaaaaaaaa" AS ?a0) '
    + " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(34))
    + " }"
)
HOSTILE_ADDRESS = "127.0.0.2"
SLOW_BODY_ADDRESSES = [f"127.0.1.{n}" for n in range(1, 17)]  # 1,000 connections: 63 each
SLOW_READER_ADDRESS = "127.0.0.3"
#: A ~19 MB CSV answer (10,000 rows of long strings).
BIG_ANSWER = (
    "SELECT ?s ?big WHERE { ?s ?p ?o BIND(CONCAT(STR(?s), "
    + ", ".join(["STR(?o)"] * 40)
    + ") AS ?big) } LIMIT 10000"
)
JSON_RESULTS = {"Accept": "application/sparql-results+json"}

#: The light requests: (name, method, path, params/body, headers). Every one answers 200.
MIX: list[tuple[str, str, str, dict[str, str], dict[str, str]]] = [
    ("counterparts", "GET", "/api/counterparts", {"tool": "tf serving"}, {}),
    ("counterparts-typo", "GET", "/api/counterparts", {"tool": "Kears"}, {}),
    ("search", "GET", "/api/search", {"q": "torch"}, {}),
    ("entity-json", "GET", "/api/entities/TorchServe", {}, {}),
    ("entity-turtle", "GET", "/entity/PyTorch", {}, {"Accept": "text/turtle"}),
    ("health", "GET", "/health", {}, {}),
    ("sparql-get", "GET", "/sparql", {"query": CHEAP_SPARQL}, JSON_RESULTS),
    ("sparql-post", "POST", "/sparql", {"query": COUNTERPARTS_SPARQL}, JSON_RESULTS),
    ("sparql-ask", "GET", "/sparql", {"query": "ASK { ent:TorchServe mlkg:counterpartOf ?x }"}, JSON_RESULTS),
    ("sparql-fresh", "GET", "/sparql", {"query": CHEAP_SPARQL}, JSON_RESULTS),
]
#: Sent with a new comment each time, so a worker runs it (not the server's answer cache).
FRESH = "sparql-fresh"


@dataclass
class LoadResult:
    """What a run measured over the light requests."""

    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    runaways: int = 0
    runaway_statuses: dict[int, int] = field(default_factory=dict)
    hostile: dict[str, int] = field(default_factory=dict)
    peak_tree_mb: float | None = None
    recovery_seconds: float | None = None
    #: Answered requests per client (by client number): who made progress, not how fast.
    answered: dict[int, int] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self, label: str) -> str:
        line = (
            f"{label}: {self.clients} clients x {self.seconds:.1f} s: {self.requests} requests, "
            f"{self.rps:.0f} req/s, p50 {self.percentile(50) * 1000:.1f} ms, "
            f"p99 {self.percentile(99) * 1000:.1f} ms, errors {self.errors}"
        )
        if self.runaways:
            line += f"; runaway queries sent {self.runaways} {self.runaway_statuses}"
        if self.hostile:
            line += f"; hostile {self.hostile}"
        if self.peak_tree_mb is not None:
            line += f"; peak server tree memory {self.peak_tree_mb:.0f} MB"
        if self.recovery_seconds is not None:
            line += f"; recovered in {self.recovery_seconds:.2f} s"
        return line


# -- the client side (runs in each client process) ----------------------------------------------
#
# A minimal HTTP/1.1 keep-alive client on asyncio streams: every request is encoded once up
# front, and a response is read by its Content-Length (or chunks). httpx costs ~10x more CPU
# per request, which on a small machine makes the client, not the server, the bottleneck.


def _encode(host: str, method: str, path: str, params: dict[str, str], headers: dict[str, str]) -> bytes:
    from urllib.parse import urlencode

    lines = [f"Host: {host}", "Connection: keep-alive", *(f"{k}: {v}" for k, v in headers.items())]
    body = b""
    if method == "GET":
        target = path + ("?" + urlencode(params) if params else "")
    else:
        target = path
        body = urlencode(params).encode()
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    return (f"{method} {target} HTTP/1.1\r\n" + "\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length, chunked = 0, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    body = b""
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
        body += await reader.readexactly(size + 2)
        if size == 0:
            return status, body


async def _client(
    host: str, port: int, requests: list[bytes | None], deadline: float, offset: int, out: dict[str, Any]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    index = offset
    try:
        while time.monotonic() < deadline:
            request = requests[index % len(requests)]
            index += 1
            if request is None:  # the fresh query: unique text
                query = f"{CHEAP_SPARQL} # client {offset} request {index}"
                request = _encode(f"{host}:{port}", "GET", "/sparql", {"query": query}, JSON_RESULTS)
            started = time.perf_counter()
            try:
                writer.write(request)
                status, body = await _read_response(reader)
                ok, detail = status == 200, f"{request[:60]!r} -> {status} {body[:120]!r}"
            except (OSError, asyncio.IncompleteReadError, ValueError) as err:
                ok, detail = False, f"{request[:60]!r} -> {type(err).__name__}: {err}"
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
            if ok:
                out["latencies"].append(time.perf_counter() - started)
                out["answered"][offset] = out["answered"].get(offset, 0) + 1
            else:
                out["errors"] += 1
                if len(out["samples"]) < 5:
                    out["samples"].append(detail)
    finally:
        writer.close()


async def _clients(base: str, clients: int, seconds: float, first: int) -> dict[str, Any]:
    url = httpx.URL(base)
    host, port = url.host, url.port or 80
    requests: list[bytes | None] = [
        None if name == FRESH else _encode(f"{host}:{port}", m, path, params, headers)
        for name, m, path, params, headers in MIX
    ]
    out: dict[str, Any] = {"latencies": [], "errors": 0, "samples": [], "answered": {}}
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(_client(host, port, requests, deadline, first + i, out) for i in range(clients)))
    return out


def _client_process(base: str, clients: int, seconds: float, first: int, start_at: float, queue: Any) -> None:
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)  # every process starts at the same moment
    queue.put(asyncio.run(_clients(base, clients, seconds, first)))


def run_load(
    base: str,
    clients: int,
    seconds: float,
    *,
    processes: int = 2,
    runaway: bool = False,
    hostile: bool = False,
    slow: tuple[str, ...] = (),
    server_pid: int | None = None,
) -> LoadResult:
    """``clients`` concurrent clients for ``seconds`` against ``base``; optionally one runaway
    in flight, the hostile mix or the slow clients named in ``slow`` (:data:`SLOW_CLIENTS`)
    beside them (with ``server_pid``, the tree's peak memory)."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    processes = max(1, min(processes, clients))
    shares = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    start_at = time.time() + 1.5  # time for the spawned interpreters to import httpx
    procs = [
        context.Process(target=_client_process, args=(base, n, seconds, sum(shares[:i]), start_at, queue))
        for i, n in enumerate(shares)
    ]
    for proc in procs:
        proc.start()
    result = LoadResult(clients=clients, seconds=seconds)
    stop = threading.Event()
    runner = threading.Thread(target=_runaway, args=(base, stop, result), daemon=True) if runaway else None
    if runner:
        runner.start()
    attackers = _start_hostile(base, stop, result) if hostile else []
    attackers += _start_slow(base, stop, result, slow)
    sampler = None
    if server_pid is not None:
        sampler = threading.Thread(target=_sample_memory, args=(server_pid, stop, result), daemon=True)
        sampler.start()
    for _ in procs:
        part = queue.get(timeout=seconds + 120)
        result.latencies += part["latencies"]
        result.errors += part["errors"]
        result.error_samples += part["samples"]
        result.answered.update(part["answered"])
    for proc in procs:
        proc.join(30)
    stop.set()
    if runner:
        runner.join(120)
    for attacker in attackers:
        attacker.join(60)
    if sampler:
        sampler.join(5)
    if hostile or slow:
        result.recovery_seconds = _recovery(base)
    return result


# -- the hostile mix --------------------------------------------------------------------------------


def _count(result: LoadResult, key: str) -> None:
    result.hostile[key] = result.hostile.get(key, 0) + 1


def _hostile_client() -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=HOSTILE_ADDRESS)
    return httpx.Client(transport=transport, timeout=120)


def _memory_bombs(base: str, stop: threading.Event, result: LoadResult) -> None:
    with _hostile_client() as http:
        n = 0
        while not stop.is_set():
            n += 1  # a new text each time, so it is not refused from memory at once
            response = http.get(
                base + "/sparql", params={"query": f"{MEMORY_BOMB} # {n}"}, headers=JSON_RESULTS
            )
            _count(result, f"memory bomb -> {response.status_code}")


def _disconnecting_runaways(base: str, stop: threading.Event, result: LoadResult) -> None:
    import socket
    from urllib.parse import urlencode

    url = httpx.URL(base)
    n = 0
    while not stop.is_set():
        n += 1
        body = urlencode({"query": f"{RUNAWAY} # {time.time_ns()} {n}"}).encode()
        head = (
            f"POST /sparql HTTP/1.1\r\nHost: {url.host}\r\nContent-Type: application/x-www-form-urlencoded"
            f"\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        with socket.socket() as conn:
            conn.bind((HOSTILE_ADDRESS, 0))
            conn.connect((url.host, url.port or 80))
            conn.sendall(head + body)
            time.sleep(0.3)  # the query is running in a worker: now leave
        _count(result, "disconnecting runaway")


def _slow_heads(base: str, stop: threading.Event, result: LoadResult, keep: int = 40) -> None:
    """Keep ``keep`` connections that send a valid request head one byte at a time, never ending it."""
    import socket

    url = httpx.URL(base)
    open_: list[socket.socket] = []
    while not stop.is_set():
        while len(open_) < keep:
            conn = socket.socket()
            conn.bind((HOSTILE_ADDRESS, 0))
            conn.connect((url.host, url.port or 80))
            conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            conn.setblocking(False)
            open_.append(conn)
            _count(result, "slow head")
        time.sleep(0.2)
        _trickle(open_, result, "slow head")
    for conn in open_:
        conn.close()


def _trickle(open_: list[Any], result: LoadResult, label: str) -> None:
    """Send each of the ``open_`` sockets one more byte; count how the server ended those it
    answered or closed (``label -> 408``, ``label -> closed``) and drop them from ``open_``."""
    for conn in list(open_):
        try:
            conn.send(b"a")
            answer = conn.recv(64)
        except BlockingIOError:
            continue  # still open, nothing said yet
        except OSError:
            answer = b""
        status = answer[9:12].decode(errors="replace") if answer.startswith(b"HTTP/") else "closed"
        _count(result, f"{label} -> {status}")
        conn.close()
        open_.remove(conn)


def _start_hostile(base: str, stop: threading.Event, result: LoadResult) -> list[threading.Thread]:
    jobs = [_memory_bombs, _memory_bombs, _disconnecting_runaways, _disconnecting_runaways, _slow_heads]
    threads = [threading.Thread(target=job, args=(base, stop, result), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    return threads


# -- the slow clients -------------------------------------------------------------------------------


def _slow_bodies(base: str, stop: threading.Event, result: LoadResult, keep: int = 1000) -> None:
    """Keep ``keep`` POSTs open from a few addresses, each trickling its declared body a byte a
    second; count how the server ends them, and open new ones in their place."""
    import socket

    from mlkg.api.connections import raise_open_file_limit

    raise_open_file_limit()  # this process holds the 1,000 sockets
    url = httpx.URL(base)
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: {url.host}\r\nContent-Type: application/x-www-form-urlencoded"
        "\r\nContent-Length: 100000\r\n\r\nquery="
    ).encode()
    open_: list[socket.socket] = []
    opened = 0
    while not stop.is_set():
        while len(open_) < keep and not stop.is_set():
            conn = socket.socket()
            try:
                conn.bind((SLOW_BODY_ADDRESSES[opened % len(SLOW_BODY_ADDRESSES)], 0))
                conn.connect((url.host, url.port or 80))
                conn.sendall(head)
            except OSError:
                conn.close()
                _count(result, "slow body -> refused at connect")
                break
            opened += 1
            conn.setblocking(False)
            open_.append(conn)
            _count(result, "slow body")
        stop.wait(1.0)
        _trickle(open_, result, "slow body")
    for conn in open_:
        conn.close()


def _slow_readers(base: str, stop: threading.Event, result: LoadResult, keep: int = 12) -> None:
    """Keep ``keep`` connections that ask for a ~19 MB answer and never read it; count the ones
    the server cut off (the socket no longer established), and open new ones in their place, one
    each half second (what is measured is the unread output; a stream of queries taking the
    worker pool is another case)."""
    import socket
    from urllib.parse import urlencode

    url = httpx.URL(base)
    established = 1  # TCP_ESTABLISHED in tcp_info's first byte
    open_: list[socket.socket] = []
    n = 0
    while not stop.is_set():
        if len(open_) < keep:
            n += 1
            conn = socket.socket()
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            conn.bind((SLOW_READER_ADDRESS, 0))
            conn.connect((url.host, url.port or 80))
            query = urlencode({"query": f"{BIG_ANSWER} # {time.time_ns()} {n}"})
            conn.sendall(
                f"GET /sparql?{query} HTTP/1.1\r\nHost: {url.host}\r\nAccept: text/csv\r\n\r\n".encode()
            )
            open_.append(conn)
            _count(result, "slow reader")
        stop.wait(0.5)
        for conn in list(open_):
            if conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] != established:
                _count(result, "slow reader -> cut off")
                conn.close()
                open_.remove(conn)
    for conn in open_:
        conn.close()


#: The slow clients by name, as ``run_load(slow=...)`` and ``--case`` take them.
SLOW_CLIENTS = {"slow-bodies": _slow_bodies, "slow-readers": _slow_readers}


def _start_slow(
    base: str, stop: threading.Event, result: LoadResult, names: tuple[str, ...]
) -> list[threading.Thread]:
    threads = [
        threading.Thread(target=SLOW_CLIENTS[name], args=(base, stop, result), daemon=True) for name in names
    ]
    for thread in threads:
        thread.start()
    return threads


def _sample_memory(pid: int, stop: threading.Event, result: LoadResult) -> None:
    """The peak resident memory of the server and every process under it (MB)."""
    import psutil

    root = psutil.Process(pid)
    peak = 0
    while not stop.wait(0.1):
        total = 0
        for proc in [root, *root.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                continue
        peak = max(peak, total)
    result.peak_tree_mb = peak / (1 << 20)


def _recovery(base: str) -> float:
    """Seconds until three fresh cheap queries in a row answer in under 100 ms."""
    started = time.monotonic()
    fast = 0
    with httpx.Client(timeout=60) as http:
        while fast < 3 and time.monotonic() - started < 60:
            sent = time.monotonic()
            query = f"{CHEAP_SPARQL} # recovery {time.time_ns()}"
            ok = http.get(base + "/sparql", params={"query": query}, headers=JSON_RESULTS).status_code == 200
            fast = fast + 1 if ok and time.monotonic() - sent < 0.1 else 0
    return time.monotonic() - started


def _runaway(base: str, stop: threading.Event, result: LoadResult) -> None:
    """Keep one runaway query in flight until ``stop``; count how each ended."""
    with httpx.Client(timeout=300) as http:
        while not stop.is_set():
            response = http.post(base + "/sparql", data={"query": RUNAWAY}, headers=JSON_RESULTS)
            result.runaways += 1
            result.runaway_statuses[response.status_code] = (
                result.runaway_statuses.get(response.status_code, 0) + 1
            )


# -- one client's runaways beside the light clients ---------------------------------------------------

GREEDY_ADDRESS = "127.0.0.3"
#: Runaway queries the greedy client keeps in flight: more than the whole worker pool (4 + 4).
GREEDY_RUNAWAYS = 10


def _greedy_runaway(base: str, stop: threading.Event, result: LoadResult) -> None:
    """Keep one runaway of the greedy address in flight; after a refusal, wait as told."""
    transport = httpx.HTTPTransport(local_address=GREEDY_ADDRESS)
    with httpx.Client(transport=transport, timeout=300) as http:
        while not stop.is_set():
            query = f"{RUNAWAY} # greedy {time.time_ns()}"
            response = http.post(base + "/sparql", data={"query": query}, headers=JSON_RESULTS)
            _count(result, f"greedy runaway -> {response.status_code}")
            if response.status_code == 429:
                stop.wait(float(response.headers.get("retry-after", "1")))


def run_beside_greedy_client(
    base: str, clients: int, seconds: float, *, processes: int = 2, server_pid: int | None = None
) -> LoadResult:
    """The light clients beside one address that keeps :data:`GREEDY_RUNAWAYS` runaway queries
    in flight (more than the worker pool): that address gets its share of the workers, the
    light clients (another address) must see no errors; then the recovery time."""
    stop = threading.Event()
    greedy = LoadResult(clients=GREEDY_RUNAWAYS, seconds=seconds)
    threads = [
        threading.Thread(target=_greedy_runaway, args=(base, stop, greedy), daemon=True)
        for _ in range(GREEDY_RUNAWAYS)
    ]
    for thread in threads:
        thread.start()
    try:
        result = run_load(base, clients, seconds, processes=processes, server_pid=server_pid)
    finally:
        stop.set()
        for thread in threads:
            thread.join(300)
    result.hostile = dict(sorted(greedy.hostile.items()))
    result.recovery_seconds = _recovery(base)
    return result


# -- the client's ceiling ---------------------------------------------------------------------------


def _trivial_server(port: int, ready: Any) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        body = b'{"status":"ok"}'
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")
                    ),
                    0,
                )
                if length:
                    await reader.readexactly(length)
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                    % (len(body), body)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def ceiling(clients: int, seconds: float, *, processes: int = 2) -> LoadResult:
    """The same client against a trivial asyncio HTTP server: what the client itself can do."""
    with _socket_port() as port:
        pass
    context = mp.get_context("spawn")
    ready = context.Event()
    server = context.Process(target=_trivial_server, args=(port, ready), daemon=True)
    server.start()
    try:
        ready.wait(30)
        return run_load(f"http://127.0.0.1:{port}", clients, seconds, processes=processes)
    finally:
        server.terminate()
        server.join(5)


class _socket_port:
    """A free loopback port (context manager so the probing socket is closed before use)."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return int(self.sock.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def _count_log(text: str) -> dict[str, int]:
    """The started server's log lines and tracebacks (it writes to a file, never a pipe)."""
    lines = text.splitlines()
    return {"lines": len(lines), "tracebacks": sum(line.startswith("Traceback") for line in lines)}


def p99_ratio(baseline: LoadResult, loaded: LoadResult) -> float:
    return loaded.percentile(99) / baseline.percentile(99)


#: Each case beside the light clients: (label, run(base, clients, seconds, processes, server_pid)).
CASES: dict[str, tuple[str, Callable[[str, int, float, int, int | None], LoadResult]]] = {
    "runaway": ("1 runaway", lambda b, c, s, p, pid: run_load(b, c, s, processes=p, runaway=True)),
    "hostile": (
        "hostile mix",
        lambda b, c, s, p, pid: run_load(b, c, s, processes=p, hostile=True, server_pid=pid),
    ),
    "greedy": (
        f"one client's {GREEDY_RUNAWAYS} runaways",
        lambda b, c, s, p, pid: run_beside_greedy_client(b, c, s, processes=p, server_pid=pid),
    ),
    "slow-bodies": (
        "1,000 slow bodies",
        lambda b, c, s, p, pid: run_load(b, c, s, processes=p, slow=("slow-bodies",), server_pid=pid),
    ),
    "slow-readers": (
        "slow readers",
        lambda b, c, s, p, pid: run_load(b, c, s, processes=p, slow=("slow-readers",), server_pid=pid),
    ),
    "slow": (
        "1,000 slow bodies + slow readers",
        lambda b, c, s, p, pid: run_load(b, c, s, processes=p, slow=tuple(SLOW_CLIENTS), server_pid=pid),
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--url", help="drive this running server instead of starting one")
    parser.add_argument("--query-timeout", type=float, default=10.0, help="for the server started here")
    parser.add_argument("--pid", type=int, help="with --url: the server's process id, to measure its memory")
    parser.add_argument(
        "--case",
        action="append",
        choices=list(CASES),
        help="run only this case after the plain run (repeatable; default: runaway, hostile, greedy, slow)",
    )
    args = parser.parse_args(argv)

    server = None
    pid = args.pid
    if args.url is None:
        from processes import LiveServer  # the tests' helper: mlkg serve on a free port

        server = LiveServer("--query-timeout", str(args.query_timeout))
        base, pid = server.url, server.process.pid
    else:
        base = args.url.rstrip("/")
    cases = args.case or ["runaway", "hostile", "greedy", "slow"]  # the slow ones together
    try:
        top = ceiling(args.clients, min(10.0, args.duration), processes=args.processes)
        print(top.summary("client ceiling (trivial server)"), flush=True)
        plain = run_load(base, args.clients, args.duration, processes=args.processes)
        print(plain.summary("light requests"), flush=True)
        headroom = top.rps / plain.rps if plain.rps else float("inf")
        print(f"client ceiling / light req/s: {headroom:.1f}x (target > 2x: the client is not the limit)")
        per_client = plain.rps / args.clients
        print(f"light req/s per client: {per_client:.1f} (target >= 1: every client kept making progress)")
        runs = [plain]
        ratio = 0.0
        recovered: float | None = 0.0  # the hostile mix's recovery time, where it ran
        for case in cases:
            label, run = CASES[case]
            result = run(base, args.clients, args.duration, args.processes, pid)
            print(result.summary(f"light requests + {label}"), flush=True)
            target = " (target <= 2x)" if case == "runaway" else ""
            print(f"p99 beside {label} / without: {p99_ratio(plain, result):.2f}x{target}", flush=True)
            if case == "runaway":
                ratio = p99_ratio(plain, result)
            if case == "hostile":
                recovered = result.recovery_seconds
                shown = "never" if recovered is None else f"in {recovered:.2f} s"
                print(f"fast again after the hostile mix: {shown} (target < 5 s)", flush=True)
            runs.append(result)
        for sample in [sample for run in runs for sample in run.error_samples][:10]:
            print("error:", sample)
        if server is not None:
            log = _count_log(server.output())
            print(f"server log: {log['lines']} lines, {log['tracebacks']} tracebacks", flush=True)
        failed = any(run.errors for run in runs) or ratio > 2 or headroom <= 2 or per_client < 1
        failed = failed or recovered is None or recovered >= 5
        return 1 if failed else 0
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
