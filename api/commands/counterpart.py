"""mlkg counterpart: the other ecosystem's counterpart of a tool, as a table or the API's JSON."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import add_graph_options

if TYPE_CHECKING:
    from mlkg.graph import EntityRef

HELP = "the PyTorch counterpart of a TensorFlow tool, or the reverse"
EXAMPLE = "mlkg counterpart 'tf serving' --to pytorch"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "tool",
        metavar="TEXT",
        help="the tool or function as you would type it: tflite, torch.hub, 'TF Serving', tf.nn.gelu, F.gelu",
    )
    parser.add_argument(
        "--to", choices=("pytorch", "tensorflow", "jax"), help="only counterparts in this ecosystem"
    )
    parser.add_argument("--json", action="store_true", help="print the same JSON as GET /api/counterparts")
    add_graph_options(parser)


def run(args: argparse.Namespace) -> int:
    # Only pyoxigraph and rapidfuzz on this path (and rich for the table): no rdflib, no
    # pydantic, no FastAPI, so the command answers fast from a cold start.
    from mlkg.graph import counterparts, resolve

    from . import open_graph

    text = args.tool.strip()
    if not text:
        print_unresolved("tool", args.tool, (), ())
        return 2
    with open_graph(args) as kg:
        resolution = resolve(kg, text)
        if resolution.entity is None:
            print_unresolved("tool", text, resolution.candidates, resolution.suggestions)
            return 2 if resolution.status == "ambiguous" else 1
        answer = counterparts(kg, resolution.entity, query=text, to=args.to)
    if args.json:
        print_json(answer)
        return 0
    _print_table(answer)
    return 0


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


def _print_table(answer: object) -> None:
    from rich.console import Console
    from rich.table import Table

    from mlkg.graph import CounterpartAnswer

    assert isinstance(answer, CounterpartAnswer)
    tool = answer.tool
    console = Console(highlight=False)
    console.print(
        f"[bold]{_esc(tool.label)}[/bold] ({_esc(tool.ecosystem or 'no ecosystem')}; {_esc(tool.status)})"
    )
    if not answer.counterparts:
        console.print("no counterpart recorded in the graph")
        return
    table = Table()
    for column in ("counterpart", "ecosystem", "strength", "basis", "current", "status"):
        table.add_column(column)
    for c in answer.counterparts:
        current = "yes" if c.current else "no"
        row = (c.label, c.ecosystem or "", c.strength, c.basis, current, c.status)
        table.add_row(*(_esc(cell) for cell in row))
    console.print(table)
    for c in answer.counterparts:
        console.print(f"[bold]{_esc(c.label)}[/bold]: {_esc(c.evidence)}")
        for source in c.sources:
            when = f", {source.date}" if source.date else ""
            console.print(f"  source: {_esc(source.title)}{_esc(when)} {_esc(source.url or source.iri)}")


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)
