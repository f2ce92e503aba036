"""The `kg` command line: parse options, call one library function, print. Nothing else.

Each subcommand lives in its own module here with `add_parser(subparsers)` and `run(args) -> int`;
COMMANDS lists them in the order `kg --help` shows them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from types import ModuleType

from kg.errors import KGError, ValidationFailed

#: subcommand name → module under kg.cli
COMMANDS: dict[str, str] = {
    "build": "kg.cli.build",
    "validate": "kg.cli.validate",
    "reason": "kg.cli.reason",
    "query": "kg.cli.query",
    "schema": "kg.cli.schema",
    "serve": "kg.cli.serve",
    "push": "kg.cli.push",
    "export": "kg.cli.export",
}


def _modules() -> dict[str, ModuleType]:
    return {name: importlib.import_module(path) for name, path in COMMANDS.items()}


def make_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """Build the argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="kg",
        description="A knowledge graph of conflict events from news reports.",
    )
    parser.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    modules = _modules()
    for module in modules.values():
        module.add_parser(sub)
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    """Run `kg`; return the exit code (0 ok, 1 violations/inconsistency, 2 error)."""
    parser, modules = make_parser()
    args = parser.parse_args(argv)
    try:
        return int(modules[args.command].run(args))
    except ValidationFailed as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        print(f"kg {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KGError as exc:
        print(f"kg {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"kg {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in kg, not bad input: say so in one line unless --debug
        if args.debug or os.environ.get("KG_DEBUG"):
            traceback.print_exc()
        print(
            f"kg {args.command}: internal error: {type(exc).__name__}: {exc} "
            "(this is a bug in kg; rerun with --debug and report it)",
            file=sys.stderr,
        )
        return 70


def entry_point() -> None:
    """Console-script entry point."""
    sys.exit(main())
