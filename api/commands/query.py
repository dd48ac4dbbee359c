"""mlkg query: run one SPARQL query and print the answer."""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from . import add_graph_options

if TYPE_CHECKING:
    from mlkg.api.settings import Settings
    from mlkg.graph import KnowledgeGraph, QueryResult

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
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds the query may run (default: the server's, $MLKG_QUERY_TIMEOUT or 10)",
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
    from mlkg.api.settings import Settings
    from mlkg.graph import resolve_format, serialize_within

    from . import open_graph

    text = read_query(args).removeprefix("\ufeff")
    media_type = None if args.format in (None, _TABLE) else resolve_format(args.format)
    settings = Settings()
    with open_graph(args) as kg:
        result = run_bounded(kg, text, args.timeout, settings)
    if media_type is None and result.kind != "graph":
        print_table(result)
    else:
        # The same cut as /sparql: rows at MLKG_ROW_LIMIT, bytes at MLKG_MAX_RESULT_BYTES.
        result, body = serialize_within(result, media_type or "text/turtle", settings.max_result_bytes)
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    if result.truncation is not None:
        print(f"mlkg: warning: {result.truncation.message}", file=sys.stderr)
    return 0


def run_bounded(kg: KnowledgeGraph, text: str, timeout: float | None, settings: Settings) -> QueryResult:
    """``kg.query(text)`` under the server's limits: no network and capped memory for the
    embedded engines, rows cut at the server's row limit (marked as /sparql marks them), and a
    time limit past which the process ends with an error line.

    The engine cannot be interrupted, so the query runs in a daemon thread and the process
    exits on the spot at the limit (this is a one-shot command; nothing else is lost).
    """
    from mlkg.graph import MlkgError, QueryTimeout
    from mlkg.graph._sandbox import deny_network, limit_memory

    limit = timeout if timeout is not None else settings.query_timeout
    if limit <= 0:
        raise MlkgError(f"--timeout must be a positive number of seconds, not {limit:g}")
    if kg.config.engine != "remote":  # the remote engine's own HTTP call needs the network
        deny_network()
        limit_memory(settings.query_memory_mb << 20)
    outcome: list[QueryResult | BaseException] = []

    def work() -> None:
        try:
            outcome.append(kg.query(text, row_limit=settings.row_limit))
        except BaseException as err:  # handed to the main thread as is
            outcome.append(err)

    worker = threading.Thread(target=work, name="mlkg-query", daemon=True)
    worker.start()
    worker.join(limit)
    if not outcome:
        print(f"mlkg: error: {QueryTimeout(limit)}", file=sys.stderr)
        sys.stderr.flush()
        os._exit(1)
    if isinstance(outcome[0], MemoryError):
        from mlkg.graph import QueryAborted

        raise QueryAborted(settings.query_memory_mb or None)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


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
