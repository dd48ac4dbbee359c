"""How cost grows with the graph: load time, memory and query latency per size and engine.

Each (engine, size) is measured in a *fresh* Python process (``python bench/scaling.py --one
ENGINE FILE``), so the resident memory is that of one loaded graph and nothing else, and a
slow engine can be stopped at its time budget without losing the other measurements.

The graph is opened the way the service opens it: ``KnowledgeGraph.open(GraphConfig(engine,
data=(FILE,)), validate=False)`` -- shipped ontology and data, the synthetic file, then the
inference rules. SHACL validation is left out (``mlkg serve`` validates; its start-up time is in
the server comparison). The load is also broken into its stages (parse and insert, inference)
beside pyoxigraph's bulk loader, so the cost is attributed, not guessed.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _service_counterparts(kg: Any) -> Callable[[str], int]:
    """``mlkg.graph.counterparts`` as the REST route calls it."""
    from mlkg.graph import EntityRef, counterparts

    def run(iri: str) -> int:
        ref = EntityRef(iri.rsplit("/", 1)[-1], iri, iri.rsplit("/", 1)[-1], "Tool", None)
        return len(counterparts(kg, ref).counterparts)

    return run


def measure_one(engine: str, data: Path, frameworks: int, budget: float) -> dict[str, Any]:
    """Open the graph once with ``engine`` and time the lookups and the mix (in this process)."""
    from generate import ENT, ROLES, VARIANTS, tool_id
    from queries import counterpart_query, query_mix, synthetic_targets

    from mlkg.graph import GraphConfig, KnowledgeGraph

    result: dict[str, Any] = {"engine": engine, "file": str(data)}
    rss_before = _rss_mb()
    start = time.perf_counter()
    kg = KnowledgeGraph.open(GraphConfig(engine=engine, data=(str(data),)), validate=False)  # type: ignore[arg-type]
    result["load_s"] = time.perf_counter() - start
    result["rss_mb"] = _rss_mb()
    result["rss_before_mb"] = rss_before
    result["peak_rss_mb"] = _peak_mb()
    result["triples"] = kg.triple_count()
    deadline = time.perf_counter() + budget

    # Counterpart lookups: a different tool each time, spread over the whole graph, three ways:
    # the SPARQL text with VALUES (what /sparql runs), the same query with ?tool bound through
    # kg.query(bindings=) (the REST path's way), and mlkg.graph.counterparts() (the REST answer).
    tools = []
    for i in range(200):
        fw = 1 + (i * 7919) % max(1, frameworks - 1)
        tools.append(ENT + tool_id(fw, i % len(ROLES), (i // len(ROLES)) % VARIANTS))
    bound_text = counterpart_query()
    ways: dict[str, Callable[[str], int]] = {
        "counterpart": lambda t: len(kg.query(counterpart_query(t)).rows),
        "counterpart_bound": lambda t: len(kg.query(bound_text, bindings={"tool": ox.NamedNode(t)}).rows),
    }
    ways["counterpart_service"] = _service_counterparts(kg)
    for way, run in ways.items():
        times: list[float] = []
        way_deadline = time.perf_counter() + budget / len(ways)
        for tool in tools:
            t = time.perf_counter()
            found = run(tool)
            times.append(time.perf_counter() - t)
            if not found:
                raise RuntimeError(f"{way}: no counterpart for {tool}: the generator and the query disagree")
            if time.perf_counter() > way_deadline and len(times) >= 5:
                break
        result[f"{way}_runs"] = len(times)
        result[f"{way}_p50_ms"] = statistics.median(times) * 1000
        result[f"{way}_p99_ms"] = _percentile(times, 0.99) * 1000

    # The mix: every query in turn, repeated while the budget lasts (at least 3 rounds).
    mix = query_mix(synthetic_targets(frameworks))
    per_query: dict[str, list[float]] = {name: [] for name in mix}
    deadline = time.perf_counter() + budget
    rounds = 0
    while rounds < 50 and (rounds < 3 or time.perf_counter() < deadline):
        for name, text in mix.items():
            t = time.perf_counter()
            kg.query(text)
            per_query[name].append(time.perf_counter() - t)
        rounds += 1
    everything = [x for xs in per_query.values() for x in xs]
    result["mix_rounds"] = rounds
    result["mix_p50_ms"] = statistics.median(everything) * 1000
    result["mix_mean_ms"] = statistics.fmean(everything) * 1000
    result["mix_per_query_p50_ms"] = {k: statistics.median(v) * 1000 for k, v in per_query.items()}
    result["peak_rss_mb"] = _peak_mb()
    kg.close()
    if engine == "oxigraph":  # what a first `mlkg serve` adds: SHACL validation, then the real start
        result["validation_s"] = validation_seconds(data)
        result["serve_ready_s"] = serve_ready_seconds(data, timeout=budget * 20 + 120)
    return result


def load_stages(data: Path) -> dict[str, float]:
    """Seconds spent in each stage of KnowledgeGraph's load, and pyoxigraph's bulk path beside it."""
    import pyoxigraph as ox

    from mlkg.graph._inference import materialise
    from mlkg.graph._loading import discover, load_files

    files = discover([str(data)])
    t0 = time.perf_counter()
    store = load_files(files)  # what KnowledgeGraph.open does: Store.load per file, in Rust
    t1 = time.perf_counter()
    materialise(store)
    t2 = time.perf_counter()
    bulk = ox.Store()
    for f in files:
        bulk.bulk_load(path=str(f.path), format=f.rdf_format, to_graph=ox.NamedNode(f.graph))
    t3 = time.perf_counter()
    return {
        "load_files_s": t1 - t0,
        "materialise_s": t2 - t1,
        "inferred_triples": len(store) - len(bulk),
        "bulk_load_s": t3 - t2,
    }


def validation_seconds(data: Path) -> float:
    """Seconds of SHACL validation of ``data`` (and the shipped files), as ``mlkg serve`` runs
    it on a first start: over the store just loaded, before inference."""
    from mlkg.graph._loading import discover, load_files
    from mlkg.graph._validation import validate_loaded

    files = discover([str(data)])
    store = load_files(files)
    start = time.perf_counter()
    found = validate_loaded(store, files)
    seconds = time.perf_counter() - start
    if found:
        raise RuntimeError(f"the synthetic data breaks the shapes: {found[:3]}")
    return seconds


def serve_ready_seconds(data: Path, timeout: float) -> float:
    """Seconds from launching ``mlkg serve --data`` with an empty verdict cache (so it
    validates) to its first 200 from /health."""
    import os
    import socket
    import tempfile
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mlkg = str(Path(sys.executable).with_name("mlkg"))
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "MLKG_CACHE_DIR": cache}
        start = time.perf_counter()
        server = subprocess.Popen(
            [mlkg, "serve", "--data", str(data), "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while time.perf_counter() - start < timeout:
                if server.poll() is not None:
                    raise RuntimeError(f"mlkg serve exited with {server.returncode}")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                        if answer.status == 200:
                            return time.perf_counter() - start
                except OSError:
                    time.sleep(0.1)
            raise RuntimeError(f"not ready after {timeout:.0f} s")
        finally:
            server.terminate()
            server.wait(timeout=30)


def run_child(engine: str, data: Path, frameworks: int, budget: float, timeout: float) -> dict[str, Any]:
    """Measure in a fresh process; a child past ``timeout`` is killed and reported as such."""
    command = [
        sys.executable,
        str(HERE / "scaling.py"),
        "--one",
        engine,
        str(data),
        "--frameworks",
        str(frameworks),
        "--budget",
        str(budget),
    ]
    if engine == "stages":
        command = [sys.executable, str(HERE / "scaling.py"), "--stages", str(data)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"engine": engine, "skipped": f"stopped at the {timeout:.0f} s time budget"}
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-3:]
        return {"engine": engine, "error": " | ".join(tail) or f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="one scaling measurement in this process (used by run.py)")
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "FILE"))
    parser.add_argument("--stages", metavar="FILE")
    parser.add_argument("--frameworks", type=int, default=2)
    parser.add_argument("--budget", type=float, default=10.0)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    if args.stages:
        print(json.dumps(load_stages(Path(args.stages))))
    elif args.one:
        engine, data = args.one
        print(json.dumps(measure_one(engine, Path(data), args.frameworks, args.budget)))
    else:
        parser.error("use --one ENGINE FILE or --stages FILE")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
