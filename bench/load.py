"""The load generator: the same client for every server, and its own ceiling.

Two drivers behind one function, :func:`drive`:

- ``wrk`` (Debian's ``wrk``, C, event loop): preferred. A generated Lua script pre-formats
  every request once and rotates through them, so several queries make one mixed run; its
  ``done`` hook prints the totals and latency percentiles as JSON.
- ``processes``: several Python client *processes* (not threads: the GIL would make the
  client the bottleneck), each with one keep-alive ``http.client`` connection. Used where
  wrk is not installed (the test suite) or with ``--client processes``.

Either way :func:`ceiling` measures the client against a trivial endpoint (a static page
served by the Oxigraph server, Rust) so a reader can tell when a server's figure is really
the client's limit.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing as mp
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit


@dataclass(frozen=True)
class Request:
    """One HTTP request of a workload."""

    name: str
    path: str
    accept: str = "*/*"
    unique: bool = False
    """Make every send a never-seen query text: a URL-encoded ``\\n#<sender>-<n>`` comment is
    appended to the path (whose last parameter is the query), so no answer cache can serve it."""


def sparql_request(name: str, endpoint_path: str, query: str, *, graph: bool = False) -> Request:
    """A SPARQL Protocol GET for ``query`` against ``endpoint_path`` (e.g. ``/sparql``)."""
    accept = "text/turtle" if graph else "application/sparql-results+json"
    return Request(name, f"{endpoint_path}?{urlencode({'query': query})}", accept)


def available_drivers() -> list[str]:
    return (["wrk"] if shutil.which("wrk") else []) + ["processes"]


def drive(
    driver: str, base_url: str, requests: list[Request], duration: float, connections: int
) -> dict[str, Any]:
    """Send ``requests`` in rotation for ``duration`` seconds over ``connections`` connections.

    Returns requests, rps, errors (non-2xx and socket errors), p50_ms, p99_ms.
    """
    if driver == "wrk":
        return _drive_wrk(base_url, requests, duration, connections)
    return _drive_processes(base_url, requests, duration, connections)


# -- wrk --------------------------------------------------------------------------------------

_LUA = """
local reqs = {%(requests)s}
local formatted = {}
local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("sender", threads)
end
function init(args)
  for i, r in ipairs(reqs) do
    formatted[i] = wrk.format("GET", r[1], {["Accept"] = r[2], ["Host"] = "%(host)s"})
  end
end
function request()
  counter = counter + 1
  local i = (counter %% #formatted) + 1
  local r = reqs[i]
  if r[3] then
    local path = r[1] .. "%%0A%%23" .. tostring(sender) .. "-" .. tostring(counter)
    return wrk.format("GET", path, {["Accept"] = r[2], ["Host"] = "%(host)s"})
  end
  return formatted[i]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKJSON {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"socket_errors\\": %%d, " ..
    "\\"status_errors\\": %%d, \\"timeouts\\": %%d, \\"p50_us\\": %%d, \\"p99_us\\": %%d, " ..
    "\\"mean_us\\": %%f}\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
"""


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _drive_wrk(base_url: str, requests: list[Request], duration: float, connections: int) -> dict[str, Any]:
    host = urlsplit(base_url).netloc
    table = ", ".join(
        f"{{{_lua_string(r.path)}, {_lua_string(r.accept)}, {'true' if r.unique else 'false'}}}"
        for r in requests
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_LUA % {"requests": table, "host": host})
    try:
        threads = min(2, connections)
        done = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(duration))}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                base_url,
            ],
            capture_output=True,
            text=True,
            timeout=duration + 60,
            check=False,
        )
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {done.stdout[-300:]} {done.stderr[-300:]}")
    raw = json.loads(line[len("WRKJSON ") :])
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "errors": raw["socket_errors"] + raw["status_errors"] + raw["timeouts"],
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "mean_ms": raw["mean_us"] / 1000,
    }


# -- client processes -------------------------------------------------------------------------


def _client(base_url: str, requests: list[Request], offset: int, deadline: float, out: Any) -> None:
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
    latencies: list[float] = []
    errors = 0
    i = offset
    while time.time() < deadline:
        req = requests[i % len(requests)]
        i += 1
        path = f"{req.path}%0A%23{offset}-{i}" if req.unique else req.path
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Accept": req.accept})
            response = conn.getresponse()
            response.read()
            if response.status >= 300:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
            continue
        latencies.append(time.perf_counter() - start)
    conn.close()
    out.send((latencies, errors))


def _drive_processes(
    base_url: str, requests: list[Request], duration: float, connections: int
) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    # Processes start first, then all begin against one wall-clock deadline.
    deadline = time.time() + 1.0 + duration
    pipes, procs = [], []
    for k in range(connections):
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_client, args=(base_url, requests, k, deadline, child), daemon=True)
        proc.start()
        pipes.append(parent)
        procs.append(proc)
    latencies: list[float] = []
    errors = 0
    for parent, proc in zip(pipes, procs, strict=True):
        got, errs = parent.recv()
        latencies.extend(got)
        errors += errs
        proc.join(timeout=10)
    ordered = sorted(latencies)
    # Clients that started late ran for less than ``duration``: count over the nominal window.
    return {
        "requests": len(ordered) + errors,
        "rps": len(ordered) / duration,
        "errors": errors,
        "p50_ms": statistics.median(ordered) * 1000 if ordered else float("nan"),
        "p99_ms": ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000
        if ordered
        else float("nan"),
        "mean_ms": statistics.fmean(ordered) * 1000 if ordered else float("nan"),
    }


def ceiling(driver: str, trivial_url: str, duration: float, connections: int) -> dict[str, Any]:
    """The client's own limit: the same driver against a trivial endpoint."""
    parts = urlsplit(trivial_url)
    base = f"{parts.scheme}://{parts.netloc}"
    path = parts.path or "/"
    return drive(driver, base, [Request("trivial", path, "text/html")], duration, connections)
