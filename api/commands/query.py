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
        help=f"SELECT/ASK: {_TABLE} (default), {_names('solutions')}; "
        f"CONSTRUCT/DESCRIBE: {_names('graph')} (the first is the default)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds the query may run (default: the server's, $MLKG_QUERY_TIMEOUT or 10)",
    )
    add_graph_options(parser)


def _names(kind: str) -> str:
    from mlkg.graph._formats import answer_formats

    return ", ".join(f.name for f in answer_formats(kind))


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
    """The same path as ``/sparql``: the query runs in a killable, network-less,
    memory-capped worker under the server's row, byte and time limits, and comes back as the
    bytes /sparql would send; the table view reads those bytes back."""
    from mlkg.graph import MlkgError, resolve_format
    from mlkg.graph._formats import media_types_for
    from mlkg.graph._sparql_text import inspect_sparql

    from . import open_graph, settings_for

    text = read_query(args).removeprefix("\ufeff")
    settings = settings_for(args)
    limit = args.timeout if args.timeout is not None else settings.query_timeout
    if limit <= 0:
        raise MlkgError(f"--timeout must be a positive number of seconds, not {limit:g}")
    table = args.format in (None, _TABLE)
    if not table:
        media_type = resolve_format(args.format)
    elif inspect_sparql(text).form in ("construct", "describe"):
        media_type = media_types_for("graph")[0]  # a graph has no table: Turtle is its default
    else:
        media_type = media_types_for("solutions")[0]
    one_shot = settings.model_copy(
        update={"query_timeout": limit, "query_workers": 1, "result_cache_entries": 0}
    )
    with open_graph(args, settings=one_shot) as kg, one_shot.query_runner(kg) as runner:
        answer = runner.run(text, media_type)
    if table and media_type == media_types_for("solutions")[0]:
        print_table(answer.body)
    else:
        sys.stdout.buffer.write(answer.body)
        sys.stdout.flush()
    if answer.truncation is not None:
        print(f"mlkg: warning: {answer.truncation.message}", file=sys.stderr)
    return 0


def print_table(body: bytes) -> None:
    """A SPARQL JSON answer as a table (ASK: true or false)."""
    import pyoxigraph as ox
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    console = Console()
    if isinstance(answer, ox.QueryBoolean):
        console.print("true" if answer else "false")
        return
    table = Table(show_lines=False)
    for variable in answer.variables:
        table.add_column(variable.value, overflow="fold")
    rows = 0
    for solution in answer:
        # Text, not str: graph text must never be read as rich markup.
        table.add_row(*(Text("" if v is None else getattr(v, "value", str(v))) for v in solution))
        rows += 1
    console.print(table)
    console.print(f"{rows} row(s)", style="dim")
