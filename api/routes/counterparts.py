"""The questions people come with: counterparts, search, the timeline, the SSSOM mappings."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from mlkg.graph import (
    FORMATS,
    EntityRef,
    KnowledgeGraph,
    Resolution,
    counterparts,
    resolve,
    search,
    sssom_tsv,
    timeline,
)

from .. import models
from ..deps import KG

router = APIRouter(tags=["counterparts"])

#: Longest name or search text accepted (422 beyond): no tool name comes near it.
MAX_TEXT = 200

#: Text with something besides white space, in a pattern that reads the same in Python and in
#: JSON Schema's (ECMAScript) regex: Python's ``\s`` also takes U+001C-001F and U+0085, which
#: ECMAScript's does not, so they are named too and a schema-valid text is never refused.
NOT_ONLY_SPACE = r"[^\s\x1c-\x1f\x85]"


def checked_text(text: str, name: str) -> str:
    """``text`` stripped; 422 (like any validation error) when nothing is left."""
    stripped = text.strip()
    if not stripped:
        raise RequestValidationError(
            [{"type": "string_too_short", "loc": ("query", name), "msg": "must not be blank", "input": text}]
        )
    return stripped


def refs(entities: tuple[EntityRef, ...]) -> list[dict[str, Any]]:
    return [asdict(e) for e in entities]


def unresolved(resolution: Resolution, what: str = "tool or entity") -> JSONResponse:
    """The 300 (ambiguous, with candidates) or 404 (unknown, with suggestions) answer."""
    if resolution.status == "ambiguous":
        body = models.Candidates(
            detail=f"{resolution.query!r} matches {len(resolution.candidates)} entities; ask for one of them",
            candidates=[models.EntityRef.model_validate(r) for r in refs(resolution.candidates)],
        )
        return JSONResponse(body.model_dump(), status_code=300)
    body_404 = models.Suggestions(
        detail=f"no {what} named {resolution.query!r}",
        suggestions=[models.EntityRef.model_validate(r) for r in refs(resolution.suggestions)],
    )
    return JSONResponse(body_404.model_dump(), status_code=404)


def counterpart_answer(
    kg: KnowledgeGraph, text: str, to: str | None
) -> models.CounterpartAnswer | JSONResponse:
    """Resolve ``text`` and answer, or the 300 (ambiguous) / 404 (unknown) response."""
    resolution = resolve(kg, text)
    if resolution.entity is None:
        return unresolved(resolution, "tool")
    answer = counterparts(kg, resolution.entity, query=text, to=to)
    return models.CounterpartAnswer.model_validate(asdict(answer))


@router.get(
    "/api/counterparts",
    response_model=models.CounterpartAnswer,
    summary="The other ecosystems' counterparts of a tool",
    responses={
        300: {"model": models.Candidates, "description": "Ambiguous name: the candidates"},
        404: {"model": models.Suggestions, "description": "Unknown name: suggestions"},
    },
)
def get_counterparts(
    kg: KG,
    tool: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_TEXT,
            pattern=NOT_ONLY_SPACE,
            description=(
                "The tool or function as you would type it: 'tf serving', 'torch.hub', 'tflite', "
                "'Kears', 'tf.nn.gelu', 'F.gelu', 'jnp.max()'..."
            ),
            examples=["tflite"],
        ),
    ],
    to: Annotated[
        Literal["pytorch", "tensorflow", "jax"] | None,
        Query(description="Only counterparts in this ecosystem (default: the other two)"),
    ] = None,
) -> models.CounterpartAnswer | JSONResponse:
    """What holds today first (strongest, then stated), then what held once, the 2022 article's pairs
    marked; the tool's own fate in ``tool.successor`` and the whole answer in ``summary``."""
    return counterpart_answer(kg, checked_text(tool, "tool"), to)


@router.get("/api/search", response_model=list[models.SearchHit], summary="Ranked entities, for autocomplete")
def get_search(
    kg: KG,
    q: Annotated[str, Query(min_length=1, max_length=MAX_TEXT, pattern=NOT_ONLY_SPACE, examples=["torch"])],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[models.SearchHit]:
    """Entities whose labels match ``q`` best first (exact, then prefix, words, substring, typos)."""
    hits = search(kg, checked_text(q, "q"), limit)
    return [models.SearchHit.model_validate(asdict(h)) for h in hits]


@router.get("/api/timeline", response_model=list[models.TimelineEvent], summary="Dated events in order")
def get_timeline(kg: KG) -> list[models.TimelineEvent]:
    """Every dated event with its source; corrections from later sources beside the original date."""
    return [models.TimelineEvent.model_validate(asdict(e)) for e in timeline(kg)]


@router.get(
    "/api/mappings.sssom.tsv",
    summary="Every correspondence as an SSSOM mapping table",
    response_class=Response,
    responses={200: {"content": {FORMATS["sssom"].media_type: {}}}},
)
def get_sssom(kg: KG) -> Response:
    """SSSOM/TSV: YAML metadata header (``#`` lines), then one row per correspondence."""
    return Response(
        sssom_tsv(kg),
        media_type=FORMATS["sssom"].media_type + "; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="mlkg-mappings{FORMATS["sssom"].suffix}"'},
    )
