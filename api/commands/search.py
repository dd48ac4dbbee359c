"""mlkg search: entities whose names match the text, best first."""

from __future__ import annotations

import argparse

from . import add_graph_options

HELP = "find entities by name (typos and partial names are fine)"
EXAMPLE = "mlkg search torch --limit 5"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", metavar="TEXT", help="a name or part of one")
    parser.add_argument("--limit", type=int, default=10, help="most results to show (default 10)")
    parser.add_argument("--json", action="store_true", help="print the same JSON as GET /api/search")
    add_graph_options(parser)


def run(args: argparse.Namespace) -> int:
    from mlkg.graph import search

    from . import open_graph
    from ._output import print_json

    text = args.text.strip()
    if not text or not 1 <= args.limit <= 50:
        import sys

        print("mlkg: error: give a non-blank TEXT and a --limit from 1 to 50", file=sys.stderr)
        return 2
    with open_graph(args) as kg:
        hits = search(kg, text, args.limit)
    if args.json:
        print_json(hits)
        return 0
    if not hits:
        print(f"nothing matches {text!r}")
        return 1
    width = max(len(h.label) for h in hits)
    for hit in hits:
        kind = f"{hit.type}, {hit.ecosystem}" if hit.ecosystem else hit.type
        print(f"{hit.score:5.2f}  {hit.label:<{width}}  {hit.id}  ({kind})")
    return 0
