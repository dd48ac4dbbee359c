"""mlkg export: write the whole dataset (or its network projection) to a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import add_graph_options

HELP = "export the dataset as turtle, trig, nquads, jsonld or graphml, or the mappings as sssom"
EXAMPLE = "mlkg export --format trig -o mlkg.trig"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from mlkg.graph._export import EXPORT_FORMATS

    parser.add_argument("--format", required=True, help=f"one of: {', '.join(EXPORT_FORMATS)}")
    parser.add_argument("-o", "--output", default="-", help="file to write ('-' = stdout)")
    add_graph_options(parser)


def run(args: argparse.Namespace) -> int:
    from mlkg.graph import MlkgError, export_bytes
    from mlkg.graph._export import export_format

    from . import open_graph

    export_format(args.format)  # an unknown format is refused before the graph is loaded
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
