"""Curated link decisions (`links.yaml`): accepted and rejected pairs of reports, with who, when and why.

They win over the scorer and survive re-runs: an accepted pair is linked whatever its score, a
rejected one never. Reports are named by their key, the part of the IRI after `id/report/`.

```yaml
links:
  - {a: doc-1/unrest, b: doc-2/riots, decision: accepted, who: A. Curator, when: 2026-12-07,
     why: "same riot: same day and city, same figures"}
```
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kg.errors import KGError

#: the file's name at a project's root when no other is given
DEFAULT_FILE = "links.yaml"


class LinkDecisionError(KGError):
    """A curated link decision in links.yaml is malformed or names an unknown report."""


class CuratedLink(BaseModel):
    """One curated decision on a pair of reports."""

    model_config = ConfigDict(extra="forbid", strict=True)

    a: str = Field(description="key of one report (its IRI after id/report/)")
    b: str = Field(description="key of the other report")
    decision: Literal["accepted", "rejected"] = Field(description="whether the two are reports of one event")
    who: str = Field(min_length=1, description="who decided")
    when: dt.date = Field(description="the day it was decided (YYYY-MM-DD)")
    why: str = Field(min_length=1, description="why, in a sentence")

    @field_validator("when", mode="before")
    @classmethod
    def _day(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"not a day YYYY-MM-DD: {value!r}") from None
        return value


class LinksFile(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid", strict=True)

    links: list[CuratedLink] = Field(default_factory=list)


@dataclass(frozen=True)
class Curated:
    """A decision with the IRIs of its reports and where it was written."""

    a: str  # report IRI, the smaller
    b: str
    link: CuratedLink
    file: str
    line: int | None


def read_yaml(file: Path) -> dict[str, Any]:
    """The file's data (with kg's bounded YAML reader)."""
    data, _ = _read(file)
    return data


def _read(file: Path) -> tuple[dict[str, Any], Mapping[tuple[str | int, ...], int]]:
    from kg.annotation import read_yaml as read_bounded
    from kg.errors import AnnotationError

    try:
        data, lines = read_bounded(file)
    except AnnotationError as exc:
        raise LinkDecisionError(exc.message, file=exc.file, line=exc.line, field=exc.field, hint=exc.hint) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise LinkDecisionError("expected a mapping with a `links:` list", file=file, line=1, field="(top level)")
    return data, lines


def _line(lines: Mapping[tuple[str | int, ...], int], path: Sequence[str | int]) -> int | None:
    for n in range(len(path), -1, -1):
        found = lines.get(tuple(path[:n]))
        if found is not None:
            return found
    return None


def load_decisions(file: Path, base: str, reports: Collection[str]) -> list[Curated]:
    """Read links.yaml; every error is one line naming file, line and field."""
    data, lines = _read(file)
    try:
        parsed = LinksFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        message = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
        if err["type"] == "missing":
            message = "required field is missing"
        raise LinkDecisionError(
            message, file=file, line=_line(lines, loc), field=".".join(str(p) for p in loc) or "(top level)"
        ) from None
    out: list[Curated] = []
    seen: dict[tuple[str, str], int] = {}
    for i, link in enumerate(parsed.links):
        iris = []
        for side in ("a", "b"):
            key = getattr(link, side)
            iri = f"{base}id/report/{key}"
            if iri not in reports:
                raise LinkDecisionError(
                    f"no report {key!r} in the graph",
                    file=file,
                    line=_line(lines, ("links", i, side)),
                    field=f"links.{i}.{side}",
                    hint="name a report by its key, the part of its IRI after id/report/",
                )
            iris.append(iri)
        a, b = sorted(iris)
        line = _line(lines, ("links", i))
        if a == b:
            raise LinkDecisionError("a report is linked to itself", file=file, line=line, field=f"links.{i}.b")
        if (a, b) in seen:
            raise LinkDecisionError(
                f"the pair is decided twice (first at line {seen[(a, b)]})", file=file, line=line, field=f"links.{i}"
            )
        seen[(a, b)] = line or 0
        out.append(Curated(a, b, link, str(file), line))
    return out
