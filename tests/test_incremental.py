"""Incremental builds: the cache re-maps only what changed and the dumps stay byte-identical to a full build."""

from __future__ import annotations

import multiprocessing
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from kg import paths
from kg.atomic import published_dir
from kg.build import stages
from kg.config import Settings
from kg.errors import ValidationFailed
from kg.project import load_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import generate

DUMPS = ("kg.ttl", "kg.nt", "kg.jsonld", "void.ttl", "ontology.ttl", "kg-types.nt")


def _settings(corpus: Path, dist: Path) -> Settings:
    return Settings(articles_dir=corpus / "articles", registry_file=corpus / "registry.yaml", dist_dir=dist)


def _same_dumps(a: Path, b: Path) -> None:
    for name in DUMPS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return generate.generate(tmp_path / "corpus", "tiny").root


def _incremental(settings: Settings, **kw: Any) -> stages.BuildResult:
    return stages.build(settings, **kw)


def _full(settings: Settings, **kw: Any) -> stages.BuildResult:
    return stages.build(settings, full=True, **kw)


def test_seed_is_byte_identical_to_the_full_build(tmp_path: Path, built_dist: Path) -> None:
    # the bundled project (its kg.toml: registry, articles, UCDP rows, links), as built_dist is
    result = _incremental(load_settings({"dist_dir": tmp_path / "dist"}), cache_dir=tmp_path / "cache")
    assert result.remapped and not result.spliced
    _same_dumps(built_dist, tmp_path / "dist")


def test_rebuild_after_a_change_equals_a_full_build(corpus: Path, tmp_path: Path) -> None:
    inc = _settings(corpus, tmp_path / "inc")
    first = _incremental(inc, engine="fast")
    assert len(first.remapped) == first.chunks and not first.spliced
    # nothing changed: nothing is re-mapped or re-validated
    again = _incremental(inc, engine="fast")
    assert again.remapped == () and again.validated == () and again.spliced

    def check(step: str) -> stages.BuildResult:
        result = _incremental(inc, engine="fast")
        _full(_settings(corpus, tmp_path / step), engine="fast")
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
    key = f"articles/{articles[0].name}"
    assert changed.remapped == (key,) and changed.validated == changed.remapped and changed.spliced
    # add an article
    shutil.copytree(articles[1], corpus / "articles" / "zz-copy")
    copy = corpus / "articles" / "zz-copy" / "annotation.yaml"
    copy.write_text(
        copy.read_text(encoding="utf-8").replace(f"id: {articles[1].name}", "id: zz-copy"), encoding="utf-8"
    )
    added = check("added")
    assert added.remapped == ("articles/zz-copy",) and added.spliced
    # remove an article
    shutil.rmtree(articles[2])
    removed = check("removed")
    assert removed.remapped == () and removed.spliced
    # two changes at once in this small corpus: the whole graph is validated, the dumps still spliced
    shutil.rmtree(corpus / "articles" / "zz-copy")
    shutil.rmtree(articles[3])
    both = check("both")
    assert both.spliced and both.remapped == ()


def _relabel_first_event(corpus: Path, suffix: str) -> None:
    """Change the English label of the first event of the first article (no type, no subject changes)."""
    ann = sorted((corpus / "articles").iterdir())[0] / "annotation.yaml"
    head, events = ann.read_text(encoding="utf-8").split("\nevents:\n", 1)
    events = events.replace('label: {en: "', f'label: {{en: "{suffix} ', 1)
    ann.write_text(head + "\nevents:\n" + events, encoding="utf-8")


def test_files_a_change_leaves_as_they_were_are_linked_not_written(corpus: Path, tmp_path: Path) -> None:
    """After a label change, ontology.ttl and kg-types.nt of the new build folder are the last build's
    files (hard links: one inode), the dumps new files, and every file what a full build writes; after an
    ontology change, ontology.ttl is written again, as a full build writes it."""
    inc = _settings(corpus, tmp_path / "inc")
    _incremental(inc, engine="fast")
    before = published_dir(inc.dist_dir)
    index = inc.dist_dir / ".kg-cache" / "union"
    inodes = {name: (index / name).stat().st_ino for name in ("subjects", "objects")}
    _relabel_first_event(corpus, "Relabelled")
    assert _incremental(inc, engine="fast").spliced
    after = published_dir(inc.dist_dir)
    assert after != before
    # the dumps' index: the same subjects (not written again), a changed label among the objects
    assert (index / "subjects").stat().st_ino == inodes["subjects"]
    assert (index / "objects").stat().st_ino != inodes["objects"]
    for name in ("ontology.ttl", "kg-types.nt"):
        assert (after / name).stat().st_ino == (before / name).stat().st_ino, name
    for name in ("kg.nt", "kg.ttl", "kg.jsonld", "void.ttl"):
        assert (after / name).stat().st_ino != (before / name).stat().st_ino, name
    _full(_settings(corpus, tmp_path / "full"), engine="fast")
    _same_dumps(tmp_path / "full", tmp_path / "inc")
    # the ontology gains a label: its file is written anew, and the data's files are rebuilt with it
    ontology = tmp_path / "ontology.ttl"
    ontology.write_bytes(
        paths.ONTOLOGY_FILE.read_bytes()
        + b'\n<https://w3id.org/conflict-kg/ontology#Event> <http://www.w3.org/2000/01/rdf-schema#comment> "x"@en .\n'
    )
    changed = Settings(**{**vars(inc), "ontology_files": (ontology, paths.VOCAB_FILE)})
    _incremental(changed, engine="fast")
    third = published_dir(inc.dist_dir)
    assert (third / "ontology.ttl").stat().st_ino != (after / "ontology.ttl").stat().st_ino
    assert b'"x"@en' in (third / "ontology.ttl").read_bytes()
    full = Settings(**{**vars(_settings(corpus, tmp_path / "full2")), "ontology_files": (ontology, paths.VOCAB_FILE)})
    _full(full, engine="fast")
    _same_dumps(tmp_path / "full2", tmp_path / "inc")


def test_a_registry_change_rebuilds_everything(corpus: Path, tmp_path: Path) -> None:
    inc = _settings(corpus, tmp_path / "inc")
    first = _incremental(inc)
    reg = corpus / "registry.yaml"
    reg.write_text(reg.read_text(encoding="utf-8") + "\n# a comment changes the bytes\n", encoding="utf-8")
    again = _incremental(inc)
    assert len(again.remapped) == first.chunks


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_mapping_in_worker_processes_equals_mapping_in_one(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_method: str
) -> None:
    """The pool (fork on Linux, spawn on macOS and Windows) gives the bytes of a build in one process."""
    alone = _incremental(_settings(corpus, tmp_path / "one"), engine="fast", workers=1)
    monkeypatch.setattr(stages, "_SUB_BATCH", 2)  # six articles: three jobs for two workers
    monkeypatch.setattr(stages, "START_METHOD", start_method)
    contexts: list[str | None] = []
    real_get_context = multiprocessing.get_context

    def get_context(method: str | None = None) -> Any:  # records that the pool was made, and how
        contexts.append(method)
        return real_get_context(method)

    monkeypatch.setattr(stages.multiprocessing, "get_context", get_context)
    pooled = _incremental(_settings(corpus, tmp_path / "pool"), engine="fast", workers=2)
    assert contexts == [start_method]
    assert sorted(pooled.remapped) == sorted(alone.remapped) and len(pooled.remapped) > 2
    _same_dumps(tmp_path / "one", tmp_path / "pool")


def test_violations_stop_the_build_and_name_the_file(corpus: Path, tmp_path: Path) -> None:
    inc = _settings(corpus, tmp_path / "inc")
    _incremental(inc, engine="fast")
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
            _incremental(inc, engine=engine)
        assert any("annotation.yaml" in line and event in line for line in err.value.lines), err.value.lines
    assert (tmp_path / "inc" / "kg.nt").read_bytes() == before


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


def test_file_digests_rehash_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unchanged files reuse the recorded digest; a changed or freshly written file is hashed again."""
    import os
    import time

    from kg.build import cache

    f = tmp_path / "annotation.yaml"
    f.write_text("x: 1\n")
    old = time.time() - 3600
    os.utime(f, (old, old))
    calls: list[bytes] = []
    real = cache.sha256
    monkeypatch.setattr(cache, "sha256", lambda data: calls.append(data) or real(data))
    digests = cache.FileDigests.load(tmp_path / "files.json")
    first = digests.digest(f)
    digests.save()
    calls.clear()
    again = cache.FileDigests.load(tmp_path / "files.json")
    assert again.digest(f) == first and calls == []  # read from the record
    f.write_text("x: 2\n")  # same size, new mtime
    assert again.digest(f) != first and len(calls) == 1
    assert again.digest(f) == real(f.read_bytes()) and len(calls) == 2  # just written: racy, hashed again


TWO_SOURCES = Path(__file__).parent / "cases" / "mapping" / "two-sources"


def _cross_document_corpus(root: Path) -> Path:
    """The two-source case, where the second document reports (with a role) the event the first declares."""
    shutil.copytree(TWO_SOURCES, root)
    first = root / "articles" / "testville-2023-03-03" / "annotation.yaml"
    text = first.read_text().replace("    event: testville-unrest-2023\n    type: riot\n", "    type: riot\n")
    label = "    label: {en: Riots in Testville}\n"
    first.write_text(text.replace("    precision: day\n", label + "    precision: day\n", 1))
    second = root / "articles" / "testville-2023-03-10" / "annotation.yaml"
    second.write_text(
        second.read_text()
        .replace("    event: testville-unrest-2023\n", "    event: testville-2023-03-03/riots\n")
        .replace(
            '    evidence: "The unrest in Testville began on 2 March"\n',
            '    evidence: "The unrest in Testville began on 2 March"\n'
            '    roles: [{role: participant, actor: jane-roe, evidence: "The unrest in Testville"}]\n',
        )
    )
    return root


def test_a_changed_report_of_another_documents_event_is_validated_with_it(tmp_path: Path) -> None:
    """The second document gives the first's event a participant; validated alone with the registry, the
    event would lack its type (declared in the first document), so the declaring chunk is validated too."""
    corpus = _cross_document_corpus(tmp_path / "corpus")
    inc = _settings(corpus, tmp_path / "inc")
    _incremental(inc)
    second = corpus / "articles" / "testville-2023-03-10" / "annotation.yaml"
    second.write_text(second.read_text().replace('curated: "2023-03-11"', 'curated: "2023-03-12"'))
    again = _incremental(inc)
    assert again.remapped == ("articles/testville-2023-03-10",) and again.spliced
    full = _settings(corpus, tmp_path / "full")
    _full(full)
    _same_dumps(tmp_path / "inc", tmp_path / "full")


def test_a_report_of_a_removed_documents_event_is_one_error(tmp_path: Path) -> None:
    from kg.errors import KGError

    corpus = _cross_document_corpus(tmp_path / "corpus")
    inc = _settings(corpus, tmp_path / "inc")
    _incremental(inc)
    before = (tmp_path / "inc" / "kg.nt").read_bytes()
    shutil.rmtree(corpus / "articles" / "testville-2023-03-03")
    with pytest.raises(KGError) as caught:
        _incremental(inc)
    err = caught.value
    assert err.file is not None and Path(err.file).parent.name == "testville-2023-03-10"
    assert (err.line, err.field) == (11, "events.0.event")
    assert "event/testville-2023-03-03/riots" in err.message
    assert (tmp_path / "inc" / "kg.nt").read_bytes() == before
