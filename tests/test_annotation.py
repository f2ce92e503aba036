"""The annotation loader: every kind of bad input gives one clear error; property tests for parsers."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.annotation import (
    QuoteRef,
    load_corpus,
    locate_quote,
    parse_date,
    read_yaml,
)
from kg.cli import main
from kg.errors import AnnotationError

CASES = Path(__file__).parent / "cases"
BAD = CASES / "bad_input"
MINIMAL = CASES / "mapping" / "minimal"
BAD_CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())


def _case_inputs(name: str) -> tuple[Path, Path, dict[str, object]]:
    case = BAD / name
    registry = case / "registry.yaml" if (case / "registry.yaml").exists() else MINIMAL / "registry.yaml"
    return case / "articles", registry, json.loads((case / "expected.json").read_text())


@pytest.mark.parametrize("name", BAD_CASES)
def test_bad_input_is_one_clear_error(name: str) -> None:
    articles, registry, expected = _case_inputs(name)
    with pytest.raises(AnnotationError) as info:
        load_corpus(registry, sorted(articles.glob("*/annotation.yaml")))
    err = info.value
    assert err.file is not None and Path(err.file).name == expected["file"]
    if "line" in expected:
        assert err.line == expected["line"], err.render()
    if "field" in expected:
        assert err.field == expected["field"], err.render()
    assert str(expected["message"]) in err.message, err.render()
    assert "\n" not in err.render()


@pytest.mark.parametrize("name", BAD_CASES)
def test_bad_input_cli_exit_2_no_traceback_dist_untouched(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    articles, registry, expected = _case_inputs(name)
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "kg.ttl").write_text("previous build\n")
    code = main(["build", "--articles", str(articles), "--registry", str(registry), "--dist", str(dist)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert expected["file"] in lines[0]
    if "line" in expected:
        assert f"{expected['file']}:{expected['line']}:" in lines[0]
    if "field" in expected:
        assert str(expected["field"]) in lines[0]
    assert sorted(p.name for p in dist.iterdir()) == ["kg.ttl"]
    assert (dist / "kg.ttl").read_text() == "previous build\n"


def test_missing_registry_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--registry", str(tmp_path / "nope.yaml")])
    assert code == 2
    assert "nope.yaml: file not found" in capsys.readouterr().err


def test_every_bad_input_kind_of_the_issue_has_a_case() -> None:
    kinds = {
        "malformed-yaml",
        "unknown-field",
        "missing-field",
        "impossible-date",
        "negative-count",
        "quote-not-in-article",
        "unknown-entity",
        "missing-article-file",
    }
    assert kinds <= set(BAD_CASES)


# ---------------------------------------------------------------------------------------- dates

PRECISION_FORMATS = {
    "day": "%Y-%m-%d",
    "days": "%Y-%m-%d",
    "week": "%Y-%m-%d",
    "month": "%Y-%m",
    "year": "%Y",
    "start-of-year": "%Y",
}


@given(
    st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)), st.sampled_from(sorted(PRECISION_FORMATS))
)
def test_parse_date_round_trips(day: dt.date, precision: str) -> None:
    text = day.strftime(PRECISION_FORMATS[precision])
    parsed = parse_date(text, precision)  # type: ignore[arg-type]
    assert parsed.start.strftime(PRECISION_FORMATS[precision]) == text
    assert parsed.start <= day


@given(st.text(max_size=20), st.sampled_from(sorted(PRECISION_FORMATS)))
def test_parse_date_only_raises_value_error(text: str, precision: str) -> None:
    try:
        parsed = parse_date(text, precision)  # type: ignore[arg-type]
    except ValueError as exc:
        assert str(exc)
    else:
        assert parsed.start.strftime(PRECISION_FORMATS[precision]) == text.strip()


# ---------------------------------------------------------------------------------------- quotes


@given(st.text(min_size=1, max_size=200), st.data())
def test_locate_quote_offsets_are_exact(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    occurrences = [i for i in range(len(text)) if text.startswith(quote, i)]
    if quote != quote.strip() or not quote.strip():
        with pytest.raises(ValueError):
            locate_quote(text, quote)
        return
    occurrence = occurrences.index(occurrences[0]) + 1
    span = locate_quote(text, QuoteRef(quote=quote, occurrence=occurrence))
    assert text[span.start : span.end] == quote
    assert span.start == occurrences[0]
    if len(occurrences) > 1:
        with pytest.raises(ValueError, match="occurs"):
            locate_quote(text, quote)
    else:
        assert locate_quote(text, quote) == span


@given(st.text(max_size=200), st.text(min_size=1, max_size=20))
def test_locate_quote_never_invents_a_span(text: str, quote: str) -> None:
    try:
        span = locate_quote(text, QuoteRef(quote=quote, occurrence=1))
    except ValueError:
        assert quote not in text or quote != quote.strip() or not quote.strip()
    else:
        assert text[span.start : span.end] == quote


# ---------------------------------------------------------------------------------------- YAML


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_read_yaml_only_raises_annotation_error(tmp_path: Path, text: str) -> None:
    f = tmp_path / "x.yaml"
    f.write_text(text, encoding="utf-8")
    try:
        read_yaml(f)
    except AnnotationError as exc:
        assert exc.file == str(f)
        assert "\n" not in exc.render()


FIELD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**6),
    st.text(max_size=30),
    st.lists(st.text(max_size=10), max_size=3),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=2),
)


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    section=st.sampled_from(["events", "figures", "claims"]),
    key=st.sampled_from(
        ["id", "date", "value", "qualifier", "location", "evidence", "speaker", "type", "precision", "roles"]
    ),
    value=FIELD_VALUES,
)
def test_mutated_annotation_loads_or_fails_cleanly(tmp_path: Path, section: str, key: str, value: object) -> None:
    """Any value put in any field either loads or gives an AnnotationError naming the file."""
    from ruamel.yaml import YAML

    work = tmp_path / "articles"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(MINIMAL / "articles", work)
    ann = work / "testville-2023-03-03" / "annotation.yaml"
    yaml = YAML(typ="safe")
    data = yaml.load(ann.read_text())
    data[section][0][key] = value
    with ann.open("w") as fh:
        yaml.dump(data, fh)
    try:
        corpus = load_corpus(MINIMAL / "registry.yaml", [ann])
    except AnnotationError as exc:
        assert exc.file is not None
        assert "\n" not in exc.render()
    else:
        assert corpus.articles[0].key == "testville-2023-03-03"
