"""The on-disk Oxigraph store: native bulk load, reuse when current, in-place chunk updates."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import pytest
from rdflib import URIRef

from kg.build import stages
from kg.config import Settings
from kg.errors import StoreError
from kg.store import load_store, open_graph, open_store, published_files, read_manifest, store_is_current

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(store: object) -> int:
    return int(next(iter(store.query(COUNT)))["n"].value)  # type: ignore[attr-defined]


def _graph_count(graph: object) -> int:
    return int(next(iter(graph.query(COUNT)))[0])  # type: ignore[attr-defined]


def test_open_graph_loads_once_and_reopens(built_dist: Path, tmp_path: Path, published_graph: object) -> None:
    files = published_files(built_dist)
    location = tmp_path / "store"
    graph = open_graph(files, backend="oxigraph", location=location)
    assert store_is_current(location, files)
    total = _graph_count(graph)
    assert total == len(published_graph)  # type: ignore[arg-type]
    graph.close()
    del graph
    gc.collect()  # Oxigraph holds a lock on the folder until the store object is freed
    stamp = (location / "kg-store.json").stat().st_mtime_ns
    again = open_graph(files, backend="oxigraph", location=location)  # current: opened, not reloaded
    assert (location / "kg-store.json").stat().st_mtime_ns == stamp
    assert _graph_count(again) == total
    again.close()
    os.utime(files[0])  # touched: the store is no longer known to be current
    assert not store_is_current(location, files)


def test_load_store_refuses_a_folder_that_is_not_a_store(built_dist: Path, tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(StoreError):
        load_store(tmp_path, published_files(built_dist))
    assert (tmp_path / "precious.txt").exists()


def test_a_manifest_write_killed_before_its_rename_does_not_block_a_reload(built_dist: Path, tmp_path: Path) -> None:
    location = tmp_path / "store"
    load_store(location, published_files(built_dist))
    leftover = location / ".kg-store.json.k1ll3d.tmp"  # what kg.atomic leaves if the process is killed
    leftover.write_text("{")
    load_store(location, published_files(built_dist))
    assert not leftover.exists() and store_is_current(location, published_files(built_dist))


def test_incremental_build_updates_the_store_in_place(tmp_path: Path) -> None:
    import shutil
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import generate

    corpus = generate.generate(tmp_path / "corpus", "tiny").root
    settings = Settings(
        articles_dir=corpus / "articles", registry_file=corpus / "registry.yaml", dist_dir=tmp_path / "dist"
    )
    location = tmp_path / "store"
    stages.build(settings, engine="fast", store=location)
    published = [settings.dist_dir / name for name in ("kg.nt", "ontology.ttl", "kg-types.nt")]
    assert store_is_current(location, published)
    # drop one article: its triples leave the store without a reload
    victim = sorted((corpus / "articles").iterdir())[0]
    shutil.rmtree(victim)
    stages.build(settings, engine="fast", store=location)
    held = read_manifest(location)["chunks"]
    state = json.loads((settings.dist_dir / ".kg-cache" / "state.json").read_text())
    assert held == state["union"]["published"]  # the store records the kg.nt it holds: no reload needed next time
    store = open_store(location)
    doc = URIRef(settings.base + "id/document/" + victim.name)
    assert not list(store.quads_for_pattern(__import__("pyoxigraph").NamedNode(str(doc)), None, None))
    fresh = tmp_path / "fresh"
    load_store(fresh, published)  # the type closure's diff went in with the data's
    assert _count(store) == _count(open_store(fresh, read_only=True))
