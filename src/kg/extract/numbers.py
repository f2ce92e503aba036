"""Numbers and qualifiers in news text: `1.300` (Indonesian) = `1,300` (English) = 1300; number words.

Pure functions over strings; the extractor calls them on the candidates it found, and the property
tests call them on generated text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.lexicon import Lang, Lexicon, load_lexicon

#: a tag of wikitext or HTML right before a number ("<br>30"), to its last character before the ">"
TAG = r"<[A-Za-z/][^<>\n]{0,40}"
#: digits with thousands separators of either language, an optional decimal part, an optional "+"
NUMBER = re.compile(r"(?<![\w.,/])(\d{1,3}(?:[.,]\d{3})+|\d+)(?:([.,])(\d{1,2}))?(\+)?(?![\w/])")


@dataclass(frozen=True)
class Number:
    """A number found in text: its value, where it is, and whether it is a lower bound: a `+` after it (9,900+)
    or a `>` right before it (an infobox's ">150")."""

    value: int
    start: int
    end: int
    plus: bool = False


def parse_digits(text: str, lang: Lang) -> int | None:
    """The integer that `text` writes with digits (`1.300` in Indonesian, `1,300` in English), else None.

    A separator followed by exactly three digits groups thousands in both languages; Indonesian's
    decimal comma and English's decimal point are accepted only before a scale word, so a bare
    `1,5` or `1.5` is no count and returns None.
    """
    m = NUMBER.fullmatch(text.strip())
    if m is None or m.group(2) is not None:
        return None
    digits = m.group(1)
    groups = re.split(r"[.,]", digits)
    if len(groups) > 1 and len({c for c in digits if c in ".,"}) > 1:
        return None  # mixed separators such as 1.300,000 are not a count
    return int("".join(groups))


def parse_words(words: list[str], lex: Lexicon) -> int | None:
    """The value of a run of number words ("dua puluh lima", "twenty-five", "seratus", "three hundred and five").

    Units add up below a hundred ("puluh"/"belas" scale the unit before them), hundreds add to the
    part below a thousand, and a scale of a thousand or more closes the part before it.
    """
    total = hundreds = units = 0
    seen = False
    for raw in words:
        for w in raw.lower().split("-"):
            if w in lex.numbers:
                value = lex.numbers[w]
                if value >= 1000:
                    total += (hundreds + units) * 1000 if hundreds + units else value
                    hundreds = units = 0
                elif value >= 100:
                    hundreds += value
                else:
                    units += value
            elif w in lex.teens:
                units += 10
            elif w in lex.multipliers:
                scale = lex.multipliers[w]
                if scale >= 1000:
                    total += max(hundreds + units, 1) * scale
                    hundreds = units = 0
                elif scale >= 100:
                    hundreds += max(units, 1) * scale
                    units = 0
                else:
                    units = max(units, 1) * scale
            elif w == "and" and seen:
                continue
            else:
                return None
            seen = True
    return total + hundreds + units if seen else None


def find_numbers(text: str, lang: Lang) -> list[Number]:
    """Every count written with digits in `text`, with a scale word after it ("1,5 juta") applied."""
    lex = load_lexicon(lang)
    out: list[Number] = []
    for m in NUMBER.finditer(text):
        whole = m.group(1)
        groups = re.split(r"[.,]", whole)
        value = int("".join(groups))
        end = m.end()
        tail = text[end : end + 12].lower()
        scale_m = re.match(r"\s+([a-z]+)", tail)
        scale = lex.multipliers.get(scale_m.group(1)) if scale_m else None
        if m.group(2) is not None:  # a decimal: only as "1,5 juta" / "1.5 million"
            decimal_sep = "," if lang == "id" else "."
            if scale is None or m.group(2) != decimal_sep or len(groups) > 1:
                continue
            value = round((int(groups[0]) + int(m.group(3)) / 10 ** len(m.group(3))) * scale)
        elif scale is not None and scale >= 1000:
            value *= scale
        # ">150" is a lower bound; "<br>30" (a tag of wikitext or HTML before the number) is not
        sign = text[max(m.start() - 1, 0) : m.start()] == ">" and not re.search(
            TAG + "$", text[max(m.start() - 43, 0) : m.start() - 1]
        )
        plus = m.group(4) is not None or sign
        out.append(Number(value, m.start(), m.end(), plus))
    return out


def parse_qualifier(before: str, lang: Lang) -> tuple[str, int] | None:
    """The qualifier that ends the text `before` a number ("lebih dari", "at least"), with its start offset."""
    lex = load_lexicon(lang)
    low = before.lower()
    # a filler verb may stand between the qualifier and the number ("setidaknya terdapat 33")
    gap = r"(?:\s+(?:" + "|".join(map(re.escape, lex.qualifier_gap)) + "))?" if lex.qualifier_gap else ""
    best: tuple[str, int] | None = None
    for phrase, qualifier in lex.qualifiers.items():
        # a sign ("~250") or an abbreviation ("c. 250") may stand right before the number
        space = r"\s+$" if phrase[-1].isalnum() else r"\s*$"
        m = re.search(r"(?:^|(?<=[\s(,:;]))" + re.escape(phrase) + gap + space, low)
        if m is not None and (best is None or m.start() < best[1]):
            best = (qualifier, m.start())
    return best


def parse_figure_text(text: str, lang: Lang) -> tuple[str, int] | None:
    """(qualifier, value) of a short figure phrase such as "lebih dari 1.300" or "nearly two thousand"."""
    lex = load_lexicon(lang)
    stripped = text.strip()
    nums = find_numbers(stripped, lang)
    if nums:
        n = nums[0]
        if stripped[n.end :].strip():
            return None
        q = parse_qualifier(stripped[: n.start], lang)
        if stripped[: n.start].strip() and q is None:
            return None
        return ("more-than" if n.plus else q[0] if q else "exact"), n.value
    words = stripped.split()
    for i in range(len(words)):
        value = parse_words(words[i:], lex)
        if value is not None:
            head = " ".join(words[:i])
            q = parse_qualifier(head + " ", lang) if head else None
            if head and q is None:
                return None
            return (q[0] if q else "exact"), value
    return None
