"""mlkg query: run one SPARQL query and print the answer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import add_graph_options

HELP = "run a SPARQL query (text or -f FILE) and print the answer"
EXAMPLE = "mlkg query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --format csv"
_TABLE = "table"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sparql", nargs="?", help="the query text (or use -f)")
    parser.add_argument("-f", "--file", type=Path, help="read the query from this .rq file")
    parser.add_argument(
        "--format",
        default=None,
        help="SELECT/ASK: table (default), json, csv, tsv, xml; "
        "CONSTRUCT/DESCRIBE: turtle (default), nt, jsonld, rdfxml, nquads, trig",
    )
    add_graph_options(parser)


def read_query(args: argparse.Namespace) -> str:
    from mlkg.graph import MlkgError

    if args.file is not None:
        if args.sparql:
            raise MlkgError("give the query as text or with -f, not both")
        try:
            return str(args.file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as err:
            raise MlkgError(f"cannot read {args.file}: {err}") from None
    if not args.sparql:
        raise MlkgError("no query: pass the text, or -f FILE")
    return str(args.sparql)


def run(args: argparse.Namespace) -> int:
    from mlkg.graph import resolve_format, serialize_result

    from . import open_graph

    text = read_query(args)
    media_type = None if args.format in (None, _TABLE) else resolve_format(args.format)
    with open_graph(args) as kg:
        result = kg.query(text)
    if media_type is None:
        if result.kind == "graph":
            media_type = "text/turtle"
        else:
            print_table(result)
            return 0
    body = serialize_result(result, media_type)
    sys.stdout.buffer.write(body)
    sys.stdout.flush()
    if result.truncated:
        print("mlkg: warning: the answer was cut at the row limit", file=sys.stderr)
    return 0


def print_table(result: object) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from mlkg.graph import QueryResult

    assert isinstance(result, QueryResult)
    console = Console()
    if result.kind == "boolean":
        console.print("true" if result.boolean else "false")
        return
    table = Table(show_lines=False)
    for name in result.variables:
        table.add_column(name, overflow="fold")
    for row in result.rows:
        # Text, not str: graph text must never be read as rich markup.
        table.add_row(*(Text("" if v is None else getattr(v, "value", str(v))) for v in row))
    console.print(table)
    console.print(f"{len(result.rows)} row(s)", style="dim")
