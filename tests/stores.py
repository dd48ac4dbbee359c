"""Real SPARQL stores for the remote engine's tests: a private Virtuoso beside the Oxigraph
server. Each runs from its own temporary directory on free loopback ports and is
stopped by its fixture; nothing of the machine's own installation (service, database) is used.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from processes import free_port, listening_on

OXIGRAPH_BIN = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
VIRTUOSO_BIN = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
#: The database a fresh Virtuoso creates has this administrator (``dba`` / ``dba``).
VIRTUOSO_USER = ("dba", "dba")

_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
"""


class OxigraphServer:
    """A real ``oxigraph serve`` on a free loopback port, stopped by the fixture."""

    def __init__(self, location: Path, timeout_s: int = 5) -> None:
        self.location = location
        self.timeout_s = timeout_s
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol endpoint (no authentication)."""
        return f"http://127.0.0.1:{self.port}/store"

    def put(self, graph: str, turtle: str) -> None:
        """Replace ``graph`` on the store, as another program changing it would."""
        headers = {"Content-Type": "text/turtle"}
        httpx.put(
            self.store_url, params={"graph": graph}, content=turtle.encode(), headers=headers
        ).raise_for_status()

    def delete(self, graph: str) -> None:
        httpx.delete(self.store_url, params={"graph": graph}).raise_for_status()

    def start(self) -> None:
        """Start the server on a free port (another worker's server may take one first: then
        the next); its output goes to a file beside the store, never to an unread pipe."""
        for _attempt in range(3):
            log = self.location.with_suffix(".log")
            with log.open("wb") as out:
                self.process = subprocess.Popen(
                    [
                        OXIGRAPH_BIN,
                        "serve",
                        "--location",
                        str(self.location),
                        "--bind",
                        f"127.0.0.1:{self.port}",
                        "--timeout-s",  # the store stops a query we gave up on (as the README advises)
                        str(self.timeout_s),
                    ],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    err = log.read_text(errors="replace")
                    if "in use" not in err.lower():
                        raise RuntimeError(f"oxigraph serve exited: {err[-2000:]}")
                    self.port = free_port()
                    break
                try:
                    httpx.get(f"http://127.0.0.1:{self.port}/", timeout=0.5)
                except httpx.HTTPError:
                    time.sleep(0.1)
                    continue
                if listening_on(self.process.pid, self.port):
                    return
                time.sleep(0.1)
            else:
                raise RuntimeError("oxigraph serve did not start within 20 s")
        raise RuntimeError("oxigraph serve could not bind a free port")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class VirtuosoServer:
    """Debian's ``virtuoso-t`` on free loopback ports (SQL and HTTP), database in ``location``.

    ``max_rows`` is the store's own cap on an answer (Virtuoso's default is 10,000, as ours).
    """

    def __init__(self, location: Path, sql_port: int, http_port: int, *, max_rows: int = 10_000) -> None:
        self.location = location
        self.sql_port = sql_port
        self.http_port = http_port
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds = 0.0
        ini = _INI.format(dir=location, sql_port=sql_port, http_port=http_port, max_rows=max_rows)
        (location / "virtuoso.ini").write_text(ini)

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol endpoint (digest authentication)."""
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud-auth"

    def start(self) -> None:
        began = time.monotonic()
        self.process = subprocess.Popen(
            [VIRTUOSO_BIN, "-f", "-c", str(self.location / "virtuoso.ini")],
            cwd=self.location,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = began + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.location / "virtuoso.log"
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise RuntimeError(f"virtuoso-t exited with {self.process.returncode}: {tail}")
            try:
                if httpx.get(self.query_url, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                    self.startup_seconds = time.monotonic() - began
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("virtuoso-t did not answer within 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # a quick shutdown; the log is replayed at start
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def put(self, graph: str, turtle: str) -> None:
        """Replace ``graph`` on the store, as another program changing it would."""
        response = httpx.put(
            self.store_url,
            params={"graph": graph},
            content=turtle.encode(),
            headers={"Content-Type": "text/turtle"},
            auth=httpx.DigestAuth(*VIRTUOSO_USER),
            timeout=30,
        )
        response.raise_for_status()

    def delete(self, graph: str) -> None:
        response = httpx.delete(
            self.store_url, params={"graph": graph}, auth=httpx.DigestAuth(*VIRTUOSO_USER), timeout=30
        )
        response.raise_for_status()
