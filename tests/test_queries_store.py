"""`kg query --store DIR`: stored queries on the on-disk Oxigraph store of `kg build --store DIR`."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import main

KG = "https://w3id.org/conflict-kg/id/"
#: (query, parameters): every value kind the store path binds (IRI, language, date, boolean, none), a
#: GROUP BY query and a CONSTRUCT
RUNS = [
    ("meeting-participants", ["lang=id"]),
    ("co-participation", [f"actor={KG}person/vladimir-putin"]),
    ("events-in-place", [f"place={KG}place/kazakhstan"]),
    ("event-card", [f"event={KG}event/csto-kazakhstan-2022-01-10/csto-summit"]),
    ("timeline", ["from=2022-01-01", "to=2022-01-31", "establishedOnly=true"]),
    ("figure-history", [f"event={KG}event/kazakhstan-unrest-2022", "counts=kgc:killed"]),
]


def _output(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(["query", *argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


@pytest.mark.parametrize(("name", "params"), RUNS, ids=[name for name, _ in RUNS])
def test_store_gives_the_rdflib_rows(
    capsys: pytest.CaptureFixture[str], seed_store: tuple[Path, Path], name: str, params: list[str]
) -> None:
    dist, store = seed_store
    options = [option for value in params for option in ("--param", value)]
    # figures as csv: Oxigraph stores xsd:nonNegativeInteger as xsd:integer (oxigraph#1413), which tsv shows
    fmt = {"event-card": "nt", "figure-history": "csv"}.get(name, "tsv")
    from_dist = _output(capsys, name, *options, "--format", fmt, "--dist", str(dist))
    from_store = _output(capsys, name, *options, "--format", fmt, "--store", str(store))
    assert from_store == from_dist
    assert len(from_dist.splitlines()) > 1, "the seed should give this query some rows"


def test_a_folder_that_is_not_a_store_is_one_error_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, seed_store: tuple[Path, Path]
) -> None:
    dist, _ = seed_store
    (tmp_path / "oxigraph").mkdir()  # a database folder without the kg manifest is no kg store either
    for folder in (tmp_path, tmp_path / "missing", dist):
        assert main(["query", "co-participation", "--store", str(folder)]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "not a kg store" in err, err


def test_store_does_not_mix_with_file_options(
    capsys: pytest.CaptureFixture[str], seed_store: tuple[Path, Path]
) -> None:
    dist, store = seed_store
    for extra in (
        ["--dist", str(dist)],
        ["--reason"],
        ["--backend", "oxigraph"],
        ["--endpoint", "http://127.0.0.1:9/query"],
    ):
        assert main(["query", "co-participation", "--store", str(store), *extra]) == 2
        assert "--store" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--reason"], "--reason applies to a local build (dist/ and --data), not to --endpoint"),
        (
            ["--dist", "dist", "--reason"],
            "--reason and --dist apply to a local build (dist/ and --data), not to --endpoint",
        ),
    ],
)
def test_endpoint_does_not_mix_with_file_options(
    capsys: pytest.CaptureFixture[str], extra: list[str], named: str
) -> None:
    # refused before any request: nothing listens on the discard port
    assert main(["query", "co-participation", "--endpoint", "http://127.0.0.1:9/query", *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and named in err[0], err
