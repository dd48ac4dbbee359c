"""mlkg viz: write the interactive picture as one self-contained HTML file."""

from __future__ import annotations

import argparse
import sys

from . import add_graph_options

HELP = "write the interactive graph picture as one self-contained HTML file (works offline)"
EXAMPLE = "mlkg viz -o mlkg.html --focus TorchServe --depth 2"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE.html", help="file to write ('-' = stdout)"
    )
    parser.add_argument("--focus", metavar="ID", help="entity id to open on, e.g. TorchServe")
    parser.add_argument(
        "--depth",
        type=int,
        metavar="N",
        help="with --focus: keep only entities within N links of it (0-6)",
    )
    add_graph_options(parser)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mlkg.graph import MlkgError
    from mlkg.viz import graph_page, neighbourhood, parse_view, project

    from . import open_graph

    with open_graph(args) as kg:
        graph = project(kg)
    state = parse_view(graph, focus=args.focus, depth=args.depth)
    if state.focus is not None and state.depth is not None:
        graph = graph.subgraph(neighbourhood(graph, state.focus, state.depth)).copy()
    html = graph_page(graph, state)  # FILE_URLS: one self-contained file
    if args.output == "-":
        sys.stdout.write(html)
        return 0
    try:
        Path(args.output).write_text(html, encoding="utf-8")
    except OSError as err:
        raise MlkgError(f"cannot write {args.output}: {err.strerror or err}") from None
    print(
        f"wrote {args.output} ({graph.number_of_nodes()} entities, {graph.number_of_edges()} links, "
        f"{len(html.encode()) // 1024} KiB, self-contained)",
        file=sys.stderr,
    )
    return 0
