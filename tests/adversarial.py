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


#: Data with hostile text everywhere a page or answer shows it; it passes the SHACL shapes,
#: so ``mlkg serve --data`` loads it. Each payload names itself, so a fired one says which.
HOSTILE_LABEL = "<script>alert('xss-label')</script>"
HOSTILE_ALT = ("<img src=x onerror=alert('xss-img')>", "\"><svg onload=alert('xss-svg')>")
HOSTILE_URL = "https://example.org/x'onmouseover='alert(8)'"
HOSTILE_TTL = """\
@prefix ent: <https://w3id.org/mlkg/entity/> .
@prefix src: <https://w3id.org/mlkg/source/> .
@prefix fn: <https://w3id.org/mlkg/function/> .
@prefix mlkg: <https://w3id.org/mlkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

src:HostileSource a mlkg:Source ;
    dcterms:title "<script>alert('xss-source')</script>" ;
    rdfs:label "<img src=x onerror=alert('xss-source-label')>" ;
    schema:url <https://example.org/a'onmouseover='alert(7)'> .

ent:HostileTool a mlkg:ServingTool ;
    skos:prefLabel "<script>alert('xss-label')</script>" ;
    skos:altLabel "<img src=x onerror=alert('xss-img')>", "\\"><svg onload=alert('xss-svg')>",
        "</script><script>alert('xss-close')</script>", "{{7*7}} ${7*7}" ;
    skos:definition "Hostile <b>bold</b> & <iframe src=javascript:alert('xss-iframe')></iframe> text." ;
    mlkg:ecosystem ent:PyTorch ;
    mlkg:status mlkg:Active ;
    mlkg:function fn:ModelServing ;
    schema:url <https://example.org/x'onmouseover='alert(8)'> ;
    schema:datePublished "2021"^^xsd:gYear ;
    prov:wasDerivedFrom src:HostileSource .

ent:Corr_HostileTool_TensorFlowServing a mlkg:Correspondence ;
    rdfs:label "<svg onload=alert('xss-corr')>" ;
    mlkg:tool ent:HostileTool, ent:TensorFlowServing ;
    mlkg:strength mlkg:Close ;
    mlkg:basis mlkg:Stated ;
    mlkg:function fn:ModelServing ;
    prov:wasDerivedFrom src:HostileSource ;
    mlkg:evidence "<script>alert('xss-evidence')</script>" .

ent:Event_HostileTool_Launch a mlkg:Event ;
    rdfs:label "<img src=x onerror=alert('xss-event')>" ;
    mlkg:about ent:HostileTool ;
    mlkg:eventKind mlkg:Launch ;
    mlkg:date "2021-03"^^xsd:gYearMonth ;
    prov:wasDerivedFrom src:HostileSource .
"""
