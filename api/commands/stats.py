"""mlkg stats: triples per named graph and entities per class."""

from __future__ import annotations

import argparse

from . import add_graph_options

HELP = "print triples per named graph and entities per class"
EXAMPLE = "mlkg stats --json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    add_graph_options(parser)


def run(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from mlkg.ontology import local_name

    from . import open_graph

    with open_graph(args) as kg:
        stats = kg.stats()
    if args.json:
        print(json.dumps(asdict(stats), indent=2))
        return 0
    print(f"{stats.triples} triples (union of all graphs)\n\ntriples per named graph:")
    for graph, count in stats.graphs.items():
        print(f"  {count:>7}  {graph}")
    print("\nentities per class:")
    for cls, count in stats.entities_by_class.items():
        print(f"  {count:>7}  {local_name(cls)}")
    return 0
