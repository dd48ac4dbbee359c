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
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from listeners import CountingListener
from processes import run_cli

from conftest import open_engine
from mlkg.graph import KnowledgeGraph, MlkgError, QueryRefused, QuerySyntaxError


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


def test_the_listener_counts_connections(listener: CountingListener) -> None:
    before = listener.connections
    socket.create_connection(("127.0.0.1", listener.port), timeout=2).close()
    assert listener.settle() == before + 1
    listener.connections = before


def test_no_query_opens_a_connection(kg: KnowledgeGraph, listener: CountingListener) -> None:
    before = listener.connections
    for query in vectors(listener.url):
        try:
            kg.query(query, row_limit=5)
        except QueryRefused:
            pass
        except MlkgError as err:  # a syntax error is fine too: it ran nothing
            assert "syntax" in str(err).lower(), f"{query!r}: {err}"
        assert listener.settle() == before, f"{kg.config.engine}: {query!r} opened a connection"


def test_no_request_opens_a_connection(engine_client: TestClient, listener: CountingListener) -> None:
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


def test_data_files_do_not_fetch_what_they_name(tmp_path: Path, listener: CountingListener) -> None:
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
    remote_kg: KnowledgeGraph, listener: CountingListener
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


def test_the_allow_list_is_gone_with_a_clear_start_up_error(listener: CountingListener) -> None:
    """SERVICE is refused in every configuration; MLKG_ALLOWED_SERVICE_HOSTS (which used to
    turn the OS filter off) stops `mlkg query` and `mlkg serve` at start, saying why."""
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}"
    before = listener.connections
    refused = run_cli("query", query)
    assert refused.returncode == 1 and "SERVICE" in refused.stderr and "federation" in refused.stderr
    env = {"MLKG_ALLOWED_SERVICE_HOSTS": '["127.0.0.1"]'}
    for args in (("query", query), ("serve", "--port", "9")):
        stopped = run_cli(*args, env=env)
        lines = stopped.stderr.strip().splitlines()
        assert stopped.returncode != 0 and len(lines) == 1, stopped.stderr
        assert "MLKG_ALLOWED_SERVICE_HOSTS" in lines[0] and "federation is not offered" in lines[0]
    assert listener.settle() == before
