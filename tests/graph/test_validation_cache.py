"""A dataset that conformed is not validated again at start; any change is.

``mlkg serve`` validates before it binds its port; the verdict for exactly these bytes (data,
shapes, validator) is remembered, so an unchanged dataset starts without the SHACL pass. Only
conforming verdicts are kept; a change to any byte is validated again and its violations
reported as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import mlkg.graph._validation as validation
from mlkg.graph import KnowledgeGraph, ValidationError
from mlkg.graph._loading import discover

GOOD = """@prefix mlkg: <https://w3id.org/mlkg/ontology#> .
@prefix ent: <https://w3id.org/mlkg/entity/> .
@prefix fn: <https://w3id.org/mlkg/function/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix src: <https://w3id.org/mlkg/source/> .
ent:CacheProbe a mlkg:ServingTool ; skos:prefLabel "Cache probe" ;
    skos:definition "A tool that exists to test the validation cache." ;
    mlkg:function fn:ModelServing ; mlkg:ecosystem ent:PyTorch ; mlkg:status mlkg:Active ;
    prov:wasDerivedFrom src:Article2022 .
"""


def test_a_conforming_dataset_is_validated_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLKG_CACHE_DIR", str(tmp_path / "cache"))
    extra = tmp_path / "extra.ttl"
    extra.write_text(GOOD, encoding="utf-8")
    files = discover((str(extra),))
    assert not validation.known_to_conform(files)
    KnowledgeGraph.open(data=(str(extra),), validate=True).close()
    assert validation.known_to_conform(files)

    calls: list[int] = []
    real = validation.validate_loaded

    def counted(store: object, given: object) -> object:
        calls.append(1)
        return real(store, given)  # type: ignore[arg-type]

    monkeypatch.setattr(validation, "validate_loaded", counted)
    KnowledgeGraph.open(data=(str(extra),), validate=True).close()
    assert calls == [], "an unchanged, conforming dataset was validated again"


def test_a_changed_dataset_is_validated_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLKG_CACHE_DIR", str(tmp_path / "cache"))
    extra = tmp_path / "extra.ttl"
    extra.write_text(GOOD, encoding="utf-8")
    KnowledgeGraph.open(data=(str(extra),), validate=True).close()
    extra.write_text(GOOD.replace('skos:prefLabel "Cache probe" ;', ""), encoding="utf-8")  # now no label
    with pytest.raises(ValidationError, match="CacheProbe"):
        KnowledgeGraph.open(data=(str(extra),), validate=True)
    assert not validation.known_to_conform(discover((str(extra),)))


def test_an_unwritable_cache_only_costs_the_next_start_a_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("MLKG_CACHE_DIR", str(blocker))
    extra = tmp_path / "extra.ttl"
    extra.write_text(GOOD, encoding="utf-8")
    KnowledgeGraph.open(data=(str(extra),), validate=True).close()  # no error
    assert not validation.known_to_conform(discover((str(extra),)))
