"""`kg build` and `kg validate` end to end: outputs, determinism, VoID, refusals and exit codes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, VOID

from kg.cli import main
from kg.namespaces import SPDX

CASES = Path(__file__).parent / "cases"
MINIMAL = CASES / "mapping" / "minimal"
DUMPS = ("kg.ttl", "kg.nt", "kg.jsonld")
FILES = ("kg-types.nt", "kg.jsonld", "kg.nt", "kg.ttl", "ontology.ttl", "void.ttl")


def test_build_writes_every_output(built_dist: Path) -> None:
    """The published files, and beside them only the hidden builds (see test_publish) and build cache."""
    assert sorted(p.name for p in built_dist.iterdir() if not p.name.startswith(".")) == sorted(FILES)
    assert sorted(p.name for p in built_dist.iterdir() if p.name.startswith(".")) == [".kg-builds", ".kg-cache"]


def test_dumps_are_the_same_graph(built_dist: Path) -> None:
    graphs = [Graph().parse(built_dist / name) for name in DUMPS]
    assert len(graphs[0]) > 2000
    assert isomorphic(graphs[0], graphs[1])
    assert isomorphic(graphs[0], graphs[2])
    nt = (built_dist / "kg.nt").read_text().splitlines()
    assert nt == sorted(nt)
    assert "@context" in json.loads((built_dist / "kg.jsonld").read_text())


def test_dump_plus_ontology_conforms(built_dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(built_dist / "kg.ttl")]) == 0
    assert "conforms" in capsys.readouterr().err


def test_void_counts_and_checksums(built_dist: Path) -> None:
    void = Graph().parse(built_dist / "void.ttl")
    data = Graph().parse(built_dist / "kg.nt")
    ds = next(void.subjects(VOID.triples, None))
    assert void.value(ds, VOID.triples).toPython() == len(data)
    dists = list(void.objects(ds, DCAT.distribution))
    assert len(dists) == len(DUMPS) + 1  # and kg-types.nt, the type closure
    for dist in dists:
        assert void.value(dist, DCTERMS.license) is not None
        name = str(void.value(dist, DCAT.downloadURL)).rsplit("/", 1)[1]
        payload = (built_dist / name).read_bytes()
        assert void.value(dist, DCAT.byteSize).toPython() == len(payload)
        checksum = void.value(dist, SPDX.checksum)
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(payload).hexdigest()
    # the latest `curated` of data/articles and day of a link decision (the Logang article and its link, 2026-12-07)
    assert str(void.value(ds, DCTERMS.modified)) == "2026-12-07"
    assert not [t for t in void if any(type(x).__name__ == "BNode" for x in t)]


def test_build_is_byte_identical_across_processes(built_dist: Path, tmp_path: Path) -> None:
    """A second build in a fresh interpreter with another hash seed gives the same bytes."""
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    subprocess.run([sys.executable, "-m", "kg", "build", "--dist", str(out)], check=True, env=env, capture_output=True)
    for name in FILES:
        assert (out / name).read_bytes() == (built_dist / name).read_bytes(), name


def test_build_refuses_non_conforming_graph_and_keeps_dist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A meeting with one attendee passes the loader but not SHACL: exit 1, dist/ untouched."""
    articles = tmp_path / "articles"
    shutil.copytree(MINIMAL / "articles", articles)
    ann = articles / "testville-2023-03-03" / "annotation.yaml"
    ann.write_text(ann.read_text().replace("type: protest", "type: meeting"))
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "kg.ttl").write_text("previous\n")
    code = main(
        ["build", "--articles", str(articles), "--registry", str(MINIMAL / "registry.yaml"), "--dist", str(dist)]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "a meeting has at least two attendees" in err
    assert f"{ann}:10: Rally in Testville" in err  # the annotation file and line of the event
    assert "no dumps were written" in err
    assert [p.name for p in dist.iterdir()] == ["kg.ttl"] and (dist / "kg.ttl").read_text() == "previous\n"


def test_validate_rdf_file_reports_each_violation(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(CASES / "shacl" / "violations.ttl")])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    text = "\n".join(out)
    assert "a meeting has at least two attendees" in text
    assert "exactly one start date" in text
    assert "non-negative integer" in text
    assert "beyond the end of its document" in text
    assert all("<https://example.org/id/" in line for line in out)


def test_validate_annotation_file(capsys: pytest.CaptureFixture[str]) -> None:
    ann = MINIMAL / "articles" / "testville-2023-03-03" / "annotation.yaml"
    assert main(["validate", str(ann), "--registry", str(MINIMAL / "registry.yaml")]) == 0


def test_validate_unparsable_rdf_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b \n")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.ttl" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_validate_unknown_file_type_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "data.csv"
    f.write_text("a,b\n")
    assert main(["validate", str(f)]) == 2
    assert "unknown RDF file type" in capsys.readouterr().err


@pytest.mark.parametrize("base", ["not-an-iri", "https://ex.org/a b/", "ftp://ex.org/", "https://ex.org/no-slash"])
def test_bad_base_iri_exits_2(base: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--base", base, "--dist", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "base IRI" in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_console_script_runs(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("kg")
    proc = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "build" in proc.stdout


def test_example_resource_is_the_summit(built_dist: Path) -> None:
    void = Graph().parse(built_dist / "void.ttl")
    assert URIRef("https://w3id.org/conflict-kg/id/event/csto-kazakhstan-2022-01-10/csto-summit") in set(
        void.objects(None, VOID.exampleResource)
    )


@pytest.mark.parametrize("extra", [[], ["--full"]], ids=["incremental", "full"])
def test_a_build_without_reason_removes_stale_inferred_triples(tmp_path: Path, extra: list[str]) -> None:
    """kg-inferred.ttl describes an earlier graph; a build that does not reason must not leave it behind."""
    dist = tmp_path / "dist"
    assert main(["build", "--dist", str(dist), *extra]) == 0
    (dist / "kg-inferred.ttl").write_text("# inferred from an older graph\n")
    assert main(["build", "--dist", str(dist), "--base", "https://example.org/kg/", *extra]) == 0
    assert not (dist / "kg-inferred.ttl").exists()


def test_a_failed_build_keeps_the_inferred_triples(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "kg-inferred.ttl").write_text("previous\n")
    assert main(["build", "--dist", str(dist), "--base", "not-an-iri"]) == 2
    assert (dist / "kg-inferred.ttl").read_text() == "previous\n"


def test_a_missing_registry_stops_the_build_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The source's loader explains a missing input (the digest of a file that cannot be read is not an error)."""
    code = main(["build", "--registry", str(tmp_path / "nope.yaml"), "--dist", str(tmp_path / "dist")])
    err = capsys.readouterr().err
    assert code == 2 and "nope.yaml: file not found" in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "dist").exists()
