"""`kg extract` on adversarial texts: one phrase of the rules' vocabulary repeated N times. The work a draft does
must grow linearly with N; it is measured without a clock: by the lines of `kg.extract` Python runs (a loop over
every pair of hits, or over every character of every quote, shows there), and, for the searches that run in C,
by how much text the rule hands its regex. Each text is invented (names of no registry).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from kg.annotation import Annotation, LoadedRegistry, load_registry
from kg.extract import engine
from kg.extract.engine import DraftOptions, extract
from kg.extract.matching import Quoter, _quote_span

REGISTRY = Path(__file__).parent / "cases" / "extract" / "registry.yaml"
HEAD = {"en": "Clashes in Ruritania\n\nRuritania, 6 March 2023 - ", "id": "Bentrokan di Ruritania\n\nRuritania - "}
EXTRACT_DIR = str(Path(engine.__file__).parent)


@pytest.fixture(scope="module")
def registry() -> LoadedRegistry:
    return load_registry(REGISTRY)


def _draft(lang: str, text: str, registry: LoadedRegistry) -> Annotation:
    opts = DraftOptions(lang, dt.date(2023, 3, 6), "adversarial", "article.txt", "wikipedia", "adversarial")  # type: ignore[arg-type]
    return extract(text, registry.registry, opts)


def _lines_run(fn: Callable[[], object]) -> int:
    """How many lines of `kg.extract`'s own code `fn` runs (a loop's every turn counts)."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def top(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(EXTRACT_DIR) else None

    sys.settrace(top)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


#: (lang, the repeated phrase, what ends the text): the patterns that were quadratic, and neighbours of theirs
PATTERNS = {
    "claimed, one sentence": ("en", "Ruritania Liberation Front claimed responsibility, ", "and left."),
    "mengklaim, one sentence": ("id", "Front Pembebasan Ruritania mengklaim bertanggung jawab, ", "lalu pergi."),
    "said": ("en", "John Smith said rebels attacked the village. ", ""),
    "antara": ("id", "bentrokan antara warga desa Sukamaju dan polisi. ", ""),
    "names one a line": ("en", "\nPerpetrators\n" + "", ""),
}
PATTERNS["names one a line"] = ("en", "Ruritania Liberation Front\n", "")


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_lines_run_grow_linearly(name: str, registry: LoadedRegistry) -> None:
    lang, unit, tail = PATTERNS[name]
    sizes = (60, 120, 240)
    lines = [_lines_run(lambda n=n: _draft(lang, HEAD[lang] + unit * n + tail, registry)) for n in sizes]
    # linear: twice the text, about twice the lines (a quadratic loop was 3-4 times at these sizes)
    assert lines[2] / lines[1] < 2.3, lines
    assert lines[1] / lines[0] < 2.3, lines


class _Recording:
    """A compiled regex whose searches and matches record how much text each was handed."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.spans: list[int] = []

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        self.spans.append(min(endpos, len(text)) - pos)
        return self.pattern.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        m = self.pattern.match(text, pos, endpos)
        self.spans.append(0 if m is None else m.end() - pos)
        return m


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], _Recording]]:
    def record(attribute: str) -> _Recording:
        rec = _Recording(getattr(engine, attribute))
        monkeypatch.setattr(engine, attribute, rec)
        return rec

    yield record


def _text_handed(record: Callable[[str], _Recording], attribute: str, draft: Callable[[int], Annotation]) -> list[int]:
    totals = []
    for n in (100, 200, 400):
        rec = record(attribute)
        draft(n)
        assert rec.spans, f"{attribute} was not used"
        totals.append(sum(rec.spans))
    return totals


def test_new_speaker_is_looked_for_in_the_last_words(
    recording: Callable[[str], _Recording], registry: LoadedRegistry
) -> None:
    """The name before each of N reporting verbs of one sentence: each search reads the verb's last words, not
    the sentence from its start (N searches of up to the whole sentence were quadratic)."""
    unit = "Ruritania Liberation Front claimed responsibility, "
    totals = _text_handed(recording, "_SPEAKER_BEFORE", lambda n: _draft("en", HEAD["en"] + unit * n + ".", registry))
    assert totals[2] / totals[1] < 2.3 and totals[1] / totals[0] < 2.3, totals


def test_a_possessive_name_is_looked_for_once_per_run_of_capitals(
    recording: Callable[[str], _Recording], registry: LoadedRegistry
) -> None:
    """N capitalised words one after the other, then a possessive and an organiser's phrase: the run is read once,
    not once from each of its capitals; the organiser is still found."""
    text = "{}and Budi Santoso's supporters had called for protests in the capital.\n"

    def draft(n: int) -> Annotation:
        return _draft("en", HEAD["en"] + text.format("Ruritania Liberation Front\n" * n), registry)

    totals = _text_handed(recording, "_CAPITALISED_RUN_RE", draft)
    assert totals[2] / totals[1] < 2.3 and totals[1] / totals[0] < 2.3, totals
    opts = DraftOptions("en", dt.date(2023, 3, 6), "adversarial", "article.txt", "wikipedia", "adversarial")
    found = engine._Draft(HEAD["en"] + text.format("Ruritania Liberation Front\n" * 50), registry.registry, opts)
    assert [rule for _, _, _, rule in found.organisers()] == ["role.organiser"]


POSSESSIVE = re.compile(
    rf"{engine._CAPITALISED_RUN}['’]s(?:\s+(?-i:[a-z])[\w-]*){{1,2}}(?:\s+(?:had|has|have))?\s+(?:called for)\b"
)


@pytest.mark.parametrize(
    "text",
    [
        "Budi Santoso's supporters had called for protests.",
        "McDonald's workers called for a strike; mcDonald's staff called for more. Ali's men called for Budi's men "
        "called for calm",
        "A B C D\nE F's fans have called for it, G H's fans called for it",
        "Nobody's fans called for it. X Y Z's fans  called for it X's a called for",
        "No match Here At All's end",
    ],
)
def test_finditer_runs_finds_what_finditer_finds(text: str) -> None:
    """The matches of `finditer_runs` are those of `re.finditer`, in order, for the organisers' possessive."""
    expected = [(m.span(), m.group()) for m in POSSESSIVE.finditer(text)]
    found = [(m.span(), m.group()) for m in engine.finditer_runs(POSSESSIVE, engine._CAPITALISED_RUN_RE, text)]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("aXaXa, aXa and aXaXaXa", ["aXa", "aXaXa", "Xa"]),
        ("said it. said it. said it.", ["said it", "it. said", "said it. said it"]),
        ("no repeat here", ["repeat"]),
    ],
)
def test_quotes_number_every_occurrence_as_they_are_found(text: str, phrases: list[str]) -> None:
    """A quote that occurs more than once names its occurrence, overlapping ones counted ("aXa" in "aXaXa")."""
    quote = Quoter(text)
    for phrase in phrases:
        for start in [m.start() for m in re.finditer(f"(?={re.escape(phrase)})", text)]:
            q = quote(start, start + len(phrase))
            assert _quote_span(q, text) == (start, start + len(phrase)), (phrase, start, q)


def test_quotes_of_one_long_sentence_are_linear() -> None:
    """N quotes, each the rest of one long sentence: numbering them reads each once with `str.find`, no loop in
    Python over their characters (a prefix-function loop over every quote was quadratic)."""
    unit = "Ruritania Liberation Front claimed responsibility, "

    def quote_all(n: int) -> None:
        text = unit * n + "and left."
        quote = Quoter(text)
        for i in range(n):
            assert quote(i * len(unit), len(text)) == text[i * len(unit) : -1]  # each once (no final stop)

    lines = [_lines_run(lambda n=n: quote_all(n)) for n in (100, 200, 400)]
    assert lines[2] / lines[1] < 2.3 and lines[1] / lines[0] < 2.3, lines
