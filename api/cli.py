"""The ``mlkg`` command line: one entry point, one module per command under ``commands/``.

Imports stay lazy (each command imports what it needs inside ``run``) so the CLI starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: Command name -> module under mlkg.api.commands; each has HELP, EXAMPLE, add_arguments, run.
COMMANDS: tuple[str, ...] = (
    "serve",
    "query",
    "counterpart",
    "search",
    "viz",
    "export",
    "validate",
    "stats",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlkg",
        description="A knowledge graph of the ML ecosystem: counterparts, search, SPARQL.",
        epilog="Run 'mlkg COMMAND --help' for a command's options and an example.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"mlkg.api.commands.{name}")
        sub = subparsers.add_parser(
            name,
            help=module.HELP,
            description=module.HELP,
            epilog=f"example:\n  {module.EXAMPLE}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors are one line on stderr and a non-zero exit, never a traceback."""
    from mlkg.graph import MlkgError

    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except MlkgError as err:
        print(f"mlkg: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
