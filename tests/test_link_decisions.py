"""links.yaml: curated decisions win over the scorer and survive re-runs; each error is one line
naming file, line and field; and `kg link` once in a subprocess, for the CLI wiring."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS

from kg.link import link_graph
from kg.link.decisions import LinkDecisionError, load_decisions
from kg.link.publish import link_iri, links_graph_iri
from kg.namespaces import KGO

BASE = "https://w3id.org/conflict-kg/"
REPORT = BASE + "id/report/"
CASES = Path(__file__).parent / "cases" / "link"

ACCEPT_AND_REJECT = """\
links:
  - a: doc-c/protest
    b: doc-a/riot
    decision: accepted
    who: A. Curator
    when: 2026-12-07
    why: the protest in Otherville is the riot's march, reported from the next town
  - {a: doc-a/riot, b: doc-b/riot, decision: rejected, who: A. Curator, when: 2026-12-07, why: two riots that day}
"""


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.parse(CASES / "reports.ttl")
    return g


def _links(nquads: bytes) -> Graph:
    ds = Dataset()
    ds.parse(data=nquads.decode(), format="nquads")
    return ds.graph(links_graph_iri(BASE))


def test_without_decisions_the_scorer_links_the_two_riots(graph: Graph) -> None:
    out = link_graph(graph, BASE)
    g = _links(out.nquads)
    link = link_iri(BASE, REPORT + "doc-a/riot", REPORT + "doc-b/riot")
    assert (link, KGO.linkStatus, Literal("proposed")) in g
    assert set(g.objects(link, KGO.linkedReport)) == {URIRef(REPORT + "doc-a/riot"), URIRef(REPORT + "doc-b/riot")}
    assert (out.links, out.curated, out.events) == (1, 0, 1)


def test_curated_decisions_override_the_scorer_and_survive_reruns(graph: Graph, tmp_path: Path) -> None:
    file = tmp_path / "links.yaml"
    file.write_text(ACCEPT_AND_REJECT)
    first = link_graph(graph, BASE, file)
    g = _links(first.nquads)
    rejected = link_iri(BASE, REPORT + "doc-a/riot", REPORT + "doc-b/riot")
    accepted = link_iri(BASE, REPORT + "doc-a/riot", REPORT + "doc-c/protest")
    assert not list(g.triples((rejected, None, None)))  # the scorer's best pair, rejected by hand
    assert (accepted, KGO.linkStatus, Literal("accepted")) in g  # blocked by the scorer, accepted by hand
    assert (accepted, DCTERMS.creator, Literal("A. Curator")) in g
    assert (accepted, RDFS.comment, Literal(ACCEPT_AND_REJECT.split("why: ")[1].split("\n")[0], lang="en")) in g
    assert (first.links, first.curated, first.events) == (1, 1, 1)
    again = link_graph(graph, BASE, file)
    assert again.nquads == first.nquads and again.proposals == first.proposals


BAD = [
    (
        "links:\n  - {a: doc-a/riot, b: doc-b/riot, decision: accepted, who: x, when: 2026-12-07, why: y,"
        " colour: red}\n",
        2,
        "links.0.colour",
        "unknown field",
    ),
    (
        "links:\n  - a: doc-a/riot\n    b: doc-b/riot\n    decision: accepted\n    when: 2026-12-07\n    why: y\n",
        2,
        "links.0.who",
        "required field is missing",
    ),
    (
        "links:\n  - a: doc-a/riot\n    b: doc-b/riot\n    decision: maybe\n"
        "    who: x\n    when: 2026-12-07\n    why: y\n",
        4,
        "links.0.decision",
        "accepted",
    ),
    (
        "links:\n  - a: doc-a/riot\n    b: doc-b/riot\n    decision: accepted\n"
        "    who: x\n    when: 2026-13-07\n    why: y\n",
        6,
        "links.0.when",
        "not a day",
    ),
    (
        "links:\n  - a: doc-a/riot\n    b: doc-z/riot\n    decision: accepted\n"
        "    who: x\n    when: 2026-12-07\n    why: y\n",
        3,
        "links.0.b",
        "no report 'doc-z/riot'",
    ),
    (
        "links:\n  - {a: doc-a/riot, b: doc-a/riot, decision: accepted, who: x, when: 2026-12-07, why: y}\n",
        2,
        "links.0.b",
        "linked to itself",
    ),
    (
        "links:\n  - {a: doc-a/riot, b: doc-b/riot, decision: accepted, who: x, when: 2026-12-07, why: y}\n"
        "  - {a: doc-b/riot, b: doc-a/riot, decision: rejected, who: x, when: 2026-12-07, why: y}\n",
        3,
        "links.1",
        "decided twice (first at line 2)",
    ),
    ("- a list, not a mapping\n", 1, "(top level)", "expected a mapping"),
]


@pytest.mark.parametrize(("text", "line", "field", "message"), BAD, ids=[b[2] + ":" + b[3][:12] for b in BAD])
def test_each_error_is_one_line_with_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str, message: str
) -> None:
    file = tmp_path / "links.yaml"
    file.write_text(text)
    reports = {REPORT + k for k in ("doc-a/riot", "doc-b/riot", "doc-b/summit", "doc-c/protest")}
    with pytest.raises(LinkDecisionError) as err:
        load_decisions(file, BASE, reports)
    shown = str(err.value)
    assert "\n" not in shown
    assert shown.startswith(f"{file}:{line}: {field}: ")
    assert message in shown


def test_kg_link_in_a_subprocess(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    shutil.copy(CASES / "reports.ttl", dist / "kg.ttl")
    (dist / "ontology.ttl").write_text("")  # the case's vocabulary triples are in kg.ttl
    (tmp_path / "links.yaml").write_text(ACCEPT_AND_REJECT)
    cmd = [sys.executable, "-m", "kg", "link", "--dist", str(dist)]
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    # no kg.toml here: --links is needed for the file (the default is links.yaml beside the project's kg.toml)
    assert "1 link(s), 0 of them curated" in done.stdout
    first = (dist / "links.nq").read_bytes()
    done = subprocess.run([*cmd, "--links", "links.yaml"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "1 link(s), 1 of them curated" in done.stdout
    assert (dist / "links.nq").read_bytes() != first
    (tmp_path / "links.yaml").write_text(ACCEPT_AND_REJECT.replace("    who: A. Curator\n", ""))
    done = subprocess.run([*cmd, "--links", "links.yaml"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    errors = done.stderr.strip().splitlines()
    assert errors[-1] == "kg link: error: links.yaml:2: links.0.who: required field is missing"
