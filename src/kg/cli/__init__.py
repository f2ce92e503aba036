"""The `kg` command line: parse options, call one library function, print. Nothing else.

Each subcommand lives in its own module here with `add_parser(subparsers)` and `run(args) -> int`;
COMMANDS lists them in the order `kg --help` shows them.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from types import ModuleType

from kg.cli.options import add_global_options, announce_project
from kg.errors import KGError, ValidationFailed

#: exit code after a broken pipe (`kg … | head`): 128 + SIGPIPE, what a shell reports for `cat` there
BROKEN_PIPE = 141
#: OSErrors that the user's machine or paths cause, not kg: one line and exit 2 wherever they are met
USER_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EISDIR}
)

#: subcommand name → module under kg.cli
COMMANDS: dict[str, str] = {
    "init": "kg.cli.init",
    "add": "kg.cli.add",
    "status": "kg.cli.status",
    "build": "kg.cli.build",
    "validate": "kg.cli.validate",
    "reason": "kg.cli.reason",
    "query": "kg.cli.query",
    "schema": "kg.cli.schema",
    "serve": "kg.cli.serve",
    "push": "kg.cli.push",
    "export": "kg.cli.export",
    "link": "kg.cli.link",
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
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    modules = _modules()
    for module in modules.values():
        module.add_parser(sub)
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    """Run `kg`; return the exit code (0 ok, 1 violations/inconsistency, 2 error, 141 broken pipe)."""
    parser, modules = make_parser()
    args = parser.parse_args(argv)
    try:
        announce_project(args)
        code = int(modules[args.command].run(args))
        sys.stdout.flush()  # a closed pipe shows here, not in Python's flush at exit
        return code
    except BrokenPipeError:  # the reader stopped reading (`| head`): nothing to report
        _stop_writing_stdout()
        return BROKEN_PIPE
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
    except OSError as exc:
        if exc.errno not in USER_ERRNOS:
            return _internal_error(args, exc)
        where = f"{exc.filename}: " if exc.filename is not None else ""
        print(f"kg {args.command}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        return _internal_error(args, exc)


def _internal_error(args: argparse.Namespace, exc: Exception) -> int:
    """A bug in kg, not bad input: say so in one line unless --debug."""
    if args.debug or os.environ.get("KG_DEBUG"):
        traceback.print_exc()
    print(
        f"kg {args.command}: internal error: {type(exc).__name__}: {exc} "
        "(this is a bug in kg; rerun with --debug and report it)",
        file=sys.stderr,
    )
    return 70


def _stop_writing_stdout() -> None:
    """If stdout is the closed pipe, send what is still buffered to /dev/null so Python exits quietly."""
    try:
        sys.stdout.flush()
        return  # stdout works: the closed pipe was another output (-o FIFO)
    except BrokenPipeError:
        pass
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def entry_point() -> None:
    """Console-script entry point."""
    sys.exit(main())
