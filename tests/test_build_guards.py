"""No silent empty build: a wrong articles folder is refused, and so is a build that would shrink dist/ by half."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.cli import main

MINIMAL = Path(__file__).parent / "cases" / "mapping" / "minimal"
REGISTRY = MINIMAL / "registry.yaml"
ARTICLE = MINIMAL / "articles" / "testville-2023-03-03"


def _articles(folder: Path, copies: int) -> Path:
    """`copies` copies of the minimal article, each a document of its own."""
    for n in range(copies):
        key = f"testville-2023-03-1{n}"
        shutil.copytree(ARTICLE, folder / key)
        annotation = folder / key / "annotation.yaml"
        annotation.write_text(annotation.read_text().replace("id: testville-2023-03-03", f"id: {key}"))
    return folder


def _build(articles: Path, dist: Path, *extra: str) -> int:
    return main(["build", "--articles", str(articles), "--registry", str(REGISTRY), "--dist", str(dist), *extra])


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("missing", "articles: no such folder; expected a folder of article folders"),
        ("empty", "articles: the folder holds no article; expected a folder of article folders"),
        ("one-article", "articles: this is one article's folder; expected a folder of article folders"),
    ],
)
def test_a_wrong_articles_folder_is_refused(
    where: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folders = {
        "missing": tmp_path / "nowhere",
        "empty": tmp_path / "empty",
        "one-article": _articles(tmp_path / "articles", 1) / "testville-2023-03-10",
    }
    (tmp_path / "empty").mkdir()
    dist = tmp_path / "dist"
    assert _build(folders[where], dist) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kg build: error: {folders[where]}: {expected}"), err
    assert len(err.splitlines()) == 1
    assert not dist.exists()


def test_one_article_folder_names_its_parent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _articles(tmp_path / "articles", 1) / "testville-2023-03-10"
    assert _build(folder, tmp_path / "dist") == 2
    assert f"give its parent folder ({folder.parent.resolve()})" in capsys.readouterr().err


def test_a_build_that_halves_dist_asks_for_allow_shrink(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dist = tmp_path / "dist"
    assert _build(_articles(tmp_path / "three", 3), dist) == 0
    before = (dist / "kg.nt").read_bytes()
    capsys.readouterr()
    one = _articles(tmp_path / "one", 1)
    assert _build(one, dist) == 2
    err = capsys.readouterr().err
    assert "less than half of the" in err and "--allow-shrink" in err, err
    assert (dist / "kg.nt").read_bytes() == before
    assert _build(one, dist, "--allow-shrink") == 0
    assert len((dist / "kg.nt").read_bytes()) < len(before) / 2


def test_a_dist_without_the_cache_is_still_guarded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without the build cache, the previous size is counted from dist/kg.nt itself."""
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "kg.nt").write_bytes(b"<urn:x> <urn:p> <urn:o> .\n" * 1000)
    assert _build(_articles(tmp_path / "one", 1), dist) == 2
    assert "less than half of the 1000 in" in capsys.readouterr().err
