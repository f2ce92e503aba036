"""Property tests of how `kg extract` reads numbers and qualifiers in user text (Indonesian and English).

The texts are generated here, from the number, with formatters written for the test (thousands
separators of each language, number words), and the parser must give the number back.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extract.lexicon import load_lexicon
from kg.extract.numbers import find_numbers, parse_digits, parse_figure_text, parse_words

COUNTS = st.integers(min_value=0, max_value=10**9)

# qualifiers as a reader of each language writes them, and the kg qualifier each one means
QUALIFIERS_ID = {"lebih dari": "more-than", "sekitar": "about", "hampir": "about", "sedikitnya": "at-least"}
QUALIFIERS_EN = {"more than": "more-than", "at least": "at-least", "nearly": "about", "about": "about"}

ONES_EN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS_EN = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS_EN = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ONES_ID = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]


def grouped(n: int, sep: str) -> str:
    """n with a thousands separator: 1300 → 1.300 or 1,300."""
    return f"{n:,}".replace(",", sep)


def words_en(n: int) -> str:
    """English number words for 0 ≤ n < 1,000,000 (British 'and' after hundreds)."""

    def below_1000(k: int) -> list[str]:
        out: list[str] = []
        if k >= 100:
            out += [ONES_EN[k // 100], "hundred"]
            k %= 100
            if k:
                out.append("and")
        if k >= 20:
            out.append(TENS_EN[k // 10] + (f"-{ONES_EN[k % 10]}" if k % 10 else ""))
        elif k >= 10:
            out.append(TEENS_EN[k - 10])
        elif k or not out:
            out.append(ONES_EN[k])
        return out

    if n >= 1000:
        rest = n % 1000
        return " ".join([*below_1000(n // 1000), "thousand", *(below_1000(rest) if rest else [])])
    return " ".join(below_1000(n))


def words_id(n: int) -> str:
    """Indonesian number words for 0 ≤ n < 1,000,000 (se- for one hundred and one thousand, belas, puluh)."""

    def below_1000(k: int) -> list[str]:
        out: list[str] = []
        if k >= 100:
            out.append("seratus" if k // 100 == 1 else f"{ONES_ID[k // 100]} ratus")
            k %= 100
        if k >= 20:
            out.append(f"{ONES_ID[k // 10]} puluh")
            k %= 10
            if k:
                out.append(ONES_ID[k])
        elif k >= 12:
            out.append(f"{ONES_ID[k - 10]} belas")
        elif k == 11:
            out.append("sebelas")
        elif k == 10:
            out.append("sepuluh")
        elif k or not out:
            out.append(ONES_ID[k])
        return out

    if n >= 1000:
        rest = n % 1000
        head = ["seribu"] if n // 1000 == 1 else [*below_1000(n // 1000), "ribu"]
        return " ".join([*head, *(below_1000(rest) if rest else [])])
    return " ".join(below_1000(n))


@given(COUNTS)
def test_indonesian_dots_and_english_commas_group_thousands(n: int) -> None:
    assert parse_digits(grouped(n, "."), "id") == n
    assert parse_digits(grouped(n, ","), "en") == n
    assert parse_digits(str(n), "id") == n


@given(COUNTS, st.sampled_from(sorted(QUALIFIERS_ID)))
def test_indonesian_qualifier_and_number(n: int, phrase: str) -> None:
    assert parse_figure_text(f"{phrase} {grouped(n, '.')}", "id") == (QUALIFIERS_ID[phrase], n)


@given(COUNTS, st.sampled_from(sorted(QUALIFIERS_EN)))
def test_english_qualifier_and_number(n: int, phrase: str) -> None:
    assert parse_figure_text(f"{phrase} {grouped(n, ',')}", "en") == (QUALIFIERS_EN[phrase], n)
    assert parse_figure_text(f"{grouped(n, ',')}+", "en") == ("more-than", n)


@given(st.integers(min_value=0, max_value=999_999))
def test_number_words_in_both_languages(n: int) -> None:
    assert parse_words(words_en(n).split(), load_lexicon("en")) == n
    assert parse_words(words_id(n).split(), load_lexicon("id")) == n


@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(sorted(QUALIFIERS_ID)))
def test_qualified_number_words(n: int, phrase: str) -> None:
    assert parse_figure_text(f"{phrase} {words_id(n)}", "id") == (QUALIFIERS_ID[phrase], n)


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=1, max_value=9))
def test_decimal_before_a_scale_word(whole: int, tenth: int) -> None:
    assert [n.value for n in find_numbers(f"{whole},{tenth} juta orang", "id")] == [(whole * 10 + tenth) * 100_000]
    assert [n.value for n in find_numbers(f"{whole}.{tenth} million people", "en")] == [(whole * 10 + tenth) * 100_000]


@given(st.text(max_size=200), st.sampled_from(["id", "en"]))
def test_any_text_parses_without_error(text: str, lang: str) -> None:
    for n in find_numbers(text, lang):  # type: ignore[arg-type]
        assert n.value >= 0 and 0 <= n.start < n.end <= len(text)
    parse_figure_text(text, lang)  # type: ignore[arg-type]
    parse_digits(text, lang)  # type: ignore[arg-type]


def test_a_separator_that_is_no_thousands_group_is_no_count() -> None:
    assert parse_digits("1.5", "en") is None
    assert parse_digits("1.300,000", "en") is None
    assert find_numbers("1,5 orang", "id") == []


# --------------------------------------------------------------------------------------------------
# any text made of the lexicons' words drafts to an annotation that kg loads


def _words(lang: str) -> list[str]:
    lex = load_lexicon(lang)  # type: ignore[arg-type]
    return sorted(
        {*lex.triggers, *lex.qualifiers, *lex.groups, *lex.facilities, *lex.reporting_verbs, *lex.relative_dates}
        | {*lex.months, *lex.weekdays, *lex.numbers, *lex.attend_markers, *lex.chair_verbs, *lex.venues}
        | {"Tokayev", "Putin", "Kazakhstan", "Almaty", "Rusia", "1.300", "1,300", "16", "9,900+", "(10/01/2022)"}
        | {'"', ",", ".", "\n", ":", "bahwa", "that", "he", "ia", "di", "in", "2022"}
    )


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["id", "en"]), st.data())
def test_any_text_of_lexicon_words_drafts_to_a_loadable_annotation(lang: str, data: st.DataObject) -> None:
    import datetime as dt
    import tempfile
    from pathlib import Path

    from kg.extract.draft import check_draft
    from kg.extract.engine import DraftOptions, extract

    registry = _registry()
    vocabulary = data.draw(st.lists(st.sampled_from(_words(lang)), min_size=1, max_size=12, unique=True))
    words = data.draw(st.lists(st.sampled_from(vocabulary), min_size=1, max_size=60))  # words recur, as in news
    text = "Judul\n" + " ".join(words)
    opts = DraftOptions(lang, dt.date(2022, 1, 10), "fuzz", "article.txt", "voa", "Judul")  # type: ignore[arg-type]
    ann = extract(text, registry.registry, opts)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "article.txt").write_text(text, encoding="utf-8")
        check_draft(ann, Path(tmp) / "annotation.yaml", registry)  # raises if the draft is not a valid annotation


_REGISTRY: list[object] = []


def _registry() -> Any:
    from pathlib import Path

    from kg.annotation import load_registry

    if not _REGISTRY:
        _REGISTRY.append(load_registry(Path(__file__).parents[1] / "data" / "registry.yaml"))
    return _REGISTRY[0]


# pieces of wikitext and of plain text, for the blanking of wiki markup (session 13)
WIKI_PIECES = st.sampled_from(
    [
        "<ref>",
        "</ref>",
        "<ref>{{cite web|title=a\nb}}</ref>",
        "<!-- a\nb -->",
        '<ref name="a" />',
        "{{cite news|title=x}}",
        "{{",
        "}}",
        "[[",
        "]]",
        "|",
        "<!--",
        "-->",
        "<br />",
        "'''",
        "\n",
        " ",
        "Strelsau",
        "5 orang",
    ]
)


@given(st.lists(st.one_of(WIKI_PIECES, st.text(max_size=8)), max_size=40))
def test_blanking_wiki_markup_keeps_every_offset_and_line(pieces: list[str]) -> None:
    """The text the rules read has the written text's length and line breaks, and every character of it is the
    written one or a space: so every evidence span of a draft quotes the text as written."""
    from kg.extract.engine import _without_wiki_links, _without_wiki_notes

    text = "".join(pieces)
    read = _without_wiki_links(_without_wiki_notes(text))
    assert len(read) == len(text)
    assert all(a == b or (b == " " and a != "\n") for a, b in zip(text, read, strict=True))
    assert [i for i, c in enumerate(text) if c == "\n"] == [i for i, c in enumerate(read) if c == "\n"]
