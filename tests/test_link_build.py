"""One event, many reports, in the build: `kg build` reads the links `kg link` wrote (a `links` source
in kg.toml), so a linked event and its kgo:component events are in the published graph, and the stored
queries `disagreeing-figures` and `figure-history` answer it with the figures of all its reports,
`event-sources` with its reports.

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
    sources = _query(tmp_path, "event-sources", f"event={LINKED}")
    assert [(r["report"], r["document"], r["title"], r["published"]) for r in sources] == [  # by publication
        (ID + "report/herald-riot/market-riot", ID + "document/herald-riot", "Riot in Testville", "2026-03-03"),
        (ID + "report/courier-clash/riot", ID + "document/courier-clash", "Market riot", "2026-03-04"),
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


def test_kg_toml_names_the_decisions_and_kg_status_counts_links_and_releases(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kg.project import locate_project, project_status

    (project / "decisions").mkdir()
    (project / "links.yaml").rename(project / "decisions" / "curated.yaml")
    ged = project / "ged"
    ged.mkdir()
    shutil.copy(CASE.parent / "ucdp-components.csv", ged / "part-1.csv")
    shutil.copy(CASE.parent / "ucdp-components.csv", ged / "part-2.csv")
    toml = project / "kg.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('dist = "dist"\n', 'dist = "dist"\nlinks = "decisions/curated.yaml"\n')
    toml.write_text(text + '\n[sources.ged]\ntype = "ucdp"\npath = "ged"\n', encoding="utf-8")
    found = locate_project(project, environ={})
    before = project_status(found, found.settings())
    assert before.links is not None
    assert (before.links.accepted, before.links.rejected, before.links.proposed) == (1, 0, None)
    (ged_status,) = [s for s in before.sources if s.type == "ucdp"]
    assert (ged_status.chunks, ged_status.releases) == (2, ("ged",))
    toml.write_text(text, encoding="utf-8")  # the build of the articles alone, then kg link with kg.toml's file
    assert main(["build"]) == 0 and main(["link"]) == 0
    after = project_status(found, found.settings())
    assert after.links is not None
    assert after.links.file == str(project / "decisions" / "curated.yaml")
    assert (after.links.accepted, after.links.proposed, after.links.curated) == (1, 0, 1)
    capsys.readouterr()
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "curated.yaml: 1 accepted, 0 rejected; last kg link: 0 proposed, 1 from decisions" in out
    (project / "decisions" / "curated.yaml").unlink()
    assert main(["link"]) == 2
    assert "curated.yaml: no such file" in capsys.readouterr().err
