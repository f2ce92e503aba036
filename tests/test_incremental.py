"""Incremental builds: the cache re-maps only what changed and the dumps stay byte-identical."""

from __future__ import annotations

import multiprocessing
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import incremental, pipeline
from kg.config import Settings
from kg.errors import ValidationFailed

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import generate

DUMPS = ("kg.ttl", "kg.nt", "kg.jsonld", "void.ttl", "ontology.ttl")


def _settings(corpus: Path, dist: Path) -> Settings:
    return Settings(articles_dir=corpus / "articles", registry_file=corpus / "registry.yaml", dist_dir=dist)


def _same_dumps(a: Path, b: Path) -> None:
    for name in DUMPS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return generate.generate(tmp_path / "corpus", "tiny").root


def test_seed_is_byte_identical_to_the_full_build(tmp_path: Path, built_dist: Path) -> None:
    result = incremental.build(Settings(dist_dir=tmp_path / "dist"))
    assert not result.fallback
    _same_dumps(built_dist, tmp_path / "dist")


def test_rebuild_after_a_change_equals_a_full_build(corpus: Path, tmp_path: Path) -> None:
    inc = _settings(corpus, tmp_path / "inc")
    first = incremental.build(inc, engine="fast")
    assert len(first.remapped) == first.chunks and not first.fallback and not first.spliced
    # nothing changed: nothing is re-mapped or re-validated
    again = incremental.build(inc, engine="fast")
    assert again.remapped == () and again.validated == () and again.spliced

    def check(step: str) -> incremental.IncrementalResult:
        result = incremental.build(inc, engine="fast")
        pipeline.build(_settings(corpus, tmp_path / step), shacl_engine="fast")
        _same_dumps(tmp_path / step, tmp_path / "inc")
        return result

    # change one article's text and annotation: a new figure (new subjects, new references)
    articles = sorted((corpus / "articles").iterdir())
    ann = articles[0] / "annotation.yaml"
    text = (articles[0] / "article.txt").read_text(encoding="utf-8")
    (articles[0] / "article.txt").write_text(
        text + "Officials said at least 99 people were arrested.\n", encoding="utf-8"
    )
    body = ann.read_text(encoding="utf-8")
    first_event = body.split("\nevents:\n  - id: ", 1)[1].split("\n", 1)[0]
    figure = (
        f"  - id: extra-figure\n    event: {first_event}\n    counts: arrested\n    value: 99\n"
        '    qualifier: at-least\n    evidence: "at least 99 people were arrested"\n'
    )
    body = (
        body.replace("\nfigures:\n", "\nfigures:\n" + figure)
        if "\nfigures:\n" in body
        else body + "\nfigures:\n" + figure
    )
    ann.write_text(body, encoding="utf-8")
    changed = check("changed")
    assert changed.remapped == (articles[0].name,) and changed.validated == changed.remapped and changed.spliced
    # add an article
    shutil.copytree(articles[1], corpus / "articles" / "zz-copy")
    copy = corpus / "articles" / "zz-copy" / "annotation.yaml"
    copy.write_text(
        copy.read_text(encoding="utf-8").replace(f"id: {articles[1].name}", "id: zz-copy"), encoding="utf-8"
    )
    added = check("added")
    assert added.remapped == ("zz-copy",) and added.spliced
    # remove an article
    shutil.rmtree(articles[2])
    removed = check("removed")
    assert removed.remapped == () and removed.spliced
    # two changes at once in this small corpus: written from scratch, still identical
    shutil.rmtree(corpus / "articles" / "zz-copy")
    shutil.rmtree(articles[3])
    assert not check("both").spliced


def test_a_registry_change_rebuilds_everything(corpus: Path, tmp_path: Path) -> None:
    inc = _settings(corpus, tmp_path / "inc")
    first = incremental.build(inc)
    reg = corpus / "registry.yaml"
    reg.write_text(reg.read_text(encoding="utf-8") + "\n# a comment changes the bytes\n", encoding="utf-8")
    again = incremental.build(inc)
    assert len(again.remapped) == first.chunks


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_mapping_in_worker_processes_equals_mapping_in_one(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_method: str
) -> None:
    """The pool (fork on Linux, spawn on macOS and Windows) gives the bytes of a build in one process."""
    alone = incremental.build(_settings(corpus, tmp_path / "one"), engine="fast", workers=1)
    monkeypatch.setattr(incremental, "_SUB_BATCH", 2)  # six articles: three jobs for two workers
    monkeypatch.setattr(incremental, "START_METHOD", start_method)
    contexts: list[str | None] = []
    real_get_context = multiprocessing.get_context

    def get_context(method: str | None = None) -> Any:  # records that the pool was made, and how
        contexts.append(method)
        return real_get_context(method)

    monkeypatch.setattr(incremental.multiprocessing, "get_context", get_context)
    pooled = incremental.build(_settings(corpus, tmp_path / "pool"), engine="fast", workers=2)
    assert contexts == [start_method]
    assert sorted(pooled.remapped) == sorted(alone.remapped) and len(pooled.remapped) > 2
    _same_dumps(tmp_path / "one", tmp_path / "pool")


def test_violations_stop_the_build_and_name_the_file(corpus: Path, tmp_path: Path) -> None:
    inc = _settings(corpus, tmp_path / "inc")
    incremental.build(inc, engine="fast")
    before = (tmp_path / "inc" / "kg.nt").read_bytes()
    lonely = generate.generate(tmp_path / "bad", "tiny", violations=1)
    ((key, event),) = lonely.lonely_meetings
    target = corpus / "articles" / "zz-bad"
    shutil.copytree(lonely.articles / key, target)
    bad = target / "annotation.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace(f"id: {key}", "id: zz-bad"), encoding="utf-8")
    shutil.copy(lonely.registry, corpus / "registry.yaml")
    for engine in ("fast", "pyshacl"):
        with pytest.raises(ValidationFailed) as err:
            incremental.build(inc, engine=engine)
        assert any("annotation.yaml" in line and event in line for line in err.value.lines), err.value.lines
    assert (tmp_path / "inc" / "kg.nt").read_bytes() == before


def test_chunk_of_splits_by_minting_input() -> None:
    base = "https://example.org/"
    assert incremental.chunk_of(base + "id/event/doc-1/riot-1", base) == "doc-1"
    assert incremental.chunk_of(base + "id/evidence/doc-1/3-9/quote", base) == "doc-1"
    assert incremental.chunk_of(base + "id/document/doc-1", base) == "doc-1"
    assert incremental.chunk_of(base + "id/document/registry", base) == incremental.REGISTRY_CHUNK
    assert incremental.chunk_of(base + "id/place/almaty", base) == incremental.REGISTRY_CHUNK
    assert incremental.chunk_of(base + "id/place/doc-1/banks", base) == "doc-1"
    with pytest.raises(incremental.IncrementalUnsupported):
        incremental.chunk_of("https://elsewhere.org/x", base)


def test_fast_yaml_reads_what_ruamel_reads(corpus: Path, tmp_path: Path) -> None:
    from kg.annotation import read_yaml, read_yaml_fast
    from kg.errors import AnnotationError

    files = [corpus / "registry.yaml", *sorted(corpus.glob("articles/*/annotation.yaml"))]
    files += [Settings().registry_file, *sorted(Settings().articles_dir.glob("*/annotation.yaml"))]
    odd = tmp_path / "odd.yaml"
    odd.write_text(
        "a: yes\nb: 0x1F\nc: 1_000\nd: 2022-01-10\ne: 2022-01-10T10:00:00\nf: &x {k: 1}\ng: *x\n"
        "h: ~\ni: -3.50\nk: 'q'\nl: [1, 2.5, true, null, on]\n",
        encoding="utf-8",
    )
    for f in [*files, odd]:
        assert read_yaml_fast(f) == read_yaml(f), f
    dup = tmp_path / "dup.yaml"
    dup.write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(AnnotationError):
        read_yaml_fast(dup)


# -- splicing a dump body: property test against sorting everything again ----------------------

_SUBJECTS = st.text(alphabet="abcdefgh/", min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(
    old=st.dictionaries(_SUBJECTS, st.binary(min_size=1, max_size=5), max_size=30),
    new=st.dictionaries(_SUBJECTS, st.binary(min_size=1, max_size=5), max_size=8),
    drop=st.sets(_SUBJECTS, max_size=10),
    sep=st.sampled_from([b"", b",\n"]),
)
def test_splice_equals_a_fresh_sort(old: dict[str, bytes], new: dict[str, bytes], drop: set[str], sep: bytes) -> None:
    """Cutting subjects out of a body and putting others in gives the body and index a full sort gives."""
    from kg.incremental import _Index, _splice

    key = len  # any key: ties keep the old order first, as bisect_left puts additions before equals
    body, index = _splice(b"", _Index(), set(), sorted(old.items()), key, sep)
    remove = (drop & set(old)) | (set(new) & set(old))  # a changed subject is removed, then added
    got, got_index = _splice(body, index, remove, sorted(new.items()), key, sep)
    kept = [(s, old[s]) for s in index.subjects if s not in remove]
    added = sorted(sorted(new.items()), key=lambda kv: key(kv[0]))
    # by key; among equal keys the additions first (bisect_left), each side in its own order
    merged = sorted(
        [(key(s), 0, n, s, d) for n, (s, d) in enumerate(kept)]
        + [(key(s), -1, n, s, d) for n, (s, d) in enumerate(added)]
    )
    expected = [(s, d) for *_, s, d in merged]
    assert got == sep.join(d for _, d in expected)
    assert got_index.subjects == [s for s, _ in expected]
    for s, o, n in zip(got_index.subjects, got_index.offsets, got_index.lengths, strict=True):
        assert got[o : o + n] == dict(expected)[s]


def test_folder_digests_rehash_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unchanged folders reuse the recorded digest; a changed or freshly written file is hashed again."""
    import os
    import time

    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "annotation.yaml").write_text("x: 1\n")
    old = time.time() - 3600
    os.utime(folder / "annotation.yaml", (old, old))
    calls: list[Path] = []
    real = incremental.folder_digest
    monkeypatch.setattr(incremental, "folder_digest", lambda f: calls.append(f) or real(f))
    digests = incremental.FolderDigests.load(tmp_path / "folders.json")
    first = digests.digest(folder)
    digests.save()
    again = incremental.FolderDigests.load(tmp_path / "folders.json")
    assert again.digest(folder) == first and len(calls) == 1  # read from the record
    (folder / "annotation.yaml").write_text("x: 2\n")  # same size, new mtime
    assert again.digest(folder) != first and len(calls) == 2
    assert again.digest(folder) == real(folder) and len(calls) == 3  # just written: racy, hashed again
