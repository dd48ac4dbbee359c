"""mlkg stats: triples per named graph, entities per class, and counterpart coverage."""

from __future__ import annotations

import argparse

from . import add_graph_options

HELP = "print triples per named graph, entities per class and counterpart coverage"
EXAMPLE = "mlkg stats --json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    add_graph_options(parser)


def run(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from mlkg.graph import coverage
    from mlkg.ontology import local_name

    from . import open_graph

    with open_graph(args) as kg:
        stats = kg.stats()
        cover = coverage(kg)
        correspondences = len(kg.query("SELECT DISTINCT ?c WHERE { ?c a mlkg:Correspondence }").bindings())
        nones = len(kg.query("SELECT DISTINCT ?n WHERE { ?n a mlkg:NoCounterpart }").bindings())
    if args.json:
        data = asdict(stats)
        data["coverage"] = {**asdict(cover), "neither": cover.neither}
        data["correspondences"] = correspondences
        data["no_counterpart_answers"] = nones
        print(json.dumps(data, indent=2))
        return 0
    from mlkg.graph._loading import layer_graph

    # A layer's source graphs (…/since-2022/source/KEY, one per source document) are summed
    # under it; --json lists every named graph.
    layers: dict[str, list[int]] = {}
    for graph, count in stats.graphs.items():
        total = layers.setdefault(layer_graph(graph), [0, 0])
        total[0] += count
        total[1] += graph != layer_graph(graph)
    print(f"{stats.triples} triples (union of all graphs)\n")
    print("triples per named graph (a layer with its source graphs):")
    for graph, (count, parts) in layers.items():
        print(f"  {count:>7}  {graph}" + (f" ({parts} source graphs)" if parts else ""))
    print(f"  {len(stats.graphs)} named graphs in all")
    print("\nentities per class:")
    for cls, count in stats.entities_by_class.items():
        print(f"  {count:>7}  {local_name(cls)}")
    print("\ncounterpart coverage (tools of an ecosystem: with a counterpart / explicit none / neither):")
    print("  tools per ecosystem: " + ", ".join(f"{eco} {n}" for eco, n in cover.tools.items()))
    print(f"  correspondences: {correspondences}; explicit 'none' answers: {nones}")
    for pair in cover.pairs:
        line = f"  {pair.ecosystem:>10} -> {pair.other:<10} {pair.tools:>4} tools: "
        line += f"{pair.counterpart:>4} counterpart"
        line += f", {pair.none:>4} none, {len(pair.neither):>3} neither"
        print(line + (f" ({', '.join(pair.neither)})" if pair.neither else ""))
    missing = f" ({', '.join(cover.without_status)})" if cover.without_status else ""
    print(f"  tools without a status: {len(cover.without_status)}{missing}")
    print(f"  tools with neither a counterpart nor an explicit none: {cover.neither}")
    return 0
