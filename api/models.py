"""Pydantic response models of the REST API, with examples for /docs.

They mirror the frozen dataclasses of :mod:`mlkg.graph` field for field (names, and which may be
null; tests/api/test_models.py fails when one gains a field the other lacks), and share their
vocabulary (:class:`~mlkg.graph.Strength`, :class:`~mlkg.graph.Basis`), so an answer is
``Model.model_validate(dataclasses.asdict(answer))`` and the CLI's ``--json`` (which dumps the
dataclass) prints exactly what the API returns. The models add what /docs shows: descriptions
and examples.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mlkg.graph import Basis, Strength

_TS = "https://w3id.org/mlkg/entity/TorchServe"
_TFS = "https://w3id.org/mlkg/entity/TensorFlowServing"
_ARTICLE: dict[str, Any] = {
    "iri": "https://w3id.org/mlkg/source/Article2022",
    "title": "TensorFlow vs PyTorch: Which will be the top Deep Learning Framework in 2022?",
    "url": "https://medium.com/aimluae/tensorflow-vs-pytorch-which-will-be-the-top-deep-learning-framework-in-2022-a3488635029",
    "date": "2022",
}


class Source(BaseModel):
    """A source document a claim comes from."""

    model_config = ConfigDict(json_schema_extra={"examples": [dict(_ARTICLE)]})
    iri: str
    title: str
    url: str | None
    date: str | None = Field(description="Publication date at the precision the source gives")


class EntityRef(BaseModel):
    """An entity as search, candidates and suggestions name it."""

    id: str = Field(description="URL id: /entity/{id}", examples=["TorchServe"])
    iri: str = Field(examples=[_TS])
    label: str = Field(examples=["TorchServe"])
    type: str = Field(description="Local name of the asserted class", examples=["ServingTool"])
    ecosystem: str | None = Field(description="Framework it belongs to", examples=["PyTorch"])


class SearchHit(EntityRef):
    """One ranked search result."""

    score: float = Field(ge=0, le=1, description="1 = exact label match", examples=[0.95])


class Successor(BaseModel):
    """What took over from a tool that was renamed, moved, merged or otherwise ended, and since when."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "LiteRT",
                    "iri": "https://w3id.org/mlkg/entity/LiteRT",
                    "label": "LiteRT",
                    "since": "2024-09-04",
                    "change": "renamed",
                }
            ]
        }
    )
    id: str = Field(description="URL id: /entity/{id}", examples=["LiteRT"])
    iri: str = Field(examples=["https://w3id.org/mlkg/entity/LiteRT"])
    label: str = Field(examples=["LiteRT"])
    since: str | None = Field(
        description="When the change happened, at the source's precision", examples=["2024-09-04"]
    )
    change: str = Field(
        description="How: renamed, redirected, merged, deprecated, archived... (the old tool's status)",
        examples=["renamed"],
    )


class Tool(BaseModel):
    """The tool the question is about."""

    id: str = Field(examples=["TensorFlowServing"])
    iri: str = Field(examples=[_TFS])
    label: str = Field(examples=["TensorFlow Serving"])
    type: str = Field(examples=["ServingTool"])
    ecosystem: str | None = Field(examples=["TensorFlow"])
    status: str = Field(
        description="active / renamed / archived / limited maintenance ..., with the date where known",
        examples=["active"],
    )
    successor: Successor | None = Field(
        default=None,
        description="The tool's own fate: what it was renamed to, moved to or replaced by; null if nothing",
    )


class Counterpart(BaseModel):
    """A tool of the other ecosystem that does the same job, with the evidence."""

    id: str = Field(examples=["TorchServe"])
    iri: str = Field(examples=[_TS])
    label: str = Field(examples=["TorchServe"])
    ecosystem: str | None = Field(examples=["PyTorch"])
    strength: Strength = Field(examples=["close"])
    basis: Basis = Field(
        description="stated by a source, or inferred (shared function, successor chain, our judgement)",
        examples=["stated"],
    )
    function: str | None = Field(description="The shared function", examples=["Model serving"])
    current: bool = Field(
        description="Holds today: the pair has no end date and this tool has not ended (archived, renamed,"
        " deprecated, redirected, merged, discontinued or in limited maintenance)",
        examples=[False],
    )
    status: str = Field(examples=["archived since 2025-08-07"])
    evidence: str = Field(examples=["Conclusion: the author lists TorchServe as PyTorch's equivalent..."])
    sources: list[Source]
    neutral: bool = Field(
        default=False,
        description="A framework-neutral tool (no ecosystem) that serves both",
        examples=[False],
    )
    article: bool = Field(default=False, description="One of the 2022 article's own pairs", examples=[True])
    via: str | None = Field(
        default=None,
        description="When found through the asked tool's new name or successor: its label",
        examples=[None],
    )


class NoCounterpart(BaseModel):
    """An explicit, sourced answer that the tool has no counterpart in one ecosystem."""

    ecosystem: str = Field(examples=["JAX"])
    evidence: str
    people_use: list[EntityRef] = Field(description="What people use there instead (often framework-neutral)")
    sources: list[Source]


class CounterpartAnswer(BaseModel):
    """GET /api/counterparts: what holds today first, then what the 2022 article said."""

    query: str = Field(examples=["tflite"])
    tool: Tool
    counterparts: list[Counterpart] = Field(
        description="What holds today first (strongest first, then stated before inferred; among"
        " equals the framework's own API, then its project's libraries, then third-party ones),"
        " then what held once"
    )
    summary: str = Field(
        default="",
        description="The answer in plain words: the tool's fate, what to use today, what the article said",
        examples=[
            "TensorFlow Lite was renamed LiteRT on 2024-09-04. Today: ExecuTorch. The 2022 article paired"
            " TensorFlow Lite with PyTorch Live, renamed PlayTorch, archived since 2023-10-23."
        ],
    )
    none: list[NoCounterpart] = Field(
        default_factory=list,
        description="Ecosystems where a sourced answer says there is none, with what people use instead",
    )


class Suggestions(BaseModel):
    """404: no entity matches; the nearest names."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"detail": "no tool or entity named 'torchsrv'", "suggestions": []}]}
    )
    detail: str
    suggestions: list[EntityRef]


class Candidates(BaseModel):
    """300: the text matches several entities; pick one and ask again by its label or id."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"detail": "'hub' matches 4 entities", "candidates": []}]}
    )
    detail: str
    candidates: list[EntityRef]


class Fact(BaseModel):
    """One statement about an entity, with the source layer (named graph) it comes from."""

    property: str = Field(examples=["developed by"])
    property_iri: str
    value: str = Field(examples=["Amazon Web Services"])
    id: str | None = Field(description="URL id of the linked entity", examples=["AWS"])
    iri: str | None
    graph: str = Field(examples=["article-2022"])
    inverse: bool = Field(default=False, description="the entity is the object of the statement")
    current: bool = Field(
        default=True,
        description="false for the article's value of a property a later source gives differently",
    )


class Correction(BaseModel):
    """A later event that corrects or confirms an earlier one."""

    id: str
    label: str
    relation: Literal["corrects", "confirms", "supplements"]
    date: str = Field(examples=["2021-12"])
    sources: list[Source]
    graph: str = Field(examples=["since-2022"], description="the named graph (source layer) that dates it")


class TimelineEvent(BaseModel):
    """A dated event with its source; a later source's date sits beside it in ``corrections``."""

    id: str = Field(examples=["Event_PyTorchLive_Launch"])
    label: str
    kind: str = Field(examples=["launch"])
    date: str = Field(examples=["2020-12"])
    about: list[EntityRef]
    sources: list[Source]
    corrections: list[Correction]
    graph: str = Field(examples=["article-2022"], description="the named graph (source layer) that dates it")


class EntityFacts(BaseModel):
    """GET /api/entities/{id}: everything the graph says about one entity."""

    id: str = Field(examples=["TorchServe"])
    iri: str = Field(examples=[_TS])
    label: str = Field(examples=["TorchServe"])
    alt_labels: list[str] = Field(examples=[["torchserve", "torch-serve"]])
    type: str = Field(examples=["ServingTool"])
    type_label: str = Field(examples=["serving tool"])
    definition: str | None
    ecosystem: str | None = Field(examples=["PyTorch"])
    status: str = Field(examples=["archived since 2025-08-07"])
    succeeded_by: list[EntityRef]
    dates: list[Fact]
    agents: list[Fact] = Field(description="People and organisations, the role as `property`")
    related: list[Fact]
    attributes: list[Fact]
    counterparts: list[Counterpart]
    sources: list[Source]
    events: list[TimelineEvent]
    changes: list[str] = Field(description="What changed since the article, in plain sentences")
    summary: str = Field(default="", description="For a tool: the counterpart answer's summary, today first")
    successor: Successor | None = Field(
        default=None,
        description="What took over from it, if it was renamed, moved, merged or otherwise ended",
    )
