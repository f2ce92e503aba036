"""Every error of a file in one run: gathered, sorted by line, capped, with "did you mean" for misspelt names."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest

from kg.annotation import load_corpus, load_registry
from kg.cli import MAX_ERRORS_SHOWN, main
from kg.errors import AnnotationError, AnnotationErrors
from kg.suggest import close_names

CASES = Path(__file__).parent / "cases"
ALL = CASES / "all_errors"
MINIMAL = CASES / "mapping" / "minimal"
NAMES = sorted(p.name for p in ALL.iterdir() if p.is_dir())


def _annotations(case: Path) -> list[Path]:
    return sorted((case / "articles").glob("*/annotation.yaml"))


@pytest.mark.parametrize("name", NAMES)
def test_every_mistake_is_one_error(name: str) -> None:
    case = ALL / name
    expected = json.loads((case / "expected.json").read_text())["errors"]
    with pytest.raises(AnnotationErrors) as info:
        load_corpus(MINIMAL / "registry.yaml", _annotations(case))
    got = info.value.errors
    assert [(e.line, e.field) for e in got] == [(x["line"], x["field"]) for x in expected], info.value
    for error, want in zip(got, expected, strict=True):
        assert want["message"] in error.message, error.render()
        if "hint" in want:
            assert want["hint"] in (error.hint or ""), error.render()


def test_cli_prints_every_error_once_in_line_order(capsys: pytest.CaptureFixture[str]) -> None:
    case = ALL / "five-mistakes"
    code = main(["validate", "--registry", str(MINIMAL / "registry.yaml"), *map(str, _annotations(case))])
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert code == 2
    assert len(lines) == 5, err
    assert all(line.startswith("kg validate: error: ") and "annotation.yaml:" in line for line in lines), err
    numbers = [int(line.split("annotation.yaml:")[1].split(":")[0]) for line in lines]
    assert numbers == sorted(numbers)
    assert "did you mean 'testville'?" in lines[1]


def test_many_errors_are_capped_with_a_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(MINIMAL / "articles", articles)
    annotation = next(articles.glob("*/annotation.yaml"))
    extra = MAX_ERRORS_SHOWN + 5
    text = annotation.read_text()
    text = text.replace(
        "    precision: day\n", "    precision: day\n" + "".join(f"    x{i}: 1\n" for i in range(extra))
    )
    annotation.write_text(text)
    code = main(["validate", "--registry", str(MINIMAL / "registry.yaml"), str(annotation)])
    lines = capsys.readouterr().err.splitlines()
    assert code == 2
    assert len(lines) == MAX_ERRORS_SHOWN + 1
    assert lines[-1] == f"kg validate: error: … and 5 more error(s) in {annotation}"


def test_what_follows_from_a_value_left_out_is_not_reported_again(tmp_path: Path) -> None:
    """A claim with a bad text is reported once, and the figure that rests on it adds no 'unknown entity';
    an event's bad label is reported once, without 'a report that declares its event needs `label`'."""
    articles = tmp_path / "articles"
    shutil.copytree(MINIMAL / "articles", articles)
    annotation = next(articles.glob("*/annotation.yaml"))
    text = annotation.read_text().replace("    text: {en: More than", "    text: 5\n    x: {en: More than")
    text = text.replace("    label: {en: Rally in Testville, id: Unjuk rasa di Kota Uji}", "    label: 5")
    annotation.write_text(text)
    with pytest.raises(AnnotationErrors) as info:
        load_corpus(MINIMAL / "registry.yaml", [annotation])
    assert [e.field for e in info.value.errors] == ["events.0.label", "claims.0.text", "claims.0.x"], info.value


def test_registry_errors_are_gathered(tmp_path: Path) -> None:
    registry = tmp_path / "registry.yaml"
    text = (MINIMAL / "registry.yaml").read_text()
    text = text.replace("within: testland", "within: testlnd").replace("of: republic-of-testland", "off: x")
    registry.write_text(text)
    with pytest.raises(AnnotationErrors) as info:
        load_registry(registry)
    errors = info.value.errors
    assert [e.field for e in errors] == ["places.1.within", "positions.0.of", "positions.0.off"], info.value
    assert "did you mean 'testland'?" in (errors[0].hint or "")
    assert "did you mean 'of'?" in (errors[2].hint or "")


def test_one_error_stays_a_plain_annotation_error(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(MINIMAL / "articles", articles)
    annotation = next(articles.glob("*/annotation.yaml"))
    annotation.write_text(annotation.read_text().replace("location: testville", "location: nowhere"))
    with pytest.raises(AnnotationError) as info:
        load_corpus(MINIMAL / "registry.yaml", [annotation])
    assert type(info.value) is AnnotationError
    assert info.value.field == "events.0.location"
    assert "did you mean" not in info.value.render()  # nothing known is close to 'nowhere'


def test_gathered_errors_survive_a_worker_process() -> None:
    """The build maps chunks in worker processes, which send errors back pickled."""
    errors = AnnotationErrors(
        [AnnotationError("a", file="f.yaml", line=1), AnnotationError("b", file="f.yaml", line=2)]
    )
    back = pickle.loads(pickle.dumps(errors))
    assert [str(e) for e in back.errors] == ["f.yaml:1: a", "f.yaml:2: b"]


def test_close_names() -> None:
    assert close_names("vladimir-putn", ["vladimir-putin", "vladimir-zelensky", "putin"]) == ["vladimir-putin"]
    assert close_names("colour", ["label", "date", "type"]) == []
    assert close_names("label", ["label"]) == []  # the name itself is not a suggestion
