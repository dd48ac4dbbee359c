"""mlkg counterpart: the other ecosystem's counterpart of a tool, as a table or the API's JSON."""

from __future__ import annotations

import argparse

from . import add_graph_options

HELP = "the PyTorch, TensorFlow or JAX counterparts of a tool"
EXAMPLE = "mlkg counterpart 'tf serving' --to pytorch"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "tool",
        metavar="TEXT",
        help="the tool or function as you would type it: tflite, torch.hub, 'TF Serving', tf.nn.gelu, F.gelu",
    )
    parser.add_argument(
        "--to",
        choices=("pytorch", "tensorflow", "jax"),
        help="only counterparts in this ecosystem (default: the other two)",
    )
    parser.add_argument("--json", action="store_true", help="print the same JSON as GET /api/counterparts")
    add_graph_options(parser)


def run(args: argparse.Namespace) -> int:
    # Only pyoxigraph and rapidfuzz on this path (and rich for the table): no rdflib, no
    # pydantic, no FastAPI, so the command answers fast from a cold start.
    from mlkg.graph import counterparts, resolve

    from . import open_graph
    from ._output import print_json, print_unresolved

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


def _print_table(answer: object) -> None:
    """The summary first, then the table (rows that hold today marked and first), then each row's
    evidence and sources; URLs are printed whole and IRIs as prefixed names."""
    from rich.console import Console
    from rich.table import Table

    from mlkg.graph import CounterpartAnswer

    assert isinstance(answer, CounterpartAnswer)
    tool = answer.tool
    console = Console(highlight=False)
    console.print(_esc(answer.summary), soft_wrap=True)
    fate = f"; now {tool.successor.label}" if tool.successor else ""
    about = f"{tool.ecosystem or 'no ecosystem'}; {tool.status}{fate}"
    console.print(f"[bold]{_esc(tool.label)}[/bold] ({_esc(about)})", soft_wrap=True)
    for note in answer.none:
        console.print(
            f"[bold]no {_esc(note.ecosystem)} counterpart[/bold]: {_esc(note.evidence)}", soft_wrap=True
        )
        for source in note.sources:
            console.print(
                f"  source: {_esc(source.title)} {_esc(source.url or _curie(source.iri))}", soft_wrap=True
            )
    if not answer.counterparts:
        return
    table = Table()
    for column in ("today", "counterpart", "ecosystem", "strength", "basis", "status"):
        table.add_column(column)
    for c in answer.counterparts:
        basis = c.basis + (", the 2022 article" if c.article else "")
        row = (
            "✔ holds" if c.current else "ended",
            c.label,
            c.ecosystem or "neutral",
            c.strength,
            basis,
            c.status,
        )
        table.add_row(*(_esc(cell) for cell in row), style="bold" if c.current else "dim")
    console.print(table)
    for c in answer.counterparts:
        console.print(f"[bold]{_esc(c.label)}[/bold]: {_esc(c.evidence)}", soft_wrap=True)
        for source in c.sources:
            when = f", {source.date}" if source.date else ""
            where = source.url or _curie(source.iri)
            console.print(f"  source: {_esc(source.title)}{_esc(when)} {_esc(where)}", soft_wrap=True)


def _curie(iri: str) -> str:
    """``iri`` as a prefixed name with the predeclared prefixes (src:Article2022), else whole."""
    from mlkg.ontology import PREFIXES

    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)
