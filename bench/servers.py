"""Start and stop each SPARQL server on a free loopback port, all serving the same data.

- ``mlkg``: ``mlkg serve`` (our service; shipped data, optionally ``--data FILE``);
- ``rdflib-endpoint``: ``rdflib-endpoint serve FILE`` (FastAPI + rdflib, the same stack as ours);
- ``oxigraph``: ``oxigraph load`` into a fresh directory, then ``oxigraph serve-read-only
  --union-default-graph`` (the Rust server; our practical limit).

Each is a context manager that waits until the server answers a real query, and reports its
start-up time and the resident memory of its whole process tree (our server's query worker
processes included).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from urllib.parse import urlencode

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def executable(name: str) -> str | None:
    """``name`` from the venv's bin directory, else from PATH."""
    local = BIN / name
    return str(local) if local.exists() else shutil.which(name)


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return found


def _sum_kb(pids: list[int], file: str, field: str) -> float:
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
                if line.startswith(field):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, each counted whole (MB)."""
    return _sum_kb(_tree(pid), "status", "VmRSS:")


def tree_pss_mb(pid: int) -> float:
    """Proportional memory of the tree (MB): a page shared by n processes (the graph after a
    fork) counts 1/n in each, so the sum is what the tree really holds."""
    return _sum_kb(_tree(pid), "smaps_rollup", "Pss:")


class Server:
    """One server process; ``with`` starts it and waits until a query answers."""

    name = "server"
    query_path = "/sparql"

    def __init__(self, start_timeout: float = 180.0) -> None:
        self.port = free_port()
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.startup_s = float("nan")
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base_url + self.query_path

    def command(self) -> list[str]:
        raise NotImplementedError

    def extra_env(self) -> dict[str, str]:
        return {}

    def prepare(self) -> None:
        """Work done before the server starts (not counted as its start-up)."""

    def __enter__(self) -> Server:
        self.prepare()
        start = time.perf_counter()
        self.proc = subprocess.Popen(
            self.command(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **self.extra_env()},
        )
        probe = self.query_url + "?" + urlencode({"query": "ASK { ?s ?p ?o }"})
        deadline = start + self.start_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: {self.log()[-800:]}")
            try:
                request = urllib.request.Request(probe, headers={"Accept": "application/sparql-results+json"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.perf_counter() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError(f"{self.name} did not answer within {self.start_timeout:.0f} s")
            time.sleep(0.2)
        self.startup_s = time.perf_counter() - start
        return self

    def rss_mb(self) -> float:
        return tree_rss_mb(self.proc.pid) if self.proc else float("nan")

    def pss_mb(self) -> float:
        return tree_pss_mb(self.proc.pid) if self.proc else float("nan")

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.proc is not None and self.proc.poll() is None:
            # The server runs in its own session: signal its group (its workers too), by id.
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        if self._tmp is not None:
            self._tmp.cleanup()


class MlkgServer(Server):
    """``mlkg serve``: our service (loads, SHACL-validates, then serves)."""

    name = "mlkg"

    def __init__(self, data: tuple[str, ...] = (), env: dict[str, str] | None = None, **kw: float) -> None:
        super().__init__(**kw)
        self.data = data
        self.env = env or {}

    def command(self) -> list[str]:
        cmd = [executable("mlkg") or "mlkg", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        for path in self.data:
            cmd += ["--data", path]
        return cmd

    def extra_env(self) -> dict[str, str]:
        return self.env


class RdflibEndpointServer(Server):
    """rdflib-endpoint (FastAPI + rdflib) serving one RDF file."""

    name = "rdflib-endpoint"
    query_path = "/"  # rdflib-endpoint 0.6 answers SPARQL at the root

    def __init__(self, data: Path, **kw: float) -> None:
        super().__init__(**kw)
        self.data = data

    def command(self) -> list[str]:
        exe = executable("rdflib-endpoint")
        if exe is None:
            raise RuntimeError("rdflib-endpoint is not installed (pip install rdflib-endpoint)")
        return [exe, "serve", str(self.data), "--host", "127.0.0.1", "--port", str(self.port)]


class OxigraphServer(Server):
    """The Oxigraph server: bulk ``oxigraph load`` into a directory, then serve it read-only."""

    name = "oxigraph"
    query_path = "/query"

    def __init__(self, data: Path, **kw: float) -> None:
        super().__init__(**kw)
        self.data = data
        self.load_s = float("nan")

    def prepare(self) -> None:
        exe = executable("oxigraph")
        if exe is None:
            raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
        self._tmp = tempfile.TemporaryDirectory(prefix="mlkg-bench-oxigraph-")
        start = time.perf_counter()
        subprocess.run(
            [exe, "load", "--location", self._tmp.name, "--file", str(self.data)],
            check=True,
            capture_output=True,
        )
        self.load_s = time.perf_counter() - start

    def command(self) -> list[str]:
        assert self._tmp is not None
        return [
            executable("oxigraph") or "oxigraph",
            "serve-read-only",
            "--location",
            self._tmp.name,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--union-default-graph",
        ]
