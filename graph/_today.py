"""What holds today: the one definition of an ended tool and of a correspondence that still holds.

Every reader of the graph (the counterpart answers, the SSSOM table, the networkx projection
and every picture) decides "ended" and "holds today" here, so a tool is never current in one
place and ended in another.

* A tool (or any entity) has **ended** when its ``mlkg:status`` is one under which it is no
  longer the thing to use: archived, deprecated, renamed (the new name is the thing to use),
  discontinued, redirected, merged into another service, or in limited maintenance (no
  updates or security fixes planned). "Maintenance only" (fixes but no features) and
  "active" have not ended; nor has an entity without a recorded status.
* A **correspondence holds today** when no source ended it (no ``mlkg:validUntil``) and none
  of the tools it is checked against has ended. A pair drawn or listed on its own (pictures,
  SSSOM) is checked against both its tools. A counterpart answer is about the tool one would
  use, so it is checked against that tool only; the asked tool's own fate (renamed, moved,
  archived, with its successor) is reported beside the answer instead.

>>> ended("https://w3id.org/mlkg/ontology#Archived"), ended("MaintenanceOnly"), ended(None)
(True, False, False)
>>> holds_today(None, "Active", "Renamed"), holds_today(None, "Active"), holds_today("2025-08-07")
(False, True, False)
"""

from __future__ import annotations

from collections.abc import Iterable

from mlkg.ontology import local_name

__all__ = ["ENDED_STATUSES", "ended", "holds_today", "winding_down"]

#: Local names of the ``mlkg:Status`` values under which an entity has ended.
ENDED_STATUSES = frozenset(
    {"Archived", "Deprecated", "Renamed", "Discontinued", "Redirected", "Merged", "LimitedMaintenance"}
)


def ended(status: str | None) -> bool:
    """Whether ``status`` (an ``mlkg:`` status IRI or its local name) means the entity has ended."""
    return bool(status) and local_name(status or "") in ENDED_STATUSES


def winding_down(status: str | None) -> bool:
    """Whether ``status`` means the entity still holds but gets fixes only, no new features
    ("maintenance only"): a counterpart to name after the fully maintained ones."""
    return local_name(status or "") == "MaintenanceOnly"


def current_status(statuses: Iterable[str]) -> str | None:
    """The status that decides, when sources record more than one: an ended one wins over "active"
    (a later layer or user data saying a tool was archived outranks an older "active")."""
    found = sorted(statuses)
    return next((s for s in found if ended(s)), found[0] if found else None)


def holds_today(valid_until: str | None, *statuses: str | None) -> bool:
    """Whether a correspondence still holds: no end date, and none of the given tools has ended."""
    return not valid_until and not any(ended(s) for s in statuses)
