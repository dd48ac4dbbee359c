"""SSRF beyond the plain forms: nothing a client sends makes the service open a connection.

tests/system/test_sparql_safety.py checks SERVICE, SERVICE SILENT, FROM, FROM NAMED, LOAD, DESCRIBE and
the Protocol's graph IRIs. Here a loopback listener counts connections while queries try the
ways around a keyword check (lower case without spaces, a prefixed name, a VALUES-bound
variable, a comment, codepoint escapes such as ``\\u0053ERVICE`` that rdflib unescapes before
parsing), plain IRIs in ASK and IRI(); entity ids, the viz focus and the home page carry the
URL; data files name it in owl:imports and a JSON-LD @context. On oxigraph, rdflib and remote
(a real Oxigraph server, which itself could call out): zero connections, never a 5xx.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from processes import run_cli

from conftest import open_engine
from mlkg.graph import KnowledgeGraph, MlkgError, QueryRefused, QuerySyntaxError


class Listener:
    """A TCP listener on loopback that accepts and counts connections, then closes them."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections = 0
        self._stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def settle(self) -> int:
        """The count once any late connection attempt had time to land."""
        time.sleep(0.05)
        return self.connections

    def close(self) -> None:
        self._stop = True
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def vectors(url: str) -> list[str]:
    """Ways around the plain forms test_sparql_safety.py already checks (SERVICE, SILENT, FROM...)."""
    return [
        f"select * where {{ service<{url}sparql>{{?s ?p ?o}} }}",
        f"PREFIX l: <{url}>\nSELECT * WHERE {{ SERVICE l:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}sparql> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE # a comment\n <{url}sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\U00000053ERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
        f'SELECT * WHERE {{ ?s ?p "\\u0022" SERVICE <{url}sparql> {{ ?s ?p ?o }} }}',
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }} LIMIT 1",
        f"\\u004COAD <{url}data.ttl>",
        f"ASK {{ <{url}thing> ?p ?o }}",
        f'SELECT (IRI("{url}x") AS ?i) WHERE {{}}',
    ]


def test_the_listener_counts_connections(listener: Listener) -> None:
    before = listener.connections
    socket.create_connection(("127.0.0.1", listener.port), timeout=2).close()
    assert listener.settle() == before + 1
    listener.connections = before


def test_no_query_opens_a_connection(kg: KnowledgeGraph, listener: Listener) -> None:
    before = listener.connections
    for query in vectors(listener.url):
        try:
            kg.query(query, row_limit=5)
        except QueryRefused:
            pass
        except MlkgError as err:  # a syntax error is fine too: it ran nothing
            assert "syntax" in str(err).lower(), f"{query!r}: {err}"
        assert listener.settle() == before, f"{kg.config.engine}: {query!r} opened a connection"


def test_no_request_opens_a_connection(engine_client: TestClient, listener: Listener) -> None:
    before = listener.connections
    url = listener.url
    for query in vectors(url):
        for send in ("get", "post"):
            if send == "get":
                response = engine_client.get("/sparql", params={"query": query})
            else:
                response = engine_client.post(
                    "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
                )
            assert response.status_code in (200, 400, 403), f"{query!r}: {response.text}"
            assert listener.settle() == before, f"{query!r} opened a connection"
    for path in (
        f"/entity/{quote(url + 'x', safe='')}",
        f"/entity/{quote(url + 'x', safe='')}.ttl",
        f"/api/entities/{quote(url + 'x', safe='')}",
        f"/viz?focus={quote(url + 'x', safe='')}",
        f"/?tool={quote(url, safe='')}",
        f"/api/counterparts?tool={quote(url, safe='')}",
    ):
        assert engine_client.get(path).status_code < 500, path
    assert listener.settle() == before


def test_data_files_do_not_fetch_what_they_name(tmp_path: Path, listener: Listener) -> None:
    """owl:imports and a remote JSON-LD @context are not followed while loading and validating."""
    imports = tmp_path / "imports.ttl"
    imports.write_text(
        f"<https://w3id.org/mlkg/graph/x> <http://www.w3.org/2002/07/owl#imports> <{listener.url}o.ttl> .\n"
    )
    context = tmp_path / "context.jsonld"
    context.write_text(json.dumps({"@context": listener.url + "ctx.jsonld", "@id": "urn:x", "name": "x"}))
    before = listener.connections
    for path in (imports, context):
        with contextlib.suppress(MlkgError):  # refusing the file is fine; fetching is not
            KnowledgeGraph.open(data=(str(path),), validate=True).close()
        assert listener.settle() == before, f"{path.name} made the loader open a connection"


@pytest.fixture(scope="module")
def remote_kg(request: pytest.FixtureRequest) -> Iterator[KnowledgeGraph]:
    graph = open_engine("remote", request)
    yield graph
    graph.close()


def test_the_remote_store_is_sent_no_extension_function(
    remote_kg: KnowledgeGraph, listener: Listener
) -> None:
    """A store's extensions can reach the network (Virtuoso's bif:http_get fetches any URL):
    on the remote engine every function called by IRI but the XSD casts is refused, and a text
    the full grammar cannot read (a store pragma) is not sent."""
    kg = remote_kg
    before = listener.connections
    for query in (
        f'SELECT (<bif:http_get>("{listener.url}x") AS ?v) WHERE {{}}',
        f'PREFIX bif: <bif:> SELECT * WHERE {{ BIND(bif:http_get("{listener.url}x") AS ?v) }}',
        f'SELECT (<http://example.org/fetch>("{listener.url}x") AS ?v) WHERE {{}}',
    ):
        with pytest.raises(QueryRefused):
            kg.query(query)
    # A store pragma is not SPARQL: a syntax error (line and column), and never sent.
    with pytest.raises(QuerySyntaxError, match="line 1, column"):
        kg.query('DEFINE input:grab-all "yes" SELECT * WHERE { ?s ?p ?o } LIMIT 1')
    assert listener.settle() == before
    cast = kg.query('SELECT (xsd:integer("7") AS ?n) (STRLEN("ab") AS ?m) WHERE {}')
    assert [t.value for t in cast.rows[0] if t is not None] == ["7", "2"]


def test_mlkg_query_follows_the_allowed_service_hosts_setting(listener: Listener) -> None:
    """The refusal tells users to set MLKG_ALLOWED_SERVICE_HOSTS; `mlkg query` obeys it."""
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}"
    before = listener.connections
    refused = run_cli("query", query)
    assert refused.returncode == 1 and "MLKG_ALLOWED_SERVICE_HOSTS" in refused.stderr
    assert listener.settle() == before
    allowed = run_cli("query", query, env={"MLKG_ALLOWED_SERVICE_HOSTS": '["127.0.0.1"]'})
    assert "refused" not in allowed.stderr, allowed.stderr
    assert listener.settle() > before  # the operator allowed it, so the request was made
    listener.connections = before
