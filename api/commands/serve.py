"""mlkg serve: validate the data, then serve the HTTP API, pages and /sparql."""

from __future__ import annotations

import argparse

from . import add_graph_options

HELP = "serve the HTTP API, the pages and /sparql (refuses to start on bad data)"
EXAMPLE = "mlkg serve --port 8000 --data extra.ttl"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default 8000)")
    parser.add_argument("--query-timeout", type=float, default=None, help="seconds per query")
    add_graph_options(parser)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from mlkg.api.app import create_app

    from . import settings_for

    settings = settings_for(args, host=args.host, port=args.port, query_timeout=args.query_timeout)
    from mlkg.graph import KnowledgeGraph

    # Load and validate before binding the port: bad data means no server, not a half one.
    kg = KnowledgeGraph.open(settings.graph_config(), validate=True)
    print(
        f"mlkg: {kg.triple_count()} triples loaded ({kg.engine.name}); serving on "
        f"http://{settings.host}:{settings.port}/"
    )
    from mlkg.api.connections import ConnectionLimits, guarded_protocol, raise_open_file_limit

    raise_open_file_limit()
    limits = ConnectionLimits(
        max_header_bytes=settings.max_header_bytes,
        max_headers=settings.max_headers,
        header_timeout=settings.header_timeout,
        body_timeout=settings.body_timeout,
        write_timeout=settings.write_timeout,
        write_buffer_bytes=settings.write_buffer_bytes,
        max_unread_output_bytes=settings.max_unread_output_mb << 20,
        max_connections=settings.max_connections,
        max_connections_per_client=settings.max_connections_per_client,
    )
    # Started here, while this process is single-threaded: the query zygote is then forked
    # from this process and shares its loaded graph (no second load, the graph held once).
    runner = settings.query_runner(kg)
    runner.start()
    app = create_app(settings, kg)
    app.state.query_runner = runner
    try:
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            http=guarded_protocol(limits),
            ws="none",  # no WebSocket routes: an upgrade is answered as plain HTTP (connections.py)
            timeout_keep_alive=settings.idle_timeout,
            # X-Forwarded-For / -Proto only from the configured proxies; else the real peer counts.
            proxy_headers=bool(settings.trusted_proxies),
            forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
            log_level="warning",
            timeout_graceful_shutdown=10,
        )
    finally:
        runner.close()
    return 0
