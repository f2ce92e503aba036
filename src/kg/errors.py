"""The error hierarchy of kg: every failure a user can cause is one of these."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path


class KGError(Exception):
    """Base of every error kg raises on purpose; the CLI prints it as one line."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        """Return `file:line: field: message (hint)` with the parts that are known."""
        where = ""
        if self.file is not None:
            where = self.file + (f":{self.line}" if self.line is not None else "") + ": "
        what = f"{self.field}: " if self.field else ""
        hint = f" — {_one_line(self.hint)}" if self.hint else ""
        return f"{where}{what}{_one_line(self.message)}{hint}"


def _one_line(text: str) -> str:
    """Collapse whitespace so that every error prints as exactly one line."""
    return " ".join(text.split())


class AnnotationError(KGError):
    """An annotation, registry or article file is malformed or inconsistent."""


class AnnotationErrors(AnnotationError):
    """Several errors found in one input file, gathered so that a curator fixes them all in one run."""

    def __init__(self, errors: Sequence[AnnotationError]) -> None:
        self.errors = tuple(errors)
        first = self.errors[0]
        more = len(self.errors) - 1
        super().__init__(
            first.message + (f" (and {more} more error(s) in this file)" if more else ""),
            file=first.file,
            line=first.line,
            field=first.field,
            hint=first.hint,
        )

    def __reduce__(self) -> tuple[type[AnnotationErrors], tuple[tuple[AnnotationError, ...]]]:
        # a worker process of the build sends it back pickled: keep every error, not only the text
        return (type(self), (self.errors,))


class ValidationFailed(KGError):
    """The graph does not conform to the SHACL shapes."""

    exit_code = 1

    def __init__(self, message: str, lines: list[str]) -> None:
        self.lines = lines
        super().__init__(message)


class QueryError(KGError):
    """A stored or ad-hoc SPARQL query cannot be found, parsed, bound or run."""


class ReasoningError(KGError):
    """The reasoner could not run, or found the graph inconsistent."""


class ExportError(KGError):
    """An export target or option is unknown, or writing it failed."""


class OutputError(KGError):
    """An output cannot be written: a folder, a read-only file or folder, a missing folder, a full disk."""


class StoreError(KGError):
    """The store or a remote SPARQL endpoint could not be opened, read or written."""


class WorkerDied(KGError):
    """A worker process ended without its answer (killed: by the out-of-memory killer, a signal)."""


class MissingExtra(KGError):
    """An optional dependency is not installed; the message names the extra to install."""


class AuthError(StoreError):
    """The store refused the credentials it was sent, or asked for some (HTTP 401 or 403)."""


def run_reporting(prog: str, main: Callable[[], int]) -> int:
    """Run a command's `main`; a KGError (bad input) becomes one line on stderr and its exit code, no traceback."""
    try:
        return main()
    except KGError as exc:
        sys.stderr.write(f"{prog}: error: {exc}\n")
        return exc.exit_code
