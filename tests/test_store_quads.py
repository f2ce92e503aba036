"""kg.store.read_rdf reads the named graphs of N-Quads and TriG files into a plain graph's union
(`kg query --data x.nq` once lost them), and keeps them in their graphs when read into a Dataset."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef

from kg.store import read_rdf

EX = "https://example.org/"
NQ = (
    f"<{EX}a> <{EX}p> <{EX}b> .\n<{EX}c> <{EX}p> <{EX}d> <{EX}graph/one> .\n<{EX}e> <{EX}p> <{EX}f> <{EX}graph/two> .\n"
)
TRIG = f"<{EX}a> <{EX}p> <{EX}b> .\n<{EX}graph/one> {{ <{EX}c> <{EX}p> <{EX}d> . }}\n"


@pytest.mark.parametrize(("name", "text", "subjects"), [("x.nq", NQ, "ace"), ("x.trig", TRIG, "ac")])
def test_named_graphs_go_into_the_union(tmp_path: Path, name: str, text: str, subjects: str) -> None:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    graph = read_rdf([file])
    assert type(graph) is Graph
    assert {str(s) for s in graph.subjects()} == {EX + s for s in subjects}


def test_a_dataset_keeps_the_graphs(tmp_path: Path) -> None:
    file = tmp_path / "x.nq"
    file.write_text(NQ, encoding="utf-8")
    ds = read_rdf([file], into=Dataset())
    assert isinstance(ds, Dataset)
    assert (URIRef(EX + "c"), URIRef(EX + "p"), URIRef(EX + "d")) in ds.graph(URIRef(EX + "graph/one"))
    assert (URIRef(EX + "c"), URIRef(EX + "p"), URIRef(EX + "d")) not in ds.graph(URIRef(EX + "graph/two"))


def test_kg_query_data_reads_the_named_graphs(tmp_path: Path) -> None:
    """The command the brief names: `kg query --data x.nq` answers from the named graphs' triples."""
    from kg.cli import main

    file = tmp_path / "x.nq"
    file.write_text(NQ, encoding="utf-8")
    query = tmp_path / "q.rq"
    query.write_text(f"SELECT ?s WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s\n", encoding="utf-8")
    dist = tmp_path / "dist"  # a build of nothing: the answer comes from --data alone
    dist.mkdir()
    for name in ("kg.ttl", "ontology.ttl"):
        (dist / name).write_text("", encoding="utf-8")
    out = tmp_path / "out.csv"
    argv = ["query", "--file", str(query), "--dist", str(dist), "--data", str(file), "-f", "csv", "-o", str(out)]
    assert main(argv) == 0
    assert out.read_text().split() == ["s", EX + "a", EX + "c", EX + "e"]
