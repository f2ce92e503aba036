"""What keeps the CLI fast stays true: `--help` imports no RDF library, the copies of constants that spare
those imports agree with the originals, and reading a query's outline without parsing it gives what
parsing gives. (Timings themselves are in benchmarks/latency.py, never asserted here.)"""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from kg import queries, reasoning, store
from kg.annotation import SCHEMAS
from kg.cli import COMMANDS, SUMMARIES, make_parser
from kg.cli import query as cli_query
from kg.cli import reason as cli_reason
from kg.cli import schema as cli_schema

#: `kg export --help` still imports the exporters to list their formats (see benchmarks/NOTES.md)
HEAVY_HELP = {"export"}


def test_the_summaries_are_the_commands_own() -> None:
    parser, _ = make_parser("*")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    own = {choice.dest: choice.help for choice in sub._choices_actions}
    assert {name: own[name] for name in SUMMARIES} == SUMMARIES
    assert set(SUMMARIES) <= set(COMMANDS)


def test_the_copied_constants_agree() -> None:
    assert tuple(sorted(queries.RENDERERS)) == cli_query.FORMATS
    assert cli_query.BACKENDS == store.BACKENDS
    assert (cli_reason.ENGINES, cli_reason.HERMIT_MAX_TRIPLES) == (reasoning.ENGINES, reasoning.HERMIT_MAX_TRIPLES)
    assert tuple(SCHEMAS) == cli_schema.SCHEMA_NAMES


def test_help_imports_no_rdf_library() -> None:
    """One process asks every command for --help, then says which heavy modules got imported."""
    commands = [[], *([c] for c in COMMANDS if c not in HEAVY_HELP)]
    script = (
        "import sys\nfrom kg.cli import main\n"
        f"for argv in {commands!r}:\n"
        "    try:\n        main([*argv, '--help'])\n    except SystemExit:\n        pass\n"
        "print(sorted(m for m in ('rdflib', 'pyshacl', 'pydantic', 'pyoxigraph', 'owlready2') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]", done.stdout[-500:]


@pytest.mark.parametrize("name", sorted(queries.load_queries(check=False)))
def test_a_query_outline_without_parsing_is_what_parsing_gives(name: str) -> None:
    lexical = queries.get_query(name, check=False)
    parsed = queries.get_query(name)
    assert (lexical.form, lexical.params) == (parsed.form, parsed.params)


def test_the_outline_skips_comments_and_strings() -> None:
    text = '# SELECT ?_x_iri\nASK { ?s ?p "?_y" FILTER(?s = ?_z_iri) }'
    assert queries.lexical_outline(text) == ("ASK", {"s", "p", "_z_iri"})
