"""One event, many reports, in the build: `kg build` reads the links `kg link` wrote (a `links` source
in kg.toml), so a linked event and its kgo:component events are in the published graph, and the stored
queries `disagreeing-figures` and `figure-history` answer it with the figures of all its reports.

The project (tests/cases/link/project/) has two invented articles that report one riot as two events of
their own (3 killed by the Herald of 3 March, 5 by the Courier of 4 March) and a links.yaml accepting
the link. The expected rows below are written by hand from those files.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest

from kg.cli import main

CASE = Path(__file__).parent / "cases" / "link" / "project"
ID = "https://w3id.org/conflict-kg/id/"
HERALD_EVENT = ID + "event/herald-riot/market-riot"
COURIER_EVENT = ID + "event/courier-clash/riot"
#: the linked event: <base>id/event/linked/ + the first 16 hex digits of the SHA-256 of its sorted
#: component IRIs joined by newlines (README, "Linking reports")
LINKED = ID + "event/linked/" + hashlib.sha256(f"{COURIER_EVENT}\n{HERALD_EVENT}".encode()).hexdigest()[:16]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(CASE, root)
    monkeypatch.chdir(root)
    monkeypatch.delenv("KG_HOME", raising=False)
    monkeypatch.delenv("KG_BASE_IRI", raising=False)
    return root


def _query(tmp: Path, name: str, *params: str) -> list[dict[str, str]]:
    out = tmp / f"{name}.csv"
    argv = ["query", name, "-f", "csv", "-o", str(out)]
    for p in params:
        argv += ["-p", p]
    assert main(argv) == 0
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))


def test_a_linked_event_answers_the_figure_queries_with_all_its_reports(project: Path, tmp_path: Path) -> None:
    assert main(["build"]) == 0  # before kg link: no links.nq, no linked event
    assert _query(tmp_path, "disagreeing-figures") == []  # two events, one figure each: nothing to compare
    before = (project / "dist" / "kg.nt").read_bytes()
    assert b"/event/linked/" not in before
    assert main(["link"]) == 0
    assert main(["build"]) == 0
    nt = (project / "dist" / "kg.nt").read_bytes()
    assert f"<{LINKED}> <https://w3id.org/conflict-kg/ontology#component> <{HERALD_EVENT}> .".encode() in nt
    assert f"<{LINKED}> <https://w3id.org/conflict-kg/ontology#component> <{COURIER_EVENT}> .".encode() in nt
    assert b'"accepted"' in nt and b"_:" not in nt
    rows = _query(tmp_path, "disagreeing-figures")
    assert [
        {k: r[k] for k in ("event", "countsLabel", "value1", "asOf1", "source1", "value2", "asOf2", "source2")}
        for r in rows
    ] == [
        {
            "event": LINKED,
            "countsLabel": "killed",
            "value1": "3",
            "asOf1": "2026-03-03",
            "source1": ID + "document/herald-riot",
            "value2": "5",
            "asOf2": "2026-03-04",
            "source2": ID + "document/courier-clash",
        }
    ]
    history = _query(tmp_path, "figure-history", f"event={LINKED}")
    assert [(r["asOf"], r["value"], r["document"], r["figure"], r["event"]) for r in history] == [
        ("2026-03-03", "3", ID + "document/herald-riot", ID + "figure/herald-riot/killed", HERALD_EVENT),
        ("2026-03-04", "5", ID + "document/courier-clash", ID + "figure/courier-clash/dead", COURIER_EVENT),
    ]
    # a component alone still answers with its own figures only
    own = _query(tmp_path, "figure-history", f"event={HERALD_EVENT}")
    assert [r["figure"] for r in own] == [ID + "figure/herald-riot/killed"]
    # a fixed point: linking the build that holds the links writes the same bytes, and so does the build
    links = (project / "dist" / "links.nq").read_bytes()
    assert main(["link"]) == 0 and (project / "dist" / "links.nq").read_bytes() == links
    assert main(["build", "--full"]) == 0 and (project / "dist" / "kg.nt").read_bytes() == nt


def test_links_older_than_the_data_are_refused_in_one_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build"]) == 0 and main(["link"]) == 0
    shutil.rmtree(project / "data" / "articles" / "courier-clash")
    (project / "links.yaml").write_text("links: []\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["build"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "links.nq" in err[0] and f"<{COURIER_EVENT}> is declared by no document" in err[0]
