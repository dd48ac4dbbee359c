"""A short load run in ``make test``: concurrent clients on loopback against a real server.

30 clients for 5 s on a mix of REST and SPARQL requests (``tests/soak.py``; ``make soak`` is
the full 50 x 60 s): zero errors. Then the same with one runaway query kept in flight: still
zero errors, and the light requests' p99 stays within 2x. Then beside the hostile mix (memory
bombs, clients that leave mid-query, stalled request heads, from another address): still zero
errors, and the service answers fast again at once. The figures (and the client's own ceiling
against a trivial server) are printed with the test results.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from adversarial import report
from processes import LiveServer
from soak import LoadResult, ceiling, p99_ratio, run_load

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


def test_client_ceiling_is_well_above_the_server(
    baseline: LoadResult, request: pytest.FixtureRequest
) -> None:
    top = ceiling(CLIENTS, 2.0)
    report(request, top.summary("client ceiling (trivial server)"))
    assert top.errors == 0
    assert top.rps > 2 * baseline.rps, "the client, not the server, would be the bottleneck"


def test_light_load_has_no_errors(baseline: LoadResult) -> None:
    assert baseline.errors == 0, baseline.error_samples
    assert baseline.requests > CLIENTS * SECONDS  # every client made progress the whole time


def test_a_runaway_query_does_not_starve_light_requests(
    server: LiveServer, baseline: LoadResult, request: pytest.FixtureRequest
) -> None:
    loaded = run_load(server.url, CLIENTS, SECONDS, runaway=True)
    report(request, loaded.summary("light requests + 1 runaway"))
    report(request, f"p99 with a runaway / without: {p99_ratio(baseline, loaded):.2f}x")
    assert loaded.errors == 0, loaded.error_samples
    assert loaded.runaways >= 1 and set(loaded.runaway_statuses) == {503}
    assert p99_ratio(baseline, loaded) <= 2.0


def test_the_hostile_mix_costs_light_clients_no_errors(
    server: LiveServer, baseline: LoadResult, request: pytest.FixtureRequest
) -> None:
    attacked = run_load(server.url, CLIENTS, SECONDS, hostile=True, server_pid=server.process.pid)
    report(request, attacked.summary("light requests + hostile mix"))
    assert attacked.errors == 0, attacked.error_samples
    assert attacked.hostile.get("disconnecting runaway", 0) >= 2
    assert any(key.startswith("memory bomb -> 503") for key in attacked.hostile), attacked.hostile
    assert attacked.recovery_seconds is not None and attacked.recovery_seconds < 5
