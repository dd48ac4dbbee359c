"""The correspondence vocabulary: how strong a match is and why it is recorded.

A ``mlkg:Correspondence`` node names its strength (``mlkg:Exact``, ``mlkg:Close``,
``mlkg:Related``) and its basis (``mlkg:Stated``, ``mlkg:Inferred``). The answers, the SSSOM
table, the projection and the pictures read and order them through these two enums, so the
three spellings in play (the IRI, its local name ``Close`` in the projection and the pictures,
the lower-case value ``close`` in the JSON answers) are one vocabulary. Both are ``str``
enums: a member is its JSON value.

>>> Strength.of("https://w3id.org/mlkg/ontology#Close"), Strength.of("Exact").term
(<Strength.CLOSE: 'close'>, 'Exact')
>>> sorted([Strength.RELATED, Strength.EXACT], key=lambda s: s.rank)[0] == "exact"
True
>>> Basis.of(None), Basis.STATED.iri
(<Basis.INFERRED: 'inferred'>, 'https://w3id.org/mlkg/ontology#Stated')
"""

from __future__ import annotations

from enum import StrEnum

from mlkg.ontology import MLKG, local_name

__all__ = ["Basis", "Strength"]


class _Term(StrEnum):
    """A named individual of the ontology, valued by its lower-case local name."""

    @property
    def term(self) -> str:
        """The individual's local name, as the projection and the pictures carry it ("Close")."""
        return self.value.capitalize()

    @property
    def iri(self) -> str:
        return MLKG + self.term


class Strength(_Term):
    """How closely two corresponding tools (or functions) match; ``mlkg:CorrespondenceStrength``."""

    EXACT = "exact"
    CLOSE = "close"
    RELATED = "related"

    @property
    def rank(self) -> int:
        """0 for the strongest: the order answers and pictures list matches in."""
        return list(Strength).index(self)

    @classmethod
    def of(cls, value: str | None) -> Strength:
        """The strength an IRI, a local name or a value names; anything else is the weakest."""
        name = local_name(value or "").lower()
        return cls(name) if name in cls._value2member_map_ else cls.RELATED


class Basis(_Term):
    """Whether a source states a correspondence or it is inferred; ``mlkg:CorrespondenceBasis``."""

    STATED = "stated"
    INFERRED = "inferred"

    @classmethod
    def of(cls, value: str | None) -> Basis:
        """The basis an IRI, a local name or a value names; anything but "stated" is inferred."""
        return cls.STATED if local_name(value or "").lower() == "stated" else cls.INFERRED
