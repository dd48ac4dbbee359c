"""Helpers shared by the adversarial suite: hostile strings, a dataset fingerprint, reporting."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
import pytest

from mlkg.graph import KnowledgeGraph

#: Text that would change a query if it were pasted into one instead of bound as a term.
HOSTILE = (
    'TorchServe" } ; DROP ALL ; #',
    "TorchServe' } ; CLEAR ALL ; #",
    'x" . } } INSERT DATA { <urn:a> <urn:b> <urn:c> } #',
    "'; DROP GRAPH <https://w3id.org/mlkg/graph/article-2022> ; --",
    '"""}\nSERVICE <http://127.0.0.1:9/> { ?s ?p ?o }\n#',
    "TorchServe }\n} UNION { ?e ?p ?o",
    "?e <http://www.w3.org/2004/02/skos/core#prefLabel> ?l #",
    "\\u0022 } ; LOAD <http://127.0.0.1:9/x.ttl> ;",
    ")) || true || ((",
    "<script>alert(1)</script>",
)


def dataset_digest(kg: KnowledgeGraph) -> tuple[int, str]:
    """The number of quads and a hash of their sorted N-Quads lines: any change shows."""
    lines = sorted(ox.serialize([q], format=ox.RdfFormat.N_QUADS).decode() for q in kg.quads())  # type: ignore[union-attr]
    return len(lines), hashlib.sha256("".join(lines).encode()).hexdigest()


def report(request: pytest.FixtureRequest, line: str) -> None:
    """Show a figure in the test run's output, even on success (e.g. requests/s, case counts)."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return
    module = request.module.__name__ if request.module else ""
    if capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\n[{module}] {line}")
    else:
        reporter.write_line(f"[{module}] {line}")
