""" "Did you mean …": the known names closest to a misspelt one, for error hints.

difflib (the standard library) rather than rapidfuzz: the names are field names (a few dozen) and
registry keys (a few thousand at most), a suggestion is only computed for an error a curator is shown,
and candidates are first narrowed to names of about the same length: one lookup among 5,000 random keys
takes ~25 ms (difflib.get_close_matches alone: ~125 ms), which a new dependency would not be worth.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

#: how similar a known name must be to be suggested (difflib's ratio: 2 × matches / total length)
CUTOFF = 0.75
#: how much less similar than the best a second suggestion may be
MARGIN = 0.1
#: most names suggested at once
MOST = 3


def close_names(word: str, known: Iterable[str]) -> list[str]:
    """The known names most similar to `word`, best first (none when nothing is close)."""
    slack = max(2, len(word) // 3)
    near = sorted({k for k in known if abs(len(k) - len(word)) <= slack and k != word})
    matcher = difflib.SequenceMatcher(b=word, autojunk=False)
    scored = []
    for name in near:
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() >= CUTOFF and matcher.quick_ratio() >= CUTOFF:
            scored.append((matcher.ratio(), name))
    scored = sorted((s for s in scored if s[0] >= CUTOFF), key=lambda s: (-s[0], s[1]))
    # a name much worse than the best is noise next to it ('precision' beside 'geo_precision')
    return [name for score, name in scored[:MOST] if score >= scored[0][0] - MARGIN]


def did_you_mean(word: str, known: Iterable[str]) -> str | None:
    """`did you mean 'x'?` (or `'x' or 'y'`), or None when no known name is close to `word`."""
    names = close_names(word, known)
    if not names:
        return None
    return "did you mean " + " or ".join(repr(n) for n in names) + "?"
