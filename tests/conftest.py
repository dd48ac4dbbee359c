"""Shared fixtures: the graph on every engine (remote = a real Oxigraph server), the app."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from browser import CHROMIUM, Browser, RecordedPage
from fastapi.testclient import TestClient
from listeners import CountingListener
from stores import VIRTUOSO_BIN, VirtuosoServer

from mlkg.api.app import create_app
from mlkg.api.settings import Settings
from mlkg.graph import ENGINES, GraphConfig, KnowledgeGraph

OXIGRAPH_BIN = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")


@pytest.fixture(scope="session", autouse=True)
def _own_verdict_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Validation verdicts go to a folder of this run's (and its servers'), not the user's cache."""
    previous = os.environ.get("MLKG_CACHE_DIR")
    os.environ["MLKG_CACHE_DIR"] = str(tmp_path_factory.mktemp("mlkg-cache"))
    yield
    if previous is None:
        os.environ.pop("MLKG_CACHE_DIR", None)
    else:
        os.environ["MLKG_CACHE_DIR"] = previous


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class OxigraphServer:
    """A real ``oxigraph serve`` on a free loopback port, stopped by the fixture."""

    def __init__(self, location: Path, *, timeout_s: int = 5) -> None:
        self.location = location
        self.timeout_s = timeout_s  # the store's own time limit (--timeout-s)
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
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"oxigraph serve exited: {err}")
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/", timeout=0.5)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("oxigraph serve did not start within 20 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    # One per test module: a query an earlier module gave up on may still be running on the
    # store (Oxigraph 0.5 does not stop every abandoned query), and must not slow later ones.
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-store"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A private Virtuoso (Debian's virtuoso-opensource-7) on free ports, stopped at the end."""
    if not Path(VIRTUOSO_BIN).exists():
        pytest.fail(f"{VIRTUOSO_BIN} is missing: install Debian's virtuoso-opensource-7 (.ci/run does)")
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"), free_port(), free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def listener() -> Iterator[CountingListener]:
    """A loopback listener that counts connections (see tests/listeners.py): tests compare its
    count before and after, so one serves a whole module."""
    server = CountingListener()
    yield server
    server.close()


def open_engine(engine: str, request: pytest.FixtureRequest, **config: object) -> KnowledgeGraph:
    """Open the shipped graph on ``engine``; remote uploads into the session's server."""
    if engine == "remote":
        server: OxigraphServer = request.getfixturevalue("oxigraph_server")
        return KnowledgeGraph.open(
            GraphConfig(engine="remote", endpoint=server.query_url, load_remote=True, **config)  # type: ignore[arg-type]
        )
    return KnowledgeGraph.open(GraphConfig(engine=engine, **config))  # type: ignore[arg-type]


@pytest.fixture(scope="module", params=ENGINES)
def kg(request: pytest.FixtureRequest) -> Iterator[KnowledgeGraph]:
    """The shipped graph, once per engine: oxigraph, rdflib, remote (real Oxigraph server)."""
    graph = open_engine(request.param, request)
    yield graph
    graph.close()


@pytest.fixture(scope="module")
def oxigraph_kg() -> Iterator[KnowledgeGraph]:
    """The shipped graph on the default engine, for tests that are not about engines."""
    graph = KnowledgeGraph.open()
    yield graph
    graph.close()


@pytest.fixture(scope="module")
def client(oxigraph_kg: KnowledgeGraph) -> Iterator[TestClient]:
    """A TestClient over the app on the default engine."""
    with TestClient(create_app(Settings(), oxigraph_kg)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def engine_client(kg: KnowledgeGraph) -> Iterator[TestClient]:
    """A TestClient over the app, once per engine."""
    with TestClient(create_app(Settings(engine=kg.config.engine), kg)) as test_client:
        yield test_client


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``mlkg`` command as a user would."""
    exe = Path(sys.executable).parent / "mlkg"
    return subprocess.run(
        [str(exe), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


class LiveServer:
    """``mlkg serve`` in its own process on a free loopback port: real HTTP through uvicorn."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        exe = Path(sys.executable).parent / "mlkg"
        self.process = subprocess.Popen(
            [str(exe), "serve", "--port", str(self.port), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                out = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"mlkg serve exited with {self.process.returncode}: {out}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("mlkg serve did not answer /health within 60 s")

    def worker_pids(self) -> set[int]:
        """The query workers: the leaves under the zygote (the server's grandchildren and below).

        A worker may end while it is being listed (a killed query): it is then left out.
        """
        import psutil

        root = psutil.Process(self.process.pid)
        out = set()
        for proc in root.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                if proc.ppid() != root.pid and not proc.children():
                    out.add(proc.pid)
        return out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def live_server() -> Iterator[LiveServer]:
    """The default app served for real (oxigraph engine, shipped data)."""
    server = LiveServer()
    yield server
    server.stop()


# --- headless Chromium (Playwright driving Debian's /usr/bin/chromium); see tests/browser.py ---


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One headless Chromium per test module, with a fresh empty profile."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    session = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield session
    session.close()


@pytest.fixture
def browser_page(browser: Browser) -> Iterator[RecordedPage]:
    """A new page recording its request URLs, console errors, page errors and dialogs."""
    recorded = browser.new_page()
    yield recorded
    recorded.page.close()
