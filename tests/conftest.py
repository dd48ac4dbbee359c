"""Shared fixtures, and the test layers.

Layers follow the folders, which mirror the package: ``graph/``, ``api/`` and ``viz/`` are the
default layers (``make test-fast``); ``engines/`` (the rdflib engine, remote stores),
``system/`` (processes, real servers, hostile load) and ``browser/`` (headless Chromium) are
behind the markers of the same names. A test elsewhere joins a layer by what it uses: the
rdflib and remote ``kg`` parameters are ``engines``, a live server or a store is ``system``
or ``engines``, a browser page is ``browser``. ``make test`` runs every layer.

Costly things are made once per test run (per xdist worker): the shipped graph per engine,
the Oxigraph server behind the remote ``kg``, the app, the live server, the browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import CHROMIUM, Browser, RecordedPage
from fastapi.testclient import TestClient
from listeners import CountingListener
from processes import LiveServer
from stores import VIRTUOSO_BIN, OxigraphServer, VirtuosoServer

from mlkg.api.app import create_app
from mlkg.api.settings import Settings
from mlkg.graph import ENGINES, GraphConfig, KnowledgeGraph

LAYERS = ("engines", "system", "browser")
_BY_FIXTURE = {
    "browser": "browser",
    "browser_page": "browser",
    "live_server": "system",
    "w3c_server": "system",
    "oxigraph_server": "engines",
    "virtuoso_server": "engines",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test with its layer: its folder's, and those of the fixtures it uses."""
    root = Path(__file__).parent
    for item in items:
        folder = item.path.relative_to(root).parts[0] if item.path.is_relative_to(root) else ""
        layers = {folder} & set(LAYERS)
        layers |= {_BY_FIXTURE[name] for name in getattr(item, "fixturenames", ()) if name in _BY_FIXTURE}
        for layer in sorted(layers):
            item.add_marker(getattr(pytest.mark, layer))


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


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A private Oxigraph server for one module's tests, which may change what it holds.

    One per module: a query an earlier module gave up on may still be running on the store
    (Oxigraph 0.5 does not stop every abandoned query), and must not slow later ones.
    """
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-store"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def shared_oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """The Oxigraph server behind the remote ``kg``, once per run; nothing writes to it after
    the upload. Its own time limit is under our 30 s one but well over the 5 s of a private
    server: tests of every module share it, and a busy machine must not cut their queries."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-shared"), timeout_s=20)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A private Virtuoso (Debian's virtuoso-opensource-7) on free ports, stopped at the end."""
    from processes import free_port

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
    """Open the shipped graph on ``engine``; remote uploads into the run's shared server."""
    if engine == "remote":
        server: OxigraphServer = request.getfixturevalue("shared_oxigraph_server")
        return KnowledgeGraph.open(
            GraphConfig(engine="remote", endpoint=server.query_url, load_remote=True, **config)  # type: ignore[arg-type]
        )
    return KnowledgeGraph.open(GraphConfig(engine=engine, **config))  # type: ignore[arg-type]


#: The engines of ``kg``: the default engine in the default layers, the others as ``engines``.
ENGINE_PARAMS = [
    pytest.param(name, marks=() if name == "oxigraph" else pytest.mark.engines, id=name) for name in ENGINES
]


@pytest.fixture(scope="session")
def oxigraph_kg() -> Iterator[KnowledgeGraph]:
    """The shipped graph on the default engine, once per run."""
    graph = KnowledgeGraph.open()
    yield graph
    graph.close()


@pytest.fixture(scope="session", params=ENGINE_PARAMS)
def kg(request: pytest.FixtureRequest, oxigraph_kg: KnowledgeGraph) -> Iterator[KnowledgeGraph]:
    """The shipped graph, once per engine and run: oxigraph, rdflib, remote (real Oxigraph server)."""
    if request.param == "oxigraph":
        yield oxigraph_kg
        return
    graph = open_engine(request.param, request)
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def client(oxigraph_kg: KnowledgeGraph) -> Iterator[TestClient]:
    """A TestClient over the app on the default engine, once per run."""
    with TestClient(create_app(Settings(), oxigraph_kg)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def engine_client(kg: KnowledgeGraph) -> Iterator[TestClient]:
    """A TestClient over the app, once per engine and run."""
    with TestClient(create_app(Settings(engine=kg.config.engine), kg)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """The default app served for real (oxigraph engine, shipped data), once per run."""
    server = LiveServer()
    yield server
    server.stop()


# --- headless Chromium (Playwright driving Debian's /usr/bin/chromium); see tests/browser.py ---


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One headless Chromium per run, with a fresh empty profile (each test gets a new page)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does)"
        )
    session = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield session
    session.close()


@pytest.fixture
def browser_page(browser: Browser) -> Iterator[RecordedPage]:
    """A new page recording its request URLs, console errors, page errors and dialogs."""
    recorded = browser.new_page()
    yield recorded
    recorded.page.close()
