"""kg.toml: a project's sources, base IRI, licence and output folder; flags override it; mistakes are one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg import paths
from kg.config import Settings, SourceConfig
from kg.project import ProjectError, load_settings, project_file

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = Path(__file__).parent / "cases" / "mapping" / "minimal"


def test_the_bundled_project_file_gives_the_default_settings() -> None:
    assert project_file() == paths.PROJECT_ROOT / "kg.toml"
    settings = load_settings(file=ROOT / "kg.toml")
    default = Settings()
    assert settings.registry_file == default.registry_file and settings.articles_dir == default.articles_dir
    # the bundled data also holds six UCDP GED rows and the links kg link made of data/links.yaml (the Logang
    # massacre, an article's report and a dataset row's)
    assert [(s.name, s.type) for s in settings.inputs()] == [
        ("registry", "registry"),
        ("articles", "articles"),
        ("ucdp", "ucdp"),
        ("links", "links"),
    ]
    # other registry and articles are read alone: the project's datasets and links are of its own data
    other = load_settings(
        {"articles_dir": MINIMAL / "articles", "registry_file": MINIMAL / "registry.yaml"}, ROOT / "kg.toml"
    )
    assert [s.type for s in other.inputs()] == ["registry", "articles"]
    assert settings.license == default.license and settings.dist_dir == default.dist_dir


def test_the_wheel_bundles_the_project_file() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"kg.toml" = "kg/_bundled/kg.toml"' in text


def _write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "kg.toml"
    f.write_text(text, encoding="utf-8")
    return f


def test_paths_are_relative_to_the_file_and_flags_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_BASE_IRI", raising=False)
    f = _write(
        tmp_path,
        'base = "https://example.org/a/"\ndist = "out"\n'
        '[sources.reg]\ntype = "registry"\npath = "r.yaml"\n[sources.docs]\ntype = "articles"\npath = "docs"\n',
    )
    settings = load_settings(file=f)
    assert settings.base == "https://example.org/a/" and settings.dist_dir == Path("out")
    assert settings.inputs() == (
        SourceConfig("reg", "registry", tmp_path / "r.yaml"),
        SourceConfig("docs", "articles", tmp_path / "docs"),
    )
    flags = load_settings({"base": "https://example.org/b/", "articles_dir": Path("elsewhere")}, file=f)
    assert flags.base == "https://example.org/b/"
    assert flags.inputs()[1] == SourceConfig("docs", "articles", Path("elsewhere"))
    monkeypatch.setenv("KG_BASE_IRI", "https://example.org/env/")
    assert load_settings(file=f).base == "https://example.org/env/"


@pytest.mark.parametrize(
    ("text", "line", "field", "names"),
    [
        ('base = "https://example.org/"\nouput = "dist"\n', 2, "ouput", "base, dist, license, links, sources"),
        ('[sources.a]\ntype = "articles"\npath = "x"\nfolder = "y"\n', 4, "sources.a.folder", "path, type"),
        ('[sources.a]\ntype = "gtd"\npath = "x"\n', 2, "sources.a.type", "acled, articles, gdelt, links, registry"),
    ],
    ids=["top-level key", "source key", "source type"],
)
def test_an_unknown_name_is_one_line_with_file_line_and_valid_names(
    tmp_path: Path, text: str, line: int, field: str, names: str
) -> None:
    f = _write(tmp_path, text)
    with pytest.raises(ProjectError) as err:
        load_settings(file=f)
    message = str(err.value)
    assert message.startswith(f"{f}:{line}: {field}: ") and names in message and "\n" not in message


def test_the_cli_reads_the_project_file_and_refuses_a_bad_one(tmp_path: Path) -> None:
    home = tmp_path / "project"
    home.mkdir()
    for folder in ("ontology", "queries"):
        (home / folder).symlink_to(ROOT / folder)
    (home / "kg.toml").write_text(
        f'base = "https://example.org/p/"\n'
        f'[sources.registry]\ntype = "registry"\npath = "{MINIMAL / "registry.yaml"}"\n'
        f'[sources.articles]\ntype = "articles"\npath = "{MINIMAL / "articles"}"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "KG_HOME": str(home)}
    env.pop("KG_BASE_IRI", None)
    run = [sys.executable, "-m", "kg", "build", "--dist", str(tmp_path / "dist")]
    ok = subprocess.run(run, env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "https://example.org/p/id/" in (tmp_path / "dist" / "kg.nt").read_text(encoding="utf-8")
    (home / "kg.toml").write_text('[sources.x]\ntype = "gtd"\npath = "y"\n', encoding="utf-8")
    bad = subprocess.run(run, env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1, bad.stderr
    assert f"{home / 'kg.toml'}:2: sources.x.type: unknown source type 'gtd'" in bad.stderr
