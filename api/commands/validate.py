"""mlkg validate: parse every file and check the data against the SHACL shapes."""

from __future__ import annotations

import argparse

from . import add_graph_options

HELP = "check that every data file parses and the data meets the SHACL shapes"
EXAMPLE = "mlkg validate --data extra.ttl"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_graph_options(parser)


def run(args: argparse.Namespace) -> int:
    import sys

    from . import open_graph

    with open_graph(args) as kg:
        violations = kg.validate()
        files = len(kg.files)
        triples = kg.triple_count()
    for violation in violations:
        print(f"violation: {violation}", file=sys.stderr)
    if violations:
        print(f"mlkg: error: {len(violations)} SHACL violation(s)", file=sys.stderr)
        return 1
    print(f"ok: {files} files, {triples} triples, 0 SHACL violations")
    return 0
