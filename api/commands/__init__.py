"""One module per ``mlkg`` command, and the options they share."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlkg.api.settings import Settings
    from mlkg.graph import KnowledgeGraph


def add_graph_options(parser: argparse.ArgumentParser) -> None:
    """The options every command that reads the graph takes."""
    from mlkg.graph import ENGINES

    group = parser.add_argument_group("graph")
    group.add_argument(
        "--engine",
        choices=tuple(ENGINES),
        default=os.environ.get("MLKG_ENGINE", "oxigraph"),
        help="query engine (default: $MLKG_ENGINE or oxigraph)",
    )
    group.add_argument(
        "--endpoint",
        default=os.environ.get("MLKG_ENDPOINT"),
        help="remote engine: SPARQL query URL (default: $MLKG_ENDPOINT)",
    )
    group.add_argument(
        "--load-remote",
        action="store_true",
        help="remote engine: upload the data (inferred graph included) into the store first, "
        "with the Graph Store Protocol; credentials from $MLKG_STORE_USER, $MLKG_STORE_PASSWORD "
        "and $MLKG_STORE_AUTH (basic or digest)",
    )
    group.add_argument(
        "--store-url",
        default=os.environ.get("MLKG_STORE_URL"),
        help="remote engine: Graph Store Protocol URL for --load-remote (default: $MLKG_STORE_URL, "
        "else /store beside the endpoint, as Oxigraph server has it; Virtuoso's is "
        "/sparql-graph-crud-auth)",
    )
    group.add_argument(
        "--store-path",
        default=os.environ.get("MLKG_STORE_PATH"),
        help="oxigraph engine: keep the store on disk in this directory",
    )
    group.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="PATH",
        help="extra RDF file to load (.ttl .nt .trig .nq .jsonld .rdf); repeatable",
    )


def settings_for(args: argparse.Namespace, **options: object) -> Settings:
    """The service's settings (``MLKG_*``) with this command's options on top: how the
    commands that run user SPARQL or serve (``serve``, ``query``) learn their
    configuration, so they follow the same knobs as the server (limits,
    extra data). ``options`` left None keep the environment's value."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from mlkg.api.settings import Settings
    from mlkg.graph import MlkgError

    given = {
        "engine": args.engine,
        "endpoint": args.endpoint,
        "load_remote": args.load_remote or None,
        "store_url": args.store_url,
        "store_path": args.store_path,
        **options,
    }
    try:
        settings = Settings(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as err:  # one line naming the knob, not pydantic's report
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))} (MLKG_{str(e['loc'][0]).upper()}) = {e['input']!r}: {e['msg']}"
            for e in err.errors()
        )
        raise MlkgError(f"bad setting: {problems}") from None
    except SettingsError as err:  # a list-valued MLKG_* that is not JSON
        raise MlkgError(f"bad setting: {err}; list settings are JSON, e.g. MLKG_DATA='[\"a.ttl\"]'") from None
    if args.data:
        settings = settings.model_copy(update={"data": [*settings.data, *args.data]})
    return settings


def open_graph(
    args: argparse.Namespace, *, validate: bool = False, settings: Settings | None = None
) -> KnowledgeGraph:
    """Open the graph the options describe: from ``settings`` when the command has them;
    else from the options alone (their defaults read ``MLKG_ENGINE``, ``MLKG_ENDPOINT`` and
    ``MLKG_STORE_PATH``), which spares the quick look-up commands pydantic-settings' start-up."""
    from mlkg.graph import GraphConfig, KnowledgeGraph

    if settings is not None:
        return KnowledgeGraph.open(settings.graph_config(), validate=validate)
    config = GraphConfig(
        engine=args.engine,
        data=tuple(args.data),
        store_path=args.store_path,
        endpoint=args.endpoint,
        load_remote=args.load_remote,
        store_url=args.store_url,
    )
    return KnowledgeGraph.open(config, validate=validate)
