"""What the commands print besides their own tables: graph answers as the API's JSON, and why
a name matched no single entity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlkg.graph import EntityRef


def print_json(answer: object) -> None:
    """Print a graph answer (dataclass or list of them) as the API returns it."""
    import json
    from dataclasses import asdict, is_dataclass

    def plain(item: object) -> object:
        return asdict(item) if is_dataclass(item) and not isinstance(item, type) else item

    data = [plain(i) for i in answer] if isinstance(answer, list | tuple) else plain(answer)
    print(json.dumps(data, indent=2, ensure_ascii=False))


def print_unresolved(
    what: str, text: str, candidates: Sequence[EntityRef], suggestions: Sequence[EntityRef]
) -> None:
    """Say on stderr why ``text`` names no single entity, and what the user could mean."""
    import sys

    if candidates:
        print(f"mlkg: {text!r} could mean several entities; ask for one of:", file=sys.stderr)
        names = candidates
    elif not text.strip():
        print(f"mlkg: error: give the {what} name", file=sys.stderr)
        return
    else:
        print(f"mlkg: no {what} named {text!r}", file=sys.stderr)
        names = suggestions
        if names:
            print("did you mean:", file=sys.stderr)
    for ref in names:
        extra = f", {ref.ecosystem}" if ref.ecosystem else ""
        print(f"  {ref.label}  ({ref.id}: {ref.type}{extra})", file=sys.stderr)
