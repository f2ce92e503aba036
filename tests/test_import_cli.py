"""`kg import ucdp` and `type = "ucdp"` in a project's kg.toml: refused rows, --strict, incremental builds."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, VOID

from kg.build.stages import build
from kg.cli import main
from kg.cli.import_ import Progress
from kg.errors import KGError
from kg.namespaces import KGO
from kg.project import load_settings
from kg.push import split_data

CASES = Path(__file__).parent / "cases" / "ucdp"
FULL = CASES / "ged_full_layout.csv"
REGISTRY = CASES / "project" / "registry.yaml"
GRAPH = b"<https://w3id.org/conflict-kg/id/document/ucdp-ged/ged-full-layout>"
ID = "https://example.org/kg/id/"


def _bad_copy(folder: Path) -> Path:
    """The hand-made file with two rows broken: 900002's type_of_violence and 900003's date_start."""
    text = FULL.read_text(encoding="utf-8")
    text = text.replace("900002,TST-2019-3-1-1,2019,1,Clear,3,", "900002,TST-2019-3-1-1,2019,1,Clear,4,")
    text = text.replace("2019-05-10 00:00:00.000", "2019-13-10 00:00:00.000")
    bad = folder / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    return bad


def test_import_writes_one_named_graph_and_a_rerun_the_same_bytes(tmp_path: Path) -> None:
    out = tmp_path / "ged.nq"
    cmd = [sys.executable, "-m", "kg", "import", "ucdp", str(FULL), "-o", str(out), "--registry", str(REGISTRY)]
    first = subprocess.run(cmd, capture_output=True, check=False, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.decode().strip() == str(out)
    assert "3 row(s) imported, 0 refused" in first.stderr.decode()
    data = out.read_bytes()
    lines = data.splitlines()
    assert lines == sorted(lines)
    assert all(line.endswith(b" " + GRAPH + b" .") for line in lines)
    assert main(["import", "ucdp", str(FULL), "-o", str(out), "--registry", str(REGISTRY)]) == 0
    assert out.read_bytes() == data


def test_refused_rows_are_one_line_each_and_the_rest_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _bad_copy(tmp_path)
    out = tmp_path / "bad.nq"
    assert main(["import", "ucdp", str(bad), "-o", str(out), "--registry", str(REGISTRY)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:2] == [
        f"{bad}:4:type_of_violence: '4' is not one of 1, 2, 3",
        f"{bad}:5:date_start: '2019-13-10 00:00:00.000' is not a date (YYYY-MM-DD)",
    ]
    assert err[2].startswith("kg import: 1 row(s) imported, 2 refused;")
    assert len(err) == 3
    data = out.read_bytes()
    assert b"/report/ucdp-ged/bad/900001>" in data
    assert b"/900002>" not in data and b"/900003>" not in data


def test_strict_stops_at_the_first_refused_row_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _bad_copy(tmp_path)
    out = tmp_path / "bad.nq"
    out.write_bytes(b"an earlier import\n")
    assert main(["import", "ucdp", str(bad), "-o", str(out), "--registry", str(REGISTRY), "--strict"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"kg import: error: {bad}:4:type_of_violence: '4' is not one of 1, 2, 3"]
    assert out.read_bytes() == b"an earlier import\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "bad.nq"]


def test_a_file_without_a_needed_column_is_one_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = FULL.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = tmp_path / "no-best.csv"
    broken.write_text(lines[0].replace(",best,", ",bestest,") + "".join(lines[1:]), encoding="utf-8")
    assert main(["import", "ucdp", str(broken), "-o", str(tmp_path / "x.nq"), "--registry", str(REGISTRY)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"kg import: error: {broken}:1: no column 'best' in the header")


def test_a_project_rebuilds_only_the_changed_partition(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(CASES / "project", project)
    ged = project / "ged"
    ged.mkdir()
    shutil.copy(FULL, ged / "a.csv")
    renumbered = FULL.read_text(encoding="utf-8").replace("\n9000", "\n9001")  # ids 900101 ..
    (ged / "b.csv").write_text(renumbered, encoding="utf-8")
    settings = load_settings({"dist_dir": tmp_path / "dist"}, file=project / "kg.toml")
    first = build(settings, engine="fast")
    assert sorted(first.remapped) == ["registry", "ucdp/ged/a-csv", "ucdp/ged/b-csv"]
    nt = (tmp_path / "dist" / "kg.nt").read_bytes()
    assert b"<https://example.org/kg/id/report/ucdp-ged/ged/900101>" in nt
    assert b"<https://example.org/kg/id/report/ucdp-ged/ged/900001>" in nt
    void = Graph().parse(tmp_path / "dist" / "void.ttl")
    release = URIRef("https://example.org/kg/id/document/ucdp-ged/ged")
    dataset = void.value(None, VOID.subset, release)
    assert dataset is not None
    assert void.value(release, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/3.0/igo/")
    assert "Sundberg" in str(void.value(release, DCTERMS.bibliographicCitation))
    assert void.value(release, KGO.redistributable) == Literal(True)
    assert void.value(dataset, DCTERMS.rights) is None  # nothing in it forbids redistribution
    b = ged / "b.csv"
    b.write_text(b.read_text(encoding="utf-8").replace("Villagers killed", "Villagers were killed"), encoding="utf-8")
    second = build(settings, engine="fast")
    assert second.remapped == ("ucdp/ged/b-csv",)
    assert b'"Villagers were killed"' in (tmp_path / "dist" / "kg.nt").read_bytes()
    third = build(settings, engine="fast")
    assert third.remapped == ()
    # `kg push` sends the release as one named graph: every report, figure and participation of its rows
    uploads = {u.name: u.ntriples for u in split_data(nt, "https://example.org/kg/graph/", "https://example.org/kg/")}
    release_graph = uploads["https://example.org/kg/graph/doc/ucdp-ged/ged"]
    for kind in ("report", "figure", "participation", "evidence"):
        assert all(
            line in release_graph for line in nt.splitlines() if line.startswith(f"<{ID}{kind}/ucdp-ged/".encode())
        ), kind


def test_two_partitions_with_the_same_row_id_are_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(CASES / "project", project)
    ged = project / "ged"
    ged.mkdir()
    shutil.copy(FULL, ged / "a.csv")
    shutil.copy(FULL, ged / "b.csv")
    settings = load_settings({"dist_dir": tmp_path / "dist"}, file=project / "kg.toml")
    with pytest.raises(KGError) as err:
        build(settings, engine="fast")
    assert str(err.value).startswith(
        f"{ged / 'b.csv'}: <https://example.org/kg/id/event/ucdp-ged/ged/900001> is declared by two inputs "
        "(ucdp/ged/a-csv and ucdp/ged/b-csv)"
    )
    assert not (tmp_path / "dist").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_line_shows_on_a_terminal_after_a_second(tmp_path: Path) -> None:
    data = tmp_path / "rows.csv"
    data.write_text("header\n" + "row\n" * 99, encoding="utf-8")  # 100 lines
    now = [0.0]
    shown = _Terminal()
    progress = Progress(shown, [data], clock=lambda: now[0])
    progress.update(0, 2)  # at 0 s: nothing yet
    assert shown.getvalue() == ""
    now[0] = 0.5
    for line in range(3, 25):  # before a second: still nothing
        progress.update(0, line)
    assert shown.getvalue() == ""
    now[0] = 2.0
    progress.update(0, 25)  # 24 rows in 2 s; 25 of the 100 lines read, 75 to go at that pace
    assert shown.getvalue() == "\rkg import: 24 rows, 12 rows/s, 0:06 left "
    now[0] = 2.1
    progress.update(0, 26)  # within 0.2 s of the last: not redrawn
    assert shown.getvalue().count("\r") == 1
    # a partition is validated: said at once (25 rows in 2.1 s; 26 of 100 lines read, 74 to go)
    progress.phase("validate", 25)
    validating = "kg import: 25 rows, 12 rows/s, 0:06 left (validating) "
    assert shown.getvalue().endswith("\r" + validating)
    now[0] = 3.0
    progress.update(0, 31)  # reading again: 26 rows in 3 s, 69 lines to go; the longer line wiped
    assert shown.getvalue().endswith("\r" + "kg import: 26 rows, 9 rows/s, 0:07 left ".ljust(len(validating)))
    progress.close()
    assert shown.getvalue().count("\r") == 3 and shown.getvalue().endswith("\n")
    quiet = io.StringIO()  # not a terminal: never written
    progress = Progress(quiet, [data], clock=lambda: now[0])
    now[0] = 9.0
    progress.update(0, 50)
    progress.close()
    assert quiet.getvalue() == ""


def test_a_violation_in_a_later_partition_is_found_and_named_by_its_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows are validated two at a time here: the third row (900003, line 5, no source_original) is
    the only report without a claimant, and is refused by a shape asking for one."""
    from kg.config import Settings
    from kg.errors import ValidationFailed
    from kg.sources import dataset

    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix kgo: <https://w3id.org/conflict-kg/ontology#> .\n"
        "kgo:ClaimantShape a sh:NodeShape ; sh:targetClass kgo:Report ;\n"
        '  sh:property [ sh:path kgo:claimantName ; sh:minCount 1 ; sh:message "no claimant" ] .\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(dataset, "PARTITION_ROWS", 2)
    settings = Settings()
    with pytest.raises(ValidationFailed) as err:
        dataset.import_dataset("ucdp", [FULL], "ged", REGISTRY, ID[:-3], shapes, settings.ontology_files)
    assert len(err.value.lines) == 1
    assert f"{FULL}:5" in err.value.lines[0] and "no claimant" in err.value.lines[0]


def test_partitions_of_one_row_give_the_same_bytes_as_one_partition(monkeypatch: pytest.MonkeyPatch) -> None:
    """The three rows name the same state (Government of Testland) and group (Hill Front) twice:
    merged from three partitions their lines are kept once, in the same order."""
    from kg.config import Settings
    from kg.sources import dataset

    settings = Settings()

    def run() -> dataset.ImportResult:
        return dataset.import_dataset(
            "ucdp", [FULL], "ged", REGISTRY, ID[:-3], settings.shapes_file, settings.ontology_files
        )

    whole = run()
    monkeypatch.setattr(dataset, "PARTITION_ROWS", 1)
    parts = run()
    assert parts.nquads == whole.nquads
    lines = parts.nquads.splitlines()
    assert parts.triples == len(lines) == len(set(lines))
    assert lines == sorted(lines)


def test_partitions_streamed_to_the_output_give_the_bytes_of_the_merge_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kg import`'s path: each partition's run is spilled beside the output and merged into it."""
    from kg.atomic import SortedRuns
    from kg.config import Settings
    from kg.sources import dataset

    settings = Settings()
    args = ("ucdp", [FULL], "ged", REGISTRY, ID[:-3], settings.shapes_file, settings.ontology_files)
    whole = dataset.import_dataset(*args)
    monkeypatch.setattr(dataset, "PARTITION_ROWS", 1)
    out = tmp_path / "ged.nq"
    with SortedRuns(out) as runs:
        streamed = dataset.import_dataset(*args, output=runs)
    assert streamed.nquads is None and whole.nquads is not None
    assert out.read_bytes() == whole.nquads
    assert streamed.triples == whole.triples == whole.nquads.count(b"\n") and streamed.reports == 3
    assert [p.name for p in tmp_path.iterdir()] == ["ged.nq"]


def test_a_violation_found_after_the_runs_are_spilled_keeps_the_old_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The third row (no source_original) violates the shape below; its partition comes last."""
    from kg.atomic import SortedRuns
    from kg.config import Settings
    from kg.errors import ValidationFailed
    from kg.sources import dataset

    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix kgo: <https://w3id.org/conflict-kg/ontology#> .\n"
        "kgo:ClaimantShape a sh:NodeShape ; sh:targetClass kgo:Report ;\n"
        '  sh:property [ sh:path kgo:claimantName ; sh:minCount 1 ; sh:message "no claimant" ] .\n',
        encoding="utf-8",
    )
    out = tmp_path / "out" / "ged.nq"
    out.parent.mkdir()
    out.write_bytes(b"previous")
    monkeypatch.setattr(dataset, "PARTITION_ROWS", 1)
    with pytest.raises(ValidationFailed), SortedRuns(out) as runs:
        dataset.import_dataset("ucdp", [FULL], "ged", REGISTRY, ID[:-3], shapes, Settings().ontology_files, output=runs)
    assert out.read_bytes() == b"previous" and [p.name for p in out.parent.iterdir()] == ["ged.nq"]


def _rows_with_repeats(folder: Path) -> Path:
    """FULL's rows (900001 on lines 2-3, 900002, 900003), then, one row a line: 900002 again (6), 900002
    renumbered 900004 with type_of_violence 4 (7), 900003 renumbered 900005 (8), 900006 (9) twice (10),
    900005 again (11), 900007 (12) twice (13), 900008 (14)."""
    lines = FULL.read_text(encoding="utf-8").splitlines(keepends=True)
    r2, r3 = lines[3], lines[4]

    def renumbered(row: str, old: str, new: str) -> str:
        assert row.startswith(old + ",")
        return new + row[len(old) :]

    bad = renumbered(r2, "900002", "900004").replace(",Clear,3,", ",Clear,4,")
    r5, r6, r7, r8 = (renumbered(r3, "900003", n) for n in ("900005", "900006", "900007", "900008"))
    path = folder / "repeats.csv"
    path.write_text("".join([*lines, r2, bad, r5, r6, r6, r5, r7, r7, r8]), encoding="utf-8")
    return path


def test_worker_processes_give_the_bytes_and_refused_rows_of_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Partitions of three rows: a row repeating the id of a row in an earlier partition (lines 6 and
    11) or in its own (10, 13) is refused as reading the file in order would, the first kept."""
    from kg.config import Settings
    from kg.sources import dataset

    rows = _rows_with_repeats(tmp_path)
    settings = Settings()
    args = ("ucdp", [rows], "ged", REGISTRY, ID[:-3], settings.shapes_file, settings.ontology_files)
    whole = dataset.import_dataset(*args, jobs=1)
    monkeypatch.setattr(dataset, "PARTITION_ROWS", 3)
    one = dataset.import_dataset(*args, jobs=1)
    out = tmp_path / "ged.nq"
    cmd = ["import", "ucdp", str(rows), "--release", "ged", "-o", str(out), "--registry", str(REGISTRY)]
    assert main([*cmd, "--base", ID[:-3], "--jobs", "2"]) == 1
    refused = [line for line in capsys.readouterr().err.splitlines() if line.startswith(str(rows))]
    assert refused == [
        f"{rows}:6:id: row id 900002 is used twice (first at {rows}:4)",
        f"{rows}:7:type_of_violence: '4' is not one of 1, 2, 3",
        f"{rows}:10:id: row id 900006 is used twice (first at {rows}:9)",
        f"{rows}:11:id: row id 900005 is used twice (first at {rows}:8)",
        f"{rows}:13:id: row id 900007 is used twice (first at {rows}:12)",
    ]
    assert [e.render() for e in one.refused] == [e.render() for e in whole.refused] == refused
    assert out.read_bytes() == one.nquads == whole.nquads
    assert one.reports == whole.reports == 7
    row_lines = set(re.findall(r'/([0-9]+)/row> <[^>]*#rowLine> "([0-9]+)"', out.read_text(encoding="utf-8")))
    assert row_lines == {("900001", "2"), ("900002", "4"), ("900003", "5"), ("900005", "8"), ("900006", "9")} | {
        ("900007", "12"),
        ("900008", "14"),
    }


@pytest.mark.parametrize("jobs", ["0", "two", "-1"])
def test_jobs_is_a_number_of_processes(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["import", "ucdp", str(FULL), "--jobs", jobs])
    assert exit_.value.code == 2
    assert f"{jobs!r} is not a number of processes (1 or more)" in capsys.readouterr().err


def test_a_worker_that_dies_is_one_error_not_a_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worker that dies (here as it starts: the prepared shapes it is sent end the process as they are
    unpickled) ends kg import with one line and exit 2, no output; multiprocessing.Pool started a new
    worker for ever."""
    import os

    from kg.sources import dataset

    monkeypatch.setattr(dataset, "PARTITION_ROWS", 2)
    monkeypatch.setattr(dataset._Checker, "__reduce__", lambda self: (os._exit, (9,)))
    out = tmp_path / "ged.nq"
    cmd = ["import", "ucdp", str(FULL), "--release", "ged", "-o", str(out), "--registry", str(REGISTRY)]
    assert main([*cmd, "--base", ID[:-3], "--jobs", "2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "a worker process ended without its answer" in err[0] and "--jobs 1" in err[0], err
    assert not out.exists() and list(tmp_path.iterdir()) == []
