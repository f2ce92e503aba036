"""A project's `kg.toml`: its sources, base IRI, licence and output folder, read into Settings.

Paths in the file are relative to its folder, except `dist`, relative to the working directory
(as `--dist` is). Precedence: command-line flags, then $KG_BASE_IRI for the base, then the file,
then the built-in defaults. An unknown key or source type is one error naming the file, the line
and the valid names.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kg import paths
from kg.config import PATH_FIELDS, Settings, SourceConfig
from kg.errors import KGError

#: The project file's name, at the project's root.
PROJECT_FILE = "kg.toml"

#: top-level keys → what each holds
TOP_KEYS = {
    "base": "base IRI of the published data (ends in '/')",
    "license": "licence IRI of the published dumps",
    "dist": "output folder",
    "sources": "the inputs, one table per source",
}
#: keys of a [sources.NAME] table
SOURCE_KEYS = ("type", "path")


class ProjectError(KGError):
    """The project file is malformed or names something kg does not know."""


def project_file(root: Path | None = None) -> Path:
    """The kg.toml of a project folder (the bundled project by default)."""
    return (root or paths.PROJECT_ROOT) / PROJECT_FILE


def _line_of(text: str, table: str | None, key: str) -> int | None:
    """The line of `key` in `[table]` (or at the top level), found by reading the file's lines."""
    current: str | None = None
    pattern = re.compile(rf'^\s*("{re.escape(key)}"|{re.escape(key)})\s*=')
    for n, line in enumerate(text.splitlines(), 1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = header.group(1).replace('"', "").replace(" ", "")
            if table == "sources" and current == f"sources.{key}":
                return n
            continue
        if current == table and pattern.match(line):
            return n
    return None


def _unknown(file: Path, text: str, table: str | None, key: str, valid: Iterable[str]) -> ProjectError:
    names = ", ".join(sorted(valid))
    return ProjectError(
        f"unknown key {key!r}",
        file=file,
        line=_line_of(text, table, key),
        field=f"{table}.{key}" if table else key,
        hint=f"use one of {names}",
    )


def _string(file: Path, text: str, table: str | None, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ProjectError(
            f"expected a string, found {type(value).__name__}",
            file=file,
            line=_line_of(text, table, key),
            field=f"{table}.{key}" if table else key,
        )
    return value


def load_settings(overrides: Mapping[str, object] | None = None, file: Path | None = None) -> Settings:
    """Settings from a project file (the bundled kg.toml by default) with `overrides` applied.

    `overrides` are Settings fields (base, articles_dir, registry_file, dist_dir); a None is ignored.
    A missing file gives the built-in defaults.
    """
    from kg.sources import SOURCES

    file = file or project_file()
    fields: dict[str, Any] = {}
    if file.is_file():
        text = file.read_text(encoding="utf-8")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = re.search(r"line (\d+)", str(exc))
            raise ProjectError(f"not valid TOML: {exc}", file=file, line=int(line.group(1)) if line else None) from None
        for key in data:
            if key not in TOP_KEYS:
                raise _unknown(file, text, None, key, TOP_KEYS)
        root = file.parent
        if "base" in data:
            fields["base"] = _string(file, text, None, "base", data["base"])
        if "license" in data:
            fields["license"] = _string(file, text, None, "license", data["license"])
        if "dist" in data:
            fields["dist_dir"] = Path(_string(file, text, None, "dist", data["dist"]))
        declared = data.get("sources", {})
        if not isinstance(declared, dict):
            raise ProjectError(
                "sources must be tables ([sources.NAME])", file=file, line=_line_of(text, None, "sources")
            )
        sources = []
        for name, table in declared.items():
            where = f"sources.{name}"
            if not isinstance(table, dict):
                raise ProjectError("a source is a table", file=file, line=_line_of(text, "sources", name), field=where)
            for key in table:
                if key not in SOURCE_KEYS:
                    raise _unknown(file, text, where, key, SOURCE_KEYS)
            for key in SOURCE_KEYS:
                if key not in table:
                    raise ProjectError(
                        f"missing key {key!r}", file=file, line=_line_of(text, "sources", name), field=where
                    )
            type_ = _string(file, text, where, "type", table["type"])
            if type_ not in SOURCES:
                raise ProjectError(
                    f"unknown source type {type_!r}",
                    file=file,
                    line=_line_of(text, where, "type"),
                    field=f"{where}.type",
                    hint=f"use one of {', '.join(sorted(SOURCES))}",
                )
            path = root / _string(file, text, where, "path", table["path"])
            sources.append(SourceConfig(name, type_, path))
            if type_ in PATH_FIELDS:
                fields[PATH_FIELDS[type_]] = path
        if sources:
            fields["sources"] = tuple(sources)
    if "KG_BASE_IRI" in os.environ:
        fields["base"] = os.environ["KG_BASE_IRI"]
    fields.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return Settings(**fields)
