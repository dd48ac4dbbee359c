"""Where the time of one never-repeated /sparql request goes, layer by layer (bench/README.md).

Each layer is timed on its own over the bench's six queries, every text new (a trailing
comment), so no cache answers; figures are medians of sequential calls (one at a time):

- engine: ``KnowledgeGraph.query`` + serialisation, as a worker runs it;
- pool: ``BoundedQueryRunner.run``: that, plus the checks, the pipe to a worker and back;
- HTTP: a real ``mlkg serve`` (uvicorn) asked by one keep-alive client: that, plus HTTP,
  routing, negotiation, middleware and the thread hop; ``/health`` is the stack's floor.

    python bench/profile_request.py [--n 300]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import queries
import servers


def per_call_ms(run: Callable[[int], object], n: int) -> float:
    """Median of n calls in ms; each call gets its own number, so its own query text."""
    times = []
    for i in range(n):
        start = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _getter(conn: http.client.HTTPConnection, accept: str) -> Callable[[str], bytes]:
    def get(path: str) -> bytes:
        conn.request("GET", path, headers={"Accept": accept})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path[:80]}: {response.status} {body[:200]!r}")
        return body

    return get


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="calls per query and layer")
    args = parser.parse_args(argv)

    from mlkg.graph import KnowledgeGraph, serialize_result
    from mlkg.graph._bounded import BoundedQueryRunner

    kg = KnowledgeGraph.open(validate=False)
    mix = queries.query_mix(queries.SHIPPED)
    media = {
        name: "text/turtle" if name in ("construct", "describe") else "application/sparql-results+json"
        for name in mix
    }
    rows: dict[str, list[float]] = {name: [] for name in mix}
    for name, text in mix.items():
        rows[name].append(
            per_call_ms(
                lambda i, t=text, m=media[name]: serialize_result(kg.query(f"{t}\n# e{i}"), m), args.n
            )
        )
    with BoundedQueryRunner(kg, workers=2, timeout=10) as runner:
        for name, text in mix.items():
            rows[name].append(
                per_call_ms(lambda i, t=text, m=media[name]: runner.run(f"{t}\n# p{i}", m), args.n)
            )
    with servers.MlkgServer(env={"MLKG_RESULT_CACHE_ENTRIES": "0"}) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        health = per_call_ms(lambda i: _getter(conn, "application/json")("/health"), args.n)
        for name, text in mix.items():
            get = _getter(conn, media[name])
            rows[name].append(
                per_call_ms(
                    lambda i, t=text, g=get: g("/sparql?" + urlencode({"query": f"{t}\n# h{i}"})), args.n
                )
            )
        conn.close()
    print(f"GET /health through uvicorn: {health:.3f} ms (the HTTP stack's floor, no query)")
    print("| query | engine + serialise ms | pool: + checks, pipe, worker ms | HTTP: + uvicorn, app ms |")
    print("|---|---|---|---|")
    for name, (engine, pool, over_http) in rows.items():
        print(f"| {name} | {engine:.3f} | {pool:.3f} | {over_http:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
