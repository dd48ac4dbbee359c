"""`make bench`: our service beside rdflib-endpoint and the Oxigraph server, and how cost grows.

Writes bench/results/latest.json, latest.md and latest.png (see bench/README.md).

    python bench/run.py                       # the full run (~6 min on 2 cores)
    python bench/run.py --quick               # a tiny run for the test suite (seconds)
    python bench/run.py --sizes 10000 100000 --duration 10
    python bench/run.py --no-compare          # scaling only, no servers
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import figures  # noqa: E402
import generate  # noqa: E402
import load  # noqa: E402
import queries  # noqa: E402
import scaling  # noqa: E402
import servers  # noqa: E402

ENGINES = ("oxigraph", "rdflib")
REST_NAMES = ("tflite", "TorchServe", "TF Serving", "PyTorch Lightning", "PyTorch Hub", "tfjs")
SEARCH_TEXTS = ("serv", "torch", "lite", "data", "gelu", "keras")
ENTITY_IDS = ("TensorFlowLite", "TorchServe", "PyTorch", "JAX", "Keras", "Flax")
SERVER_CLASSES = {
    "mlkg": servers.MlkgServer,
    # The same service with its answer cache off: every request runs the query again, as
    # the Oxigraph server and rdflib-endpoint do. Both figures are reported.
    "mlkg-nocache": servers.MlkgServer,
    "rdflib-endpoint": servers.RdflibEndpointServer,
    "oxigraph": servers.OxigraphServer,
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        mem_kb = 0
    import pyoxigraph
    import rdflib

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
    }


# -- scaling ----------------------------------------------------------------------------------


def run_scaling(args: argparse.Namespace, cache: Path) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    stages: dict[str, Any] = {}
    for size in args.sizes:
        path = cache / f"synthetic-{size}.nq"
        made = generate.generate(size, path, progress=True)
        log(f"generated {made.triples:,} triples ({made.frameworks} frameworks) in {made.seconds:.1f} s")
        for engine in ENGINES:
            if engine == "rdflib" and size > args.rdflib_max:
                rows.append(
                    {
                        "size": size,
                        "engine": engine,
                        "skipped": f"above --rdflib-max {args.rdflib_max:,} (rdflib loads ~1 s per 10^4 "
                        "triples and needs several GB at 10^6; see bench/README.md)",
                    }
                )
                continue
            log(f"scaling: {engine} at {size:,} triples (fresh process)")
            got = scaling.run_child(engine, path, made.frameworks, args.query_budget, args.engine_timeout)
            got.update({"size": size, "generated_triples": made.triples})
            rows.append(got)
            if "load_s" in got:
                log(
                    f"  load {got['load_s']:.2f} s, rss {got['rss_mb']:.0f} MB, counterpart p50 "
                    f"{got['counterpart_p50_ms']:.2f} ms, mix p50 {got['mix_p50_ms']:.2f} ms"
                )
            else:
                log(f"  {got.get('skipped') or got.get('error')}")
    largest = cache / f"synthetic-{max(args.sizes)}.nq"
    log(f"load stages at {max(args.sizes):,} triples")
    stages = scaling.run_child("stages", largest, 0, 0, args.engine_timeout)
    return {"rows": rows, "load_stages": {"size": max(args.sizes), **stages}}


# -- servers ----------------------------------------------------------------------------------


def export_shipped(cache: Path) -> Path:
    target = cache / "mlkg-export.nq"
    mlkg = servers.executable("mlkg") or "mlkg"
    subprocess.run([mlkg, "export", "--format", "nquads", "-o", str(target)], check=True, capture_output=True)
    return target


def count_triples(server: servers.Server) -> int:
    from urllib.parse import urlencode
    from urllib.request import Request, urlopen

    url = server.query_url + "?" + urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    with urlopen(Request(url, headers={"Accept": "application/sparql-results+json"}), timeout=60) as r:
        return int(json.load(r)["results"]["bindings"][0]["n"]["value"])


def mix_requests(path: str, *, unique: bool = False) -> list[load.Request]:
    """The six queries as requests; ``unique``: every send a never-seen text (a trailing comment)."""
    mix = queries.query_mix(queries.SHIPPED)
    return [
        replace(load.sparql_request(name, path, text, graph=name in ("construct", "describe")), unique=unique)
        for name, text in mix.items()
    ]


#: Our REST and page routes measured beside /sparql: (row name, paths in rotation, Accept).
REST_ROWS: dict[str, tuple[list[str], str]] = {
    "rest_counterparts": (
        ["/api/counterparts?" + urlencode({"tool": n}) for n in REST_NAMES],
        "application/json",
    ),
    "rest_search": (["/api/search?" + urlencode({"q": q}) for q in SEARCH_TEXTS], "application/json"),
    "entity_page": ([f"/entity/{e}" for e in ENTITY_IDS], "text/html"),
}


def measure_server(server: servers.Server, args: argparse.Namespace, driver: str) -> dict[str, Any]:
    requests = mix_requests(server.query_path)
    out: dict[str, Any] = {"startup_s": server.startup_s, "triples": count_triples(server)}
    if isinstance(server, servers.OxigraphServer):
        out["bulk_load_s"] = server.load_s
    load.drive(driver, server.base_url, requests, args.warmup, args.connections)  # warm-up, not kept
    out["mix"] = load.drive(driver, server.base_url, requests, args.duration, args.connections)
    # Every text new: what a service sees from parameterised queries, edits and query builders.
    fresh = mix_requests(server.query_path, unique=True)
    out["mix_fresh"] = load.drive(driver, server.base_url, fresh, args.duration, args.connections)
    out["per_query"] = {
        r.name: load.drive(driver, server.base_url, [r], args.query_duration, args.connections)
        for r in requests
    }
    out["rss_mb"] = server.rss_mb()
    out["pss_mb"] = server.pss_mb()
    if isinstance(server, servers.MlkgServer):
        for row, (paths, accept) in REST_ROWS.items():
            rest = [load.Request(row, path, accept) for path in paths]
            out[row] = load.drive(driver, server.base_url, rest, args.query_duration, args.connections)
    log(
        f"  {server.name}: mix {out['mix']['rps']:.0f} req/s, p50 {out['mix']['p50_ms']:.1f} ms, "
        f"p99 {out['mix']['p99_ms']:.1f} ms, errors {out['mix']['errors']}"
    )
    return out


def run_servers(args: argparse.Namespace, cache: Path, driver: str) -> dict[str, Any]:
    data = export_shipped(cache)
    result: dict[str, Any] = {
        "data": "mlkg export --format nquads (shipped ontology + data + inferred graph)",
        "driver": driver,
        "connections": args.connections,
        "duration_s": args.duration,
        "query_duration_s": args.query_duration,
        "servers": {},
        "skipped": {},
    }
    for name in args.servers:
        cls = SERVER_CLASSES[name]
        exe = {"rdflib-endpoint": "rdflib-endpoint", "oxigraph": "oxigraph"}.get(name, "mlkg")
        if servers.executable(exe) is None:
            result["skipped"][name] = f"`{exe}` is not installed (make bench installs it)"
            log(f"server {name}: skipped, not installed")
            continue
        log(f"server {name}: starting")
        if name == "mlkg":
            server: servers.Server = cls()  # type: ignore[call-arg]
        elif name == "mlkg-nocache":
            server = cls(env={"MLKG_RESULT_CACHE_ENTRIES": "0"})  # type: ignore[call-arg]
        else:
            server = cls(data)  # type: ignore[call-arg]
        try:
            with server:
                if name == "oxigraph":
                    log("client ceiling against the Oxigraph server's static page")
                    result["client_ceiling"] = load.ceiling(
                        driver, server.base_url + "/", args.query_duration, args.connections
                    )
                result["servers"][name] = measure_server(server, args, driver)
        except Exception as err:  # one broken server must not lose the others' figures
            result["skipped"][name] = f"failed: {err}"
            log(f"server {name}: failed: {err}")
    got = result["servers"]
    ratios: dict[str, Any] = {}
    for ours in ("mlkg", "mlkg-nocache"):
        if ours not in got:
            continue
        for other in ("rdflib-endpoint", "oxigraph"):
            if other in got:
                ratios[f"{ours}/{other}"] = {
                    "mix_rps": got[ours]["mix"]["rps"] / max(got[other]["mix"]["rps"], 1e-9),
                    "mix_fresh_rps": got[ours]["mix_fresh"]["rps"]
                    / max(got[other]["mix_fresh"]["rps"], 1e-9),
                    **{
                        name: got[ours]["per_query"][name]["rps"]
                        / max(got[other]["per_query"][name]["rps"], 1e-9)
                        for name in queries.NAMES
                    },
                }
    result["ratios"] = ratios
    return result


def cli_cold_start(runs: int) -> dict[str, Any]:
    mlkg = servers.executable("mlkg") or "mlkg"
    command = [mlkg, "counterpart", "tflite"]
    hyperfine = shutil.which("hyperfine")
    if hyperfine:
        with tempfile.NamedTemporaryFile(suffix=".json") as export:
            subprocess.run(
                [
                    hyperfine,
                    "--warmup",
                    "1",
                    "--runs",
                    str(runs),
                    "--export-json",
                    export.name,
                    "--style",
                    "none",
                    " ".join(command),
                ],
                check=True,
                capture_output=True,
            )
            data = json.loads(Path(export.name).read_text())["results"][0]
        return {
            "tool": "hyperfine",
            "command": " ".join(command[-2:]),
            "runs": len(data["times"]),
            "mean_s": data["mean"],
            "median_s": data["median"],
            "min_s": data["min"],
        }
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return {
        "tool": "subprocess loop",
        "command": " ".join(command[-2:]),
        "runs": runs,
        "mean_s": statistics.fmean(times),
        "median_s": statistics.median(times),
        "min_s": min(times),
    }


# -- main -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="mlkg benchmarks (see bench/README.md)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes and short runs (the test suite)")
    parser.add_argument("--sizes", type=int, nargs="+", help="synthetic graph sizes in triples")
    parser.add_argument("--duration", type=float, help="seconds of the mixed run per server")
    parser.add_argument("--query-duration", type=float, help="seconds per single-query run")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up per server")
    parser.add_argument("--connections", type=int, default=4, help="concurrent client connections")
    parser.add_argument("--client", choices=("auto", "wrk", "processes"), default="auto")
    parser.add_argument(
        "--servers", nargs="*", default=list(SERVER_CLASSES), choices=list(SERVER_CLASSES), help="servers"
    )
    parser.add_argument("--no-compare", action="store_true", help="skip the server comparison")
    parser.add_argument("--no-plot", action="store_true", help="write no PNG (matplotlib not needed)")
    parser.add_argument("--rdflib-max", type=int, default=100_000, help="largest size the rdflib engine gets")
    parser.add_argument("--query-budget", type=float, help="seconds of queries per engine and size")
    parser.add_argument("--engine-timeout", type=float, default=240.0, help="kill a scaling child after this")
    parser.add_argument("--cli-runs", type=int, help="cold starts of `mlkg counterpart tflite`")
    parser.add_argument("-o", "--output", type=Path, default=HERE / "results", help="results directory")
    args = parser.parse_args(argv)
    quick = {
        "sizes": [2_000],
        "duration": 2.0,
        "query_duration": 1.0,
        "warmup": 0.5,
        "query_budget": 1.0,
        "cli_runs": 2,
    }
    full = {
        "sizes": [10_000, 100_000, 1_000_000],
        "duration": 10.0,
        "query_duration": 4.0,
        "warmup": 2.0,
        "query_budget": 8.0,
        "cli_runs": 5,
    }
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    cache = HERE / ".cache"
    cache.mkdir(exist_ok=True)
    driver = load.available_drivers()[0] if args.client == "auto" else args.client
    if driver == "wrk" and not shutil.which("wrk"):
        raise SystemExit("--client wrk: wrk is not installed (apt-get install wrk)")
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine(),
        "settings": {k: v for k, v in vars(args).items() if k not in ("output",) and not isinstance(v, Path)},
    }
    results["scaling"] = run_scaling(args, cache)
    if args.no_compare:
        results["comparison"] = {"skipped": "--no-compare"}
    else:
        results["comparison"] = run_servers(args, cache, driver)
    log("CLI cold start: mlkg counterpart tflite")
    results["cli_cold_start"] = cli_cold_start(args.cli_runs)
    log("figures with targets (bench/figures.py): first /viz on rdflib, slowest lookup")
    results["figures"] = figures.measure()
    for line in figures.lines(results["figures"]):
        log(line)
    results["total_s"] = time.perf_counter() - started

    import report

    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "latest.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (args.output / "latest.md").write_text(report.markdown(results))
    if not args.no_plot:
        report.plot(results, args.output / "latest.png")
    log(f"done in {results['total_s']:.0f} s: {args.output}/latest.{{json,md}}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
