"""What keeps the CLI fast stays true: `--help` imports no RDF library, the copies of constants that spare
those imports agree with the originals, and reading a query's outline without parsing it gives what
parsing gives. (Timings themselves are in benchmarks/latency.py, never asserted here.)"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg import queries, reasoning, store
from kg.annotation import SCHEMAS
from kg.cli import COMMANDS, SUMMARIES, make_parser
from kg.cli import export as cli_export
from kg.cli import import_ as cli_import
from kg.cli import query as cli_query
from kg.cli import reason as cli_reason
from kg.cli import schema as cli_schema
from kg.errors import QueryError
from kg.sources.dataset import datasets
from kg.store import published_files

#: commands whose `--help` may import an RDF library (none now)
HEAVY_HELP: set[str] = set()


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
    from kg.exporters import events, gephi, network

    assert tuple(gephi.EXPORT_FORMATS) == cli_export.EXPORT_FORMATS
    assert tuple(network.PROJECTIONS) == cli_export.PROJECTIONS
    assert cli_export.LANGUAGES == network.LANGUAGES
    assert tuple(events.TABLE_FORMATS) == cli_export.TABLE_FORMATS
    assert cli_export.BACKENDS == store.BACKENDS
    assert tuple(sorted(datasets())) == cli_import.DATASETS


def test_help_and_list_import_no_rdf_library() -> None:
    """One process asks every command for --help, and for `query --list`, then says which heavy modules got
    imported."""
    commands = [["--help"], *([c, "--help"] for c in COMMANDS if c not in HEAVY_HELP), ["query", "--list"]]
    script = (
        "import sys\nfrom kg.cli import main\n"
        f"for argv in {commands!r}:\n"
        "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
        "print(sorted(m for m in ('rdflib', 'pyshacl', 'pydantic', 'pyoxigraph', 'owlready2') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]", done.stdout[-500:]


def test_validate_of_one_annotation_builds_two_schemas_and_imports_no_ruamel() -> None:
    """`kg validate` of the seed's annotation (which libyaml reads) imports no ruamel, the build's modules, the
    reasoner, kg.store or the sources it does not read, and pydantic builds the schemas of the two models it
    validates with (the others are inside them)."""
    seed = "data/articles/csto-kazakhstan-2022-01-10/annotation.yaml"
    script = (
        "import sys\nimport pydantic\nfrom kg.cli import main\nimport kg.annotation as a\n"
        f"code = main(['validate', {seed!r}])\n"
        "models = [m for m in vars(a).values() if isinstance(m, type) and m.__module__ == a.__name__\n"
        "          and issubclass(m, pydantic.BaseModel)]\n"
        "print(code, sorted(m.__name__ for m in models if m.__pydantic_complete__), len(models))\n"
        "print(sorted(m for m in ('ruamel.yaml', 'kg.build.stages', 'kg.reasoning', 'pyshacl', 'kg.store',\n"
        "                   'kg.sources.dataset', 'kg.sources.ucdp', 'kg.sources.links') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[1]
    # the first run may (re)build the cache of the shapes (dist/.kg-cache), which imports kg.store; the second,
    # a user's usual run, reads it
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=root)
    first, second = done.stdout.splitlines()[-2:]
    assert first == "0 ['Annotation', 'Registry'] 25", done.stdout[-500:]
    assert second == "[]", done.stdout[-500:]


def test_the_source_table_names_every_source_module_by_its_own_name() -> None:
    """SOURCES, imported lazily from SOURCE_MODULES, holds every module of kg.sources that defines a SOURCE, each
    under the name a dataset gives itself; `in` and iteration import nothing."""
    import importlib
    import pkgutil

    import kg.sources
    from kg.sources import SOURCE_MODULES, SOURCES, get_source

    modules = [importlib.import_module(f"kg.sources.{m.name}") for m in pkgutil.iter_modules(kg.sources.__path__)]
    defining = {m.__name__ for m in modules if hasattr(m, "SOURCE")}
    assert set(SOURCE_MODULES.values()) == defining
    for name, module in SOURCE_MODULES.items():
        assert SOURCES[name] is get_source(name) is importlib.import_module(module).SOURCE
        dataset = getattr(importlib.import_module(module), "DATASET", None)
        assert dataset is None or dataset.name == name
    assert "ucdp" in SOURCES and "nope" not in SOURCES and list(SOURCES) == list(SOURCE_MODULES)


@pytest.mark.parametrize("name", sorted(queries.load_queries(check=False)))
def test_a_query_outline_without_parsing_is_what_parsing_gives(name: str) -> None:
    lexical = queries.get_query(name, check=False)
    parsed = queries.get_query(name)
    assert (lexical.form, lexical.params) == (parsed.form, parsed.params)


def test_the_outline_skips_comments_and_strings() -> None:
    text = '# SELECT ?_x_iri\nASK { ?s ?p "?_y" FILTER(?s = ?_z_iri) }'
    assert queries.lexical_outline(text) == ("ASK", {"s", "p", "_z_iri"})


def test_the_direct_oxigraph_path_gives_every_expected_row(built_dist: Path) -> None:
    """`kg query --format table` runs on pyoxigraph directly (no oxrdflib): the hand-written rows of every case."""
    cases = Path(__file__).parent / "cases" / "queries"
    for path in sorted(cases.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        query = queries.get_query(doc["query"], check=False)
        for number, case in enumerate(doc["cases"]):
            files = [*published_files(built_dist), *(cases / extra for extra in case.get("data", ()))]
            result = queries.run_on_files(files, query.text, queries.bind_params(query, case["params"]))
            if "triples" in case:
                assert result.graph is not None
                got = sorted([queries.display_term(t) for t in triple] for triple in result.graph)
                assert got == case["triples"], f"{path.stem} case {number}"
                continue
            names = [str(v) for v in result.vars or []]
            rows = [[queries.display_term(row[names.index(c)]) for c in case["columns"]] for row in result]  # type: ignore[index]
            assert rows == case["rows"], f"{path.stem} case {number}"


def test_the_direct_oxigraph_path_refuses_remote_access_and_words_syntax_errors(built_dist: Path) -> None:
    files = published_files(built_dist)
    with pytest.raises(queries.QueryRefused):
        queries.run_on_files(files, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="syntax error at line 2"):
        queries.run_on_files(files, "SELECT *\nWHERE { ?s ?p }")


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_GETPIPE_SZ"), reason="pipe sizes are Linux's")
def test_the_fast_engines_pipes_take_one_annotations_data_at_once() -> None:
    """`kg validate` feeds shacl-rust through pipes widened to the data's size (up to the system's limit): the
    writer and the engine need not take turns every 64 KiB, each turn a wait for a core on a busy machine."""
    import fcntl
    import os

    from kg.validation_fast import PIPE_SIZE, _widen_pipe

    limit = min(int(Path("/proc/sys/fs/pipe-max-size").read_text()), PIPE_SIZE)
    read, write = os.pipe()
    try:
        _widen_pipe(write, 600_000)  # one annotation's N-Triples: ~0.6 MB
        assert fcntl.fcntl(write, fcntl.F_GETPIPE_SZ) >= min(600_000, limit)
        _widen_pipe(write, 500 << 20)  # a large build's: no more than PIPE_SIZE, even for root
        assert min(1 << 20, limit) <= fcntl.fcntl(write, fcntl.F_GETPIPE_SZ) <= PIPE_SIZE
    finally:
        os.close(read)
        os.close(write)
