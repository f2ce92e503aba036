"""The build cache holds data, not code: a planted or broken cache file is ignored with one warning and rebuilt."""

from __future__ import annotations

import json
import os
import pickle
import sys
from pathlib import Path

import pytest

from kg.build import stages
from kg.build.cache import Cache
from kg.cli import main
from kg.config import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import generate

DUMPS = ("kg.ttl", "kg.nt", "kg.jsonld", "void.ttl", "ontology.ttl")


class _Planted:
    """Unpickling this makes a folder: proof that code from the cache ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return generate.generate(tmp_path / "corpus", "tiny").root


def _args(corpus: Path, dist: Path) -> list[str]:
    return [
        "build",
        "--articles",
        str(corpus / "articles"),
        "--registry",
        str(corpus / "registry.yaml"),
        "--dist",
        str(dist),
        "--shacl-engine",
        "fast",
    ]


def test_a_planted_pickle_does_not_run_and_is_rebuilt(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dist = tmp_path / "dist"
    assert main(_args(corpus, dist)) == 0
    reference = {name: (dist / name).read_bytes() for name in DUMPS}
    marker = tmp_path / "code-ran"
    cache = dist / ".kg-cache"
    payload = pickle.dumps(_Planted(marker))
    (cache / "state.json").write_bytes(payload)  # where the manifest is read
    (cache / "state.pkl").write_bytes(payload)  # where the pickle cache used to be read
    chunk = sorted((cache / "chunks").iterdir())[0]
    chunk.write_bytes(payload)
    capsys.readouterr()
    assert main(_args(corpus, dist)) == 0
    err = capsys.readouterr().err
    assert not marker.exists()
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "state.json" in warnings[0] and "ignored and rebuilt" in warnings[0], err
    assert {name: (dist / name).read_bytes() for name in DUMPS} == reference
    # the rebuilt cache is good again: the next build reads it without a warning and maps nothing
    again = stages.build(_settings(corpus, dist), engine="fast")
    assert again.warnings == () and again.remapped == () and again.spliced


def _settings(corpus: Path, dist: Path) -> Settings:
    return Settings(articles_dir=corpus / "articles", registry_file=corpus / "registry.yaml", dist_dir=dist)


@pytest.mark.parametrize("damage", ["chunk", "index", "manifest"])
def test_a_broken_cache_file_is_ignored_with_one_warning(corpus: Path, tmp_path: Path, damage: str) -> None:
    dist = tmp_path / "dist"
    settings = _settings(corpus, dist)
    stages.build(settings, engine="fast")
    reference = {name: (dist / name).read_bytes() for name in DUMPS}
    cache = dist / ".kg-cache"
    # one article changes, so that its cached lines (what the dumps lose) and the dumps' index are read
    folder = sorted((corpus / "articles").iterdir())[0]
    ann = folder / "annotation.yaml"
    entry = json.loads((cache / "state.json").read_text())["chunks"][f"articles/{folder.name}"]
    target = {
        "chunk": Cache(cache).chunk_file(f"articles/{folder.name}", entry["digest"]),
        "index": cache / "union" / "ttl.ends",
        "manifest": cache / "state.json",
    }[damage]
    target.write_bytes(target.read_bytes()[:-3] + b"\x80\x00{")
    ann.write_text(ann.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    result = stages.build(settings, engine="fast")
    assert len(result.warnings) == 1 and "ignored and rebuilt" in result.warnings[0], result.warnings
    full = tmp_path / "full"
    stages.build(_settings(corpus, full), full=True, engine="fast")
    for name in DUMPS:
        assert (dist / name).read_bytes() == (full / name).read_bytes(), name
    assert f"articles/{folder.name}" in result.remapped
    assert reference["kg.nt"] == (full / "kg.nt").read_bytes()  # a comment: the same triples
