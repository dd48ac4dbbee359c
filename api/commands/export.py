"""mlkg export: write the whole dataset (or its network projection) to a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import add_graph_options

HELP = "export the dataset as turtle, trig, nquads, jsonld or graphml, or the mappings as sssom"
EXAMPLE = "mlkg export --format trig -o mlkg.trig"
FORMATS = ("turtle", "trig", "nquads", "jsonld", "graphml", "sssom")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", required=True, help=f"one of: {', '.join(FORMATS)}")
    parser.add_argument("-o", "--output", default="-", help="file to write ('-' = stdout)")
    add_graph_options(parser)


def run(args: argparse.Namespace) -> int:
    from mlkg.graph import MlkgError, UnsupportedFormat

    from . import open_graph

    if args.format not in FORMATS:
        raise UnsupportedFormat(f"unknown export format {args.format!r}; use one of: {', '.join(FORMATS)}")
    with open_graph(args) as kg:
        body = export_bytes(kg, args.format)
    if args.output == "-":
        sys.stdout.buffer.write(body)
        return 0
    try:
        Path(args.output).write_bytes(body)
    except OSError as err:
        raise MlkgError(f"cannot write {args.output}: {err.strerror or err}") from None
    print(f"wrote {args.output} ({len(body)} bytes, {args.format})", file=sys.stderr)
    return 0


def export_bytes(kg: object, fmt: str) -> bytes:
    import pyoxigraph as ox

    from mlkg.graph import KnowledgeGraph
    from mlkg.ontology import PREFIXES

    assert isinstance(kg, KnowledgeGraph)
    if fmt == "sssom":  # every correspondence as an SSSOM/TSV mapping table
        from mlkg.graph import sssom_tsv

        return sssom_tsv(kg).encode()
    if fmt == "graphml":
        import io

        import networkx as nx

        from mlkg.graph import to_networkx

        buffer = io.BytesIO()
        projection = nx.DiGraph(to_networkx(kg))  # GraphML keys must be plain values
        nx.write_graphml(projection, buffer)
        return buffer.getvalue()
    quads = kg.quads()
    if fmt == "turtle":
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
        return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    rdf_format = {
        "trig": ox.RdfFormat.TRIG,
        "nquads": ox.RdfFormat.N_QUADS,
        "jsonld": ox.RdfFormat.JSON_LD,
    }[fmt]
    prefixes = PREFIXES if fmt == "trig" else None
    return ox.serialize(sorted(quads, key=str), format=rdf_format, prefixes=prefixes) or b""
