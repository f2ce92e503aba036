"""A project of one's own: kg init, finding the project from the working folder, kg add, kg status,
and the README's path from an empty folder to a curated article and a build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg import paths
from kg.cli import main
from kg.errors import KGError
from kg.project import (
    PROJECT_FILE,
    DraftRequest,
    Project,
    add_article,
    create_project,
    find_project_file,
    locate_project,
    project_status,
)

ROOT = Path(__file__).resolve().parents[1]

STORY = (
    "Police in Testville said on Monday that 12 people were injured "
    "when a protest outside the town hall turned violent.\n"
)

#: what the README tells a newcomer to add to the registry and to the draft annotation
REGISTRY_ENTRIES = {
    "organisations: []": "organisations:\n  - {id: testville-herald, label: {en: Testville Herald}}",
    "places: []": "places:\n  - {id: testville, type: city, label: {en: Testville}}",
}
DOCUMENT_FIELDS = "  publisher: testville-herald\n  curated: '2026-03-05'\n"
ONE_EVENT = """events:
  - id: town-hall-protest
    type: protest
    label: {en: Protest outside the Testville town hall}
    date: 2026-03-02
    precision: day
    location: testville
    evidence: "a protest outside the town hall turned violent"
"""


@pytest.fixture(autouse=True)
def _no_kg_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_HOME", raising=False)
    monkeypatch.delenv("KG_BASE_IRI", raising=False)


# --- finding the project


def test_the_nearest_kg_toml_from_the_working_folder_up_is_the_project(tmp_path: Path) -> None:
    outer, inner = tmp_path / "outer", tmp_path / "outer" / "a" / "inner"
    (inner / "deep" / "er").mkdir(parents=True)
    (outer / PROJECT_FILE).write_text("", encoding="utf-8")
    assert find_project_file(outer / "a") == outer / PROJECT_FILE
    (inner / PROJECT_FILE).write_text("", encoding="utf-8")
    assert find_project_file(inner / "deep" / "er") == inner / PROJECT_FILE
    assert locate_project(inner / "deep", environ={}) == Project(inner / PROJECT_FILE, "discovery")
    assert find_project_file(tmp_path) is None
    bundled = locate_project(tmp_path, environ={})
    assert bundled == Project(paths.PROJECT_ROOT / PROJECT_FILE, "bundled")
    home = locate_project(inner, environ={"KG_HOME": str(outer)})  # $KG_HOME wins over discovery
    assert home == Project(outer / PROJECT_FILE, "KG_HOME")


def test_a_found_project_builds_into_its_own_dist_from_any_subfolder_and_flags_win(tmp_path: Path) -> None:
    create_project(tmp_path / "p")
    found = locate_project(tmp_path / "p" / "data" / "articles", environ={})
    settings = found.settings()
    assert settings.dist_dir == tmp_path / "p" / "dist"
    assert settings.articles_dir == tmp_path / "p" / "data" / "articles"
    assert settings.registry_file == tmp_path / "p" / "data" / "registry.yaml"
    flags = found.settings({"dist_dir": Path("out"), "articles_dir": tmp_path / "elsewhere"})
    assert flags.dist_dir == Path("out") and flags.articles_dir == tmp_path / "elsewhere"
    # the bundled project keeps `dist` relative to the working directory, as before
    assert locate_project(tmp_path, environ={}).settings().dist_dir == Path("dist")


def test_outside_any_project_the_bundled_data_is_used_and_stderr_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["status", "--json"]) == 0
    out, err = capsys.readouterr()
    assert f"no kg.toml in {tmp_path} or a folder above it: using the bundled data in {paths.PROJECT_ROOT}" in err
    status = json.loads(out)
    assert status["found_by"] == "bundled" and status["documents"]["curated"] == len(paths.annotation_files())


def test_version_and_verbose_name_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the CLI wiring, once in a subprocess: kg init, then --version names the project found from a subfolder
    env = {k: v for k, v in os.environ.items() if k != "KG_HOME"}
    kg = [sys.executable, "-m", "kg"]
    done = subprocess.run([*kg, "init", "p"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0 and (tmp_path / "p" / "kg.toml").is_file(), done.stderr
    done = subprocess.run([*kg, "--version"], cwd=tmp_path / "p" / "data", env=env, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("kg "), done.stderr
    assert f"project {tmp_path / 'p' / 'kg.toml'} (found from the working folder)" in done.stdout
    monkeypatch.chdir(tmp_path / "p" / "data")
    assert main(["-v", "status"]) == 0
    err = capsys.readouterr().err
    assert err == f"kg status: project {tmp_path / 'p' / 'kg.toml'} (found from the working folder)\n"
    monkeypatch.setenv("KG_HOME", str(tmp_path))  # $KG_HOME wins over the project found here
    assert main(["-v", "status"]) == 0
    assert capsys.readouterr().err == f"kg status: project {tmp_path / 'kg.toml'} (from $KG_HOME)\n"


def test_a_working_folder_that_was_removed_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "gone").mkdir()
    monkeypatch.chdir(tmp_path / "gone")
    (tmp_path / "gone").rmdir()
    assert main(["status"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kg status: error: cannot read the working folder") and len(err.splitlines()) == 1


# --- kg init


def test_init_writes_a_project_that_builds_nothing_yet(tmp_path: Path) -> None:
    done = create_project(tmp_path / "new")
    root = tmp_path / "new"
    assert done.written == (root / "README.md", root / "data" / "registry.yaml", root / "kg.toml")
    assert done.kept == ()
    assert (root / "data" / "articles").is_dir() and not any((root / "data" / "articles").iterdir())
    assert "# new" in (root / "README.md").read_text(encoding="utf-8")
    status = project_status(locate_project(root, environ={}), locate_project(root, environ={}).settings())
    assert status.documents == {"curated": 0, "draft": 0, "unreadable": 0}
    assert [(s.name, s.chunks) for s in status.sources] == [("registry", 1), ("articles", 0)]
    assert status.build.built is None and status.build.stale


def test_init_example_copies_the_bundled_data(tmp_path: Path) -> None:
    create_project(tmp_path / "ex", example=True)
    bundled = sorted(p.relative_to(paths.DATA_DIR) for p in paths.DATA_DIR.rglob("*") if p.is_file())
    copied = sorted(
        p.relative_to(tmp_path / "ex" / "data") for p in (tmp_path / "ex" / "data").rglob("*") if p.is_file()
    )
    assert copied == bundled and Path("registry.yaml") in copied
    for rel in bundled:
        assert (tmp_path / "ex" / "data" / rel).read_bytes() == (paths.DATA_DIR / rel).read_bytes()


def test_init_refuses_a_project_and_keeps_the_files_it_finds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_project(tmp_path / "p")
    before = (tmp_path / "p" / "kg.toml").read_bytes()
    assert main(["init", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err
    refused = f"{tmp_path / 'p'}: already a kg project (it has a kg.toml) — use it as it is, or name another folder"
    assert err == f"kg init: error: {refused}\n"
    assert (tmp_path / "p" / "kg.toml").read_bytes() == before
    # a folder with files of its own (a git repository's README, a registry begun by hand) is fine
    (tmp_path / "q" / "data").mkdir(parents=True)
    (tmp_path / "q" / "README.md").write_text("mine\n", encoding="utf-8")
    (tmp_path / "q" / "data" / "registry.yaml").write_text("people: []\n", encoding="utf-8")
    assert main(["init", str(tmp_path / "q")]) == 0
    assert capsys.readouterr().err.splitlines()[:2] == [
        f"kg init: kept {tmp_path / 'q' / 'README.md'} as it was",
        f"kg init: kept {tmp_path / 'q' / 'data' / 'registry.yaml'} as it was",
    ]
    assert (tmp_path / "q" / "README.md").read_text(encoding="utf-8") == "mine\n"
    assert (tmp_path / "q" / "data" / "registry.yaml").read_text(encoding="utf-8") == "people: []\n"
    assert (tmp_path / "q" / "kg.toml").is_file() and (tmp_path / "q" / "data" / "articles").is_dir()
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "data").write_text("", encoding="utf-8")
    for where in (tmp_path / "notes.txt", tmp_path / "r"):
        with pytest.raises(KGError, match="is not a folder"):
            create_project(where)
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["data"]  # nothing written


# --- kg add


def test_add_copies_the_text_and_writes_the_document_record(tmp_path: Path) -> None:
    create_project(tmp_path / "p")
    articles = tmp_path / "p" / "data" / "articles"
    story = tmp_path / "story.txt"
    story.write_bytes(STORY.encode() + "Ministeri \u00e9\r\n".encode())  # bytes kept as they are, CRLF too
    annotation = add_article(
        articles,
        story,
        {"id": "testville-protest", "language": "en", "title": "Protest: Testville", "url": "https://example.org/1"},
    )
    assert annotation == articles / "testville-protest" / "annotation.yaml"
    assert (articles / "testville-protest" / "article.en.txt").read_bytes() == story.read_bytes()
    text = annotation.read_text(encoding="utf-8")
    assert "# Still to give: publisher, published, curated" in text
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert body == [
        "document:",
        "  id: testville-protest",
        "  title: 'Protest: Testville'",
        "  language: en",
        "  text: article.en.txt",
        "  url: https://example.org/1",
        "events: []",
    ]


def test_a_drafter_fills_the_draft_through_the_seam_the_extractor_will_use(tmp_path: Path) -> None:
    create_project(tmp_path / "p")
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    seen: list[DraftRequest] = []

    def one_protest(request: DraftRequest) -> dict[str, list[object]]:
        seen.append(request)
        return {"events": [{"id": "protest", "type": "protest", "evidence": "a protest outside the town hall"}]}

    annotation = add_article(
        tmp_path / "p" / "data" / "articles", story, {"id": "t", "language": "en"}, draft=one_protest
    )
    assert seen == [
        DraftRequest(
            STORY,
            {"id": "t", "language": "en", "text": "article.en.txt"},
            tmp_path / "p" / "data" / "registry.yaml",
        )
    ]
    text = annotation.read_text(encoding="utf-8")
    assert "# Still to give: title, publisher, published, curated (the day you finish" in text
    assert "events (at least one" not in text  # the drafter gave one
    assert [line for line in text.splitlines() if not line.startswith("#")][-4:] == [
        "events:",
        "  - id: protest",
        "    type: protest",
        "    evidence: a protest outside the town hall",
    ]


@pytest.mark.parametrize(
    ("document", "text", "message"),
    [
        ({"id": "Testville_Protest", "language": "en"}, STORY, "--id: not a kg key: 'Testville_Protest'"),
        ({"id": "a", "language": "fr"}, STORY, "--lang: unknown language 'fr' — use one of id, en"),
        ({"id": "a", "language": "en", "published": "2026-02-30"}, STORY, "--published: "),
        ({"id": "a", "language": "en"}, "\ufeff" + STORY, "starts with a byte-order mark"),
        ({"id": "a", "language": "en"}, " \n", "is empty"),
        ({"id": "taken", "language": "en"}, STORY, "taken: exists already"),
    ],
    ids=["key", "language", "date", "bom", "empty", "taken"],
)
def test_add_refuses_bad_input_in_one_line_and_writes_nothing(
    tmp_path: Path, document: dict[str, str], text: str, message: str
) -> None:
    create_project(tmp_path / "p")
    articles = tmp_path / "p" / "data" / "articles"
    (articles / "taken").mkdir()
    story = tmp_path / "story.txt"
    story.write_text(text, encoding="utf-8")
    with pytest.raises(KGError) as err:
        add_article(articles, story, document)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert [p.name for p in articles.iterdir()] == ["taken"]


def test_add_outside_a_project_refuses_to_write_into_the_bundled_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["add", "story.txt", "--id", "x", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kg add: error: no kg.toml in") and len(err.splitlines()) == 1
    assert not (paths.ARTICLES_DIR / "x").exists()


# --- kg status


CURATED = """document: {id: one, title: One, language: en, text: article.en.txt, publisher: herald,
           published: "2026-03-02", curated: "2026-03-05"}
events:
  - {id: e1, roles: [{role: participant}, {role: target}]}
  - {id: e2}
figures:
  - {id: f1}
claims:
  - {id: c1}
"""
DRAFT = """document: {id: two, title: Two, language: en, text: article.en.txt}
events:
  - {id: e1, roles: [{role: participant}]}
"""
#: what `kg extract` writes: a draft with a curated day, marked by `status: draft`
EXTRACTED = """document: {id: four, title: Four, language: id, text: article.id.txt, curated: "2026-03-05",
           status: draft}
events:
  - {id: e1, rule: trigger-protest, confidence: 0.6}
figures:
  - {id: f1, rule: number-killed}
people:
  - {id: p1, rule: person.new-speaker}
"""


def test_status_counts_curated_and_draft_documents_and_facts_and_sees_a_stale_build(tmp_path: Path) -> None:
    create_project(tmp_path / "p")
    articles = tmp_path / "p" / "data" / "articles"
    for key, yaml in (("one", CURATED), ("two", DRAFT), ("three", "document: [\n"), ("four", EXTRACTED)):
        (articles / key).mkdir()
        (articles / key / "annotation.yaml").write_text(yaml, encoding="utf-8")
    found = locate_project(tmp_path / "p", environ={})
    status = project_status(found, found.settings())
    assert status.documents == {"curated": 1, "draft": 2, "unreadable": 1}
    assert status.drafts == ("four", "two") and len(status.unreadable) == 1 and "three" in status.unreadable[0]
    assert status.facts["events"] == {"curated": 2, "draft": 2}
    assert status.facts["roles"] == {"curated": 2, "draft": 1}
    assert status.facts["figures"] == {"curated": 1, "draft": 1}
    assert status.facts["claims"] == {"curated": 1, "draft": 0}
    assert status.facts["people"] == {"curated": 0, "draft": 1}
    assert [(s.name, s.type, s.chunks) for s in status.sources] == [
        ("registry", "registry", 1),
        ("articles", "articles", 4),
    ]
    assert status.build.built is None and status.build.stale
    dist = tmp_path / "p" / "dist"
    dist.mkdir()
    (dist / "void.ttl").write_text("", encoding="utf-8")
    inputs = [*articles.glob("*/annotation.yaml"), tmp_path / "p" / "data" / "registry.yaml", found.file]
    for f in inputs:
        os.utime(f, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    os.utime(dist / "void.ttl", ns=(2_000_000_000_000_000_000, 2_000_000_000_000_000_000))
    assert project_status(found, found.settings()).build.newer == ()
    os.utime(articles / "two" / "annotation.yaml", ns=(3_000_000_000_000_000_000, 3_000_000_000_000_000_000))
    build = project_status(found, found.settings()).build
    assert build.newer == (str(articles / "two" / "annotation.yaml"),) and build.stale


# --- the README's path for a newcomer


def test_a_newcomer_goes_from_an_empty_folder_to_a_curated_article_and_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    assert main(["init", "myproject"]) == 0
    monkeypatch.chdir(tmp_path / "myproject")
    add = ["add", "../story.txt", "--id", "testville-protest", "--lang", "en", "--title", "Protest in Testville"]
    assert main([*add, "--published", "2026-03-02"]) == 0
    annotation = tmp_path / "myproject" / "data" / "articles" / "testville-protest" / "annotation.yaml"
    assert capsys.readouterr().out == f"{annotation}\n"
    assert main(["validate"]) == 2  # what is left, one line at a time: first the publisher
    assert "document.publisher: required field is missing" in capsys.readouterr().err
    registry = tmp_path / "myproject" / "data" / "registry.yaml"
    text = registry.read_text(encoding="utf-8")
    for old, new in REGISTRY_ENTRIES.items():
        text = text.replace(old, new)
    registry.write_text(text, encoding="utf-8")
    text = annotation.read_text(encoding="utf-8").replace("events: []\n", ONE_EVENT)
    annotation.write_text(text.replace("  text: article.en.txt\n", "  text: article.en.txt\n" + DOCUMENT_FIELDS))
    assert main(["validate"]) == 0, capsys.readouterr().err
    monkeypatch.chdir(tmp_path / "myproject" / "data")  # a command run in a subfolder finds the project
    assert main(["build"]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.splitlines()[-1] == str(tmp_path / "myproject" / "dist" / "void.ttl")
    nt = (tmp_path / "myproject" / "dist" / "kg.nt").read_text(encoding="utf-8")
    assert "Protest outside the Testville town hall" in nt and "testville-protest" in nt
    assert not (tmp_path / "myproject" / "data" / "dist").exists()
    assert main(["status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["documents"] == {"curated": 1, "draft": 0, "unreadable": 0}
    assert status["facts"]["events"] == {"curated": 1, "draft": 0} and status["build"]["stale"] is False
