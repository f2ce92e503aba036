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
from kg.errors import AnnotationErrors, KGError, ValidationFailed

#: exit code after a broken pipe (`kg … | head`): 128 + SIGPIPE, what a shell reports for `cat` there
BROKEN_PIPE = 141
#: OSErrors that the user's machine or paths cause, not kg: one line and exit 2 wherever they are met
USER_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EISDIR}
)

#: errors of one file shown at once; the rest are counted ("… and N more")
MAX_ERRORS_SHOWN = 20

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
    "extract": "kg.cli.extract",
    "import": "kg.cli.import_",
    "review": "kg.cli.review",
    "link": "kg.cli.link",
}


#: each command's one-line help, so that `kg --help` and `kg CMD --help` import only the module of the
#: command asked for (a command not listed here is imported every time); tests/test_latency_cli.py checks
#: that these are the lines the modules give
SUMMARIES: dict[str, str] = {
    "build": "build, validate and publish the graph (dist/kg.ttl, kg.nt, kg.jsonld, void.ttl)",
    "validate": "validate annotation files or RDF files against the SHACL shapes (exit 0 conforms, 1 violations, "
    "2 error)",
    "reason": "check the graph against the OWL ontology and write the inferred triples to dist/kg-inferred.ttl "
    "(exit 0 consistent, 1 inconsistent, 2 error)",
    "query": "run a stored SPARQL query (see --list) or an ad-hoc one on dist/ or a SPARQL endpoint",
    "schema": "print the JSON Schema of the annotation or registry YAML format",
    "serve": "serve dist/ over HTTP: /sparql, /queries, /id/… (303 → /doc/…), /dumps, /.well-known/void",
    "push": "upload dist/ to a SPARQL store: one named graph per source document, replaced by HTTP PUT",
    "export": "export the built graph for Gephi and other network tools (GEXF, GraphML, CSV, PNG), "
    "or a table of events (events)",
    "init": "start a project in DIR: kg.toml, an empty registry, data/articles/, a README",
    "add": "copy an article's text into the project with a draft annotation.yaml to complete",
    "status": "what the project holds: documents and facts (curated vs draft), sources, whether the build is stale",
    "extract": "draft an annotation (YAML or Turtle) from a raw article text, offline; or score drafts against gold",
    "import": "import rows of an event dataset (UCDP GED, ACLED, GDELT) as reports in one named graph per release "
    "(N-Quads)",
    "review": "a page to accept, edit or reject the facts of draft annotations, written back to annotation.yaml",
    "link": "link reports of the same real-world event across sources (writes dist/links.nq and link-proposals.json)",
}


def make_parser(command: str | None = "*") -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """Build the argument parser with every registered subcommand.

    `command` names the one whose module is imported and whose options are registered (the others only
    show their summary); "*" imports them all, None none but those without a summary.
    """
    parser = argparse.ArgumentParser(
        prog="kg",
        description="A knowledge graph of conflict events from news reports.",
    )
    parser.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    modules: dict[str, ModuleType] = {}
    for name, path in COMMANDS.items():
        if command in ("*", name) or name not in SUMMARIES:
            modules[name] = importlib.import_module(path)
            modules[name].add_parser(sub)
        else:
            sub.add_parser(name, help=SUMMARIES[name])
    return parser, modules


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand an argument list names: its first argument that is not an option."""
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `kg`; return the exit code (0 ok, 1 violations/inconsistency, 2 error, 141 broken pipe)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser, modules = make_parser(_command_in(argv))
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
    except AnnotationErrors as exc:
        _print_errors(args.command, exc)
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


def _print_errors(command: str, exc: AnnotationErrors) -> None:
    """Every error of a file, one line each in file order, the tail cut at MAX_ERRORS_SHOWN with a count."""
    for error in exc.errors[:MAX_ERRORS_SHOWN]:
        print(f"kg {command}: error: {error}", file=sys.stderr)
    rest = len(exc.errors) - MAX_ERRORS_SHOWN
    if rest > 0:
        print(f"kg {command}: error: … and {rest} more error(s) in {exc.file}", file=sys.stderr)


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
