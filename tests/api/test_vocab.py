"""Readable names for the pages (issue 18): property labels both ways, class names, and example
queries without the PREFIX block the endpoint predeclares."""

from __future__ import annotations

import pyoxigraph as ox

from mlkg.api.routes.sparql import example_queries
from mlkg.api.vocab import (
    completion_terms,
    ontology_terms,
    property_label,
    type_label,
    without_predeclared_prefixes,
)
from mlkg.ontology import MLKG, OWL, PREFIXES, SCHEMA


def test_inverse_labels_read_as_phrases() -> None:
    assert property_label(MLKG + "releaseOf", inverse=True) == "has release"  # owl:inverseOf
    assert property_label(MLKG + "hasRelease", inverse=True) == "release of"
    assert property_label(MLKG + "integratesWith", inverse=True) == "integrated by"
    assert property_label(MLKG + "developedBy", inverse=True) == "developer of"
    assert property_label(SCHEMA + "isPartOf", inverse=True) == "has part"
    assert property_label(MLKG + "comparedWith", inverse=True) == "compared with"  # symmetric
    for term in ontology_terms().values():
        if term.kind == "property":
            label = property_label(term.iri, inverse=True)
            assert not label.endswith(" of of") and not label.startswith("is "), (term.iri, label)


def test_forward_labels_are_words() -> None:
    assert property_label(SCHEMA + "codeRepository") == "code repository"
    assert property_label(SCHEMA + "dateCreated") == "date created"
    assert property_label(SCHEMA + "url") == "homepage"
    assert property_label(OWL + "sameAs") == "same as"


def test_type_labels() -> None:
    assert type_label("OnDeviceTool").startswith("On-device")
    assert type_label("JobLauncher") == "Training job launcher"
    assert type_label("NoSuchClass") == "No such class"


def test_completion_terms_are_prefixed_names() -> None:
    names = {t["name"] for t in completion_terms()}
    assert {"mlkg:Framework", "mlkg:counterpartOf", "mlkg:Correspondence"} <= names
    assert all(":" in n and not n.startswith("http") for n in names)


def test_examples_lose_only_the_predeclared_prefixes() -> None:
    for example in example_queries():
        text = without_predeclared_prefixes(example.query)
        assert "PREFIX" not in text.upper().replace("PREFIXES", ""), example.name
        assert "\n\n\n" not in text
        list(ox.Store().query(text, prefixes=PREFIXES))  # still a query, under the same prefixes
    other = "PREFIX ex: <http://example.org/>\nPREFIX skos: <http://example.org/not-skos#>\nSELECT * {}\n"
    assert without_predeclared_prefixes(other) == other  # a prefix declared differently stays
