"""The REST API's pydantic models and the answer dataclasses stay one shape.

Every answer the API returns is a frozen dataclass of ``mlkg.graph`` passed through a pydantic
model (``Model.model_validate(asdict(answer))``). The models carry what /docs shows
(descriptions, examples); the fields must be the dataclass's own, so a field added, renamed,
made nullable or given another vocabulary on one side and not the other fails here, instead of
being dropped silently from the JSON or refused with a 500.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from enum import Enum
from typing import Any, Literal, get_args, get_origin, get_type_hints

import pytest
from pydantic import BaseModel

from mlkg.api import models
from mlkg.api.app import create_app
from mlkg.api.settings import Settings
from mlkg.graph import CounterpartAnswer, EntityFacts, SearchHit, TimelineEvent

#: Each response model of an API route, and the dataclass the route validates into it.
ANSWERS: dict[type[BaseModel], type] = {
    models.CounterpartAnswer: CounterpartAnswer,
    models.EntityFacts: EntityFacts,
    models.TimelineEvent: TimelineEvent,
    models.SearchHit: SearchHit,
}


def _optional(hint: Any) -> tuple[bool, Any]:
    """(whether ``None`` is allowed, the hint without ``None``)."""
    args = get_args(hint)
    if get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return True, rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]  # noqa: UP007
    return False, hint


def _item(hint: Any) -> tuple[bool, Any]:
    """(whether the hint is a sequence, its item type): ``tuple[X, ...]`` and ``list[X]`` alike."""
    if get_origin(hint) in (tuple, list):
        return True, get_args(hint)[0]
    return False, hint


def _vocabulary(hint: Any) -> frozenset[str] | None:
    """The allowed values of an enum or a ``Literal``; None for an open type."""
    if isinstance(hint, type) and issubclass(hint, Enum):
        return frozenset(str(m.value) for m in hint)
    if get_origin(hint) is Literal:
        return frozenset(str(a) for a in get_args(hint))
    return None


def mismatches(model: type[BaseModel], dataclass: type, path: str = "") -> list[str]:
    """How ``model`` differs from ``dataclass``, recursively through nested answers."""
    where = path or model.__name__
    # mlkg.graph renames its public classes' __module__; __init__ keeps the defining module's names
    hints = get_type_hints(dataclass, globalns=dataclass.__init__.__globals__)
    names = {f.name for f in dataclasses.fields(dataclass)}
    found = [
        f"{where}.{n}: only in the dataclass {dataclass.__name__}"
        for n in sorted(names - set(model.model_fields))
    ]
    found += [f"{where}.{n}: only in the model" for n in sorted(set(model.model_fields) - names)]
    for name in sorted(names & set(model.model_fields)):
        here = f"{where}.{name}"
        ours_none, ours = _optional(hints[name])
        theirs_none, theirs = _optional(model.model_fields[name].annotation)
        if ours_none != theirs_none:
            found.append(f"{here}: nullable in {'the dataclass' if ours_none else 'the model'} only")
        ours_many, ours = _item(ours)
        theirs_many, theirs = _item(theirs)
        if ours_many != theirs_many:
            found.append(f"{here}: a list on one side only")
        if dataclasses.is_dataclass(ours):
            if isinstance(theirs, type) and issubclass(theirs, BaseModel):
                found += mismatches(theirs, ours, here)  # type: ignore[arg-type]
            else:
                found.append(f"{here}: {ours.__name__} is not a model on the API side")  # type: ignore[union-attr]
        elif _vocabulary(ours) != _vocabulary(theirs) or (
            _vocabulary(ours) is None and ours is not theirs and {ours, theirs} != {str}
        ):
            found.append(f"{here}: {ours!r} in the dataclass, {theirs!r} in the model")
    return found


@pytest.mark.parametrize("model", list(ANSWERS), ids=lambda m: m.__name__)
def test_each_model_has_the_fields_of_its_answer(model: type[BaseModel]) -> None:
    """Names, nullability, lists, nested answers and enum values match, all the way down."""
    assert mismatches(model, ANSWERS[model]) == []


def test_every_answer_route_is_checked() -> None:
    """A new route answering through one of the models must add its pair to ANSWERS."""
    returned = set()
    for path in create_app(Settings()).openapi()["paths"].values():
        for operation in path.values():
            schema = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
            ref = schema.get("schema", {})
            ref = ref.get("items", ref).get("$ref", "")
            model = getattr(models, ref.rsplit("/", 1)[-1], None) if ref else None
            if isinstance(model, type) and issubclass(model, BaseModel):
                returned.add(model)
    assert returned == set(ANSWERS)


def test_a_field_on_one_side_only_is_found() -> None:
    """The comparison can fail: a dataclass with one more field, or a nullable one, is caught."""
    from mlkg.graph import SourceRef

    wider = dataclasses.make_dataclass(
        "Wider", [(f.name, f.type) for f in dataclasses.fields(SourceRef)] + [("extra", "str")]
    )
    assert mismatches(models.Source, wider) == ["Source.extra: only in the dataclass Wider"]

    class Nullable(models.Source):
        title: str | None  # type: ignore[assignment]

    assert mismatches(Nullable, SourceRef) == ["Nullable.title: nullable in the model only"]

    class OtherWords(models.Counterpart):
        strength: Literal["exact", "close"]  # type: ignore[assignment]

    from mlkg.graph import Counterpart

    assert [m.split(":")[0] for m in mismatches(OtherWords, Counterpart)] == ["OtherWords.strength"]
