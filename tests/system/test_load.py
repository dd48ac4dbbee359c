"""A short load run in ``make test``: concurrent clients on loopback against a real server.

30 clients for 5 s on a mix of REST and SPARQL requests (``tests/soak.py``; ``make soak`` is
the full 50 x 60 s): zero errors, and every client answered. Then the same with one runaway
query kept in flight, then beside the hostile mix (memory bombs, clients that leave mid-query,
stalled request heads, from another address): still zero errors, every client answered, and
the service answers once the mix stops. The figures (p99 ratios, recovery time, the client's
own ceiling) are printed with the test results; their targets are `make soak`'s.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from adversarial import report
from processes import LiveServer
from soak import CHEAP_SPARQL, LoadResult, p99_ratio, run_load

CLIENTS = 30
SECONDS = 5.0


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = LiveServer("--query-timeout", "8")  # one runaway spans the run: no kill mid-measurement
    yield live
    live.stop()


@pytest.fixture(scope="module")
def baseline(server: LiveServer, request: pytest.FixtureRequest) -> LoadResult:
    run_load(server.url, CLIENTS, 1.0)  # warm up: connections, caches, the name index
    result = run_load(server.url, CLIENTS, SECONDS)
    report(request, result.summary("light requests"))
    return result


def test_light_load_has_no_errors(baseline: LoadResult) -> None:
    assert baseline.errors == 0, baseline.error_samples
    # every client made progress (how fast, per client and against the client's own ceiling, is
    # a figure: `make soak` prints it against its target)
    assert sorted(baseline.answered) == list(range(CLIENTS)) and min(baseline.answered.values()) >= 2


def test_a_runaway_query_does_not_starve_light_requests(
    server: LiveServer, baseline: LoadResult, request: pytest.FixtureRequest
) -> None:
    loaded = run_load(server.url, CLIENTS, SECONDS, runaway=True)
    report(request, loaded.summary("light requests + 1 runaway"))
    report(request, f"p99 with a runaway / without: {p99_ratio(baseline, loaded):.2f}x")
    assert loaded.errors == 0, loaded.error_samples
    assert loaded.runaways >= 1 and set(loaded.runaway_statuses) == {503}
    # and every light client kept being answered beside it (the p99 ratio, target <= 2x, is a
    # figure: `make soak` prints it)
    assert sorted(loaded.answered) == list(range(CLIENTS)) and min(loaded.answered.values()) >= 2


def test_the_hostile_mix_costs_light_clients_no_errors(
    server: LiveServer, baseline: LoadResult, request: pytest.FixtureRequest
) -> None:
    attacked = run_load(server.url, CLIENTS, SECONDS, hostile=True, server_pid=server.process.pid)
    report(request, attacked.summary("light requests + hostile mix"))
    assert attacked.errors == 0, attacked.error_samples
    assert attacked.hostile.get("disconnecting runaway", 0) >= 2
    assert any(key.startswith("memory bomb -> 503") for key in attacked.hostile), attacked.hostile
    assert sorted(attacked.answered) == list(range(CLIENTS))
    # answered again once the mix stopped (how soon, target < 5 s, is `make soak`'s figure)
    after = httpx.get(server.url + "/sparql", params={"query": f"{CHEAP_SPARQL} # after {time.time_ns()}"})
    assert after.status_code == 200, after.text
