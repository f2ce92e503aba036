"""A curator's decision applied to an annotation file: accept, edit or reject a fact, or mark it curated.

The file is read and written with ruamel.yaml's round-trip mode, so its comments, key order, quoting and
indentation stay as they were; only the decided record changes. Every decision is checked before it is
written, by the same loader and SHACL shapes `kg validate` uses: a decision that would make the
annotation invalid is not written, and its messages are returned for the page to show beside the fact.
A decision is refused too when the file changed since the page was shown (its digest differs), since
a fact is named by its position in the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Literal

from rdflib import Graph
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.util import load_yaml_guess_indent

from kg.annotation import Corpus, LoadedRegistry, load_article, load_registry, read_yaml
from kg.errors import AnnotationErrors, KGError
from kg.mapping import build_graph
from kg.review.facts import EDITABLE, Path_, list_facts
from kg.validation import validate_graph

Action = Literal["accept", "reject", "edit"]
ACTIONS: tuple[Action, ...] = ("accept", "reject", "edit")
#: the fields `kg extract` adds to a draft fact; accepting a fact removes them
DRAFT_FIELDS = ("rule", "confidence")


class ReviewError(KGError):
    """A decision cannot be applied: an unknown fact or action, a stale page, a draft not fully decided."""


@dataclass(frozen=True)
class Checker:
    """What re-validates an annotation: the registry file, the base IRI, the shapes and the ontology."""

    registry_file: Path
    base: str
    shapes: Graph
    ontology: Graph

    def messages(self, file: Path, content: bytes) -> list[str]:
        """Every problem `kg validate` would report for `file` holding `content`; [] when it conforms."""
        try:
            registry: LoadedRegistry = load_registry(self.registry_file)
            with tempfile.NamedTemporaryFile(suffix=".yaml") as candidate:
                candidate.write(content)
                candidate.flush()
                written = Path(candidate.name)
                article = load_article(file, registry, lambda _file: read_yaml(written))
        except AnnotationErrors as exc:
            return [e.render() for e in exc.errors]
        except KGError as exc:
            return [exc.render()]
        mapped = build_graph(Corpus(registry, (article,)), self.base)
        report = validate_graph(mapped.graph, self.shapes, self.ontology, mapped.origins)
        return report.lines()


def digest(content: bytes) -> str:
    """The SHA-256 of a file's bytes: the version of the file a page was made from."""
    return hashlib.sha256(content).hexdigest()


@dataclass
class Document:
    """An annotation file read for round-trip editing."""

    file: Path
    content: bytes
    data: CommentedMap
    yaml: YAML

    @classmethod
    def read(cls, file: Path) -> Document:
        """Read `file` with ruamel's round-trip loader, keeping its indentation for writing it back."""
        content = file.read_bytes()
        text = content.decode("utf-8")
        data, indent, offset = load_yaml_guess_indent(text)
        yaml = YAML(typ="rt")
        yaml.preserve_quotes = True
        yaml.width = 4096  # long quotes stay on one line, as kg extract and kg add write them
        yaml.indent(mapping=2, sequence=indent or 2, offset=offset or 0)
        data = yaml.load(text)
        if not isinstance(data, CommentedMap):
            raise ReviewError("an annotation must be a mapping with a `document` section", file=file, line=1)
        return cls(file, content, data, yaml)

    def dump(self) -> bytes:
        """The document as YAML bytes, laid out as the file was except where a decision changed it."""
        changed = self._text(self.data)
        original = self.content.decode("utf-8")
        plain = self._text(self.yaml.load(original))
        merged = keep_layout(original, plain, changed)
        if merged != changed and self.yaml.load(merged) != self.yaml.load(changed):
            merged = changed  # the merge must mean what the decision means, or it is not used
        return merged.encode("utf-8")

    def _text(self, data: Any) -> str:
        out = io.StringIO()
        self.yaml.dump(data, out)
        return out.getvalue()

    def record(self, path: Path_) -> CommentedMap:
        """The record at `path` (`("figures", 0)`), or a ReviewError naming it."""
        node: Any = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                raise ReviewError(f"no fact {'.'.join(map(str, path))} in the file", file=self.file) from None
        if not isinstance(node, CommentedMap):
            raise ReviewError(f"{'.'.join(map(str, path))} is not a record", file=self.file)
        return node


def keep_layout(original: str, plain: str, changed: str) -> str:
    """`changed`, with the lines ruamel's round trip alone relaid (`plain` against `original`: a flow
    mapping written over several lines comes back on one) put back as the original wrote them, wherever
    the decision (`plain` against `changed`) did not touch them."""
    o, p, c = original.splitlines(True), plain.splitlines(True), changed.splitlines(True)
    layout = SequenceMatcher(None, p, o, autojunk=False).get_opcodes()
    same = {i1 + k: j1 + k for tag, i1, i2, j1, _ in layout if tag == "equal" for k in range(i2 - i1)}
    relaid = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in layout if tag != "equal"]
    out: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, p, c, autojunk=False).get_opcodes():
        if tag != "equal":
            out += c[j1:j2]
            continue
        for k in range(i1, i2):
            region = next(((a, b, x, y) for a, b, x, y in relaid if a <= k < b or a == b == k), None)
            if region is not None and i1 <= region[0] and region[1] <= i2:
                if k == region[0]:
                    out += o[region[2] : region[3]]  # untouched by the decision: as the file had it
                if region[0] == region[1]:
                    out.append(p[k] if k not in same else o[same[k]])
                continue
            out.append(o[same[k]] if k in same else p[k])
        if i2 == len(p):  # lines the original has after all that the round trip gives
            out += [line for a, b, x, y in relaid if a == b == len(p) for line in o[x:y]]
    return "".join(out)


def parse_ref(ref: str) -> Path_:
    """`events.1.roles.0` → ("events", 1, "roles", 0)."""
    return tuple(int(p) if p.isdigit() else p for p in ref.split("."))


def _kind(document: Document, path: Path_) -> str:
    text_free = list_facts(document.data, "")
    for fact in text_free:
        if fact.path == path:
            return fact.kind
    raise ReviewError(f"{'.'.join(map(str, path))} is not a fact of the file", file=document.file)


def _accept(record: CommentedMap) -> None:
    for name in DRAFT_FIELDS:
        if name in record:
            del record[name]


def _set(record: CommentedMap, name: str, value: Any) -> None:
    """Set a field where it is, or add it before the evidence; None removes it."""
    if value is None:
        if name in record:
            del record[name]
        return
    if name in record:
        record[name] = value
        return
    keys = list(record)
    at = keys.index("evidence") if "evidence" in keys else len(keys)
    record.insert(at, name, value)


def _value(name: str, widget: str, given: str, file: Path) -> Any:
    """A form value as the annotation holds it: empty removes an optional field, numbers are ints."""
    given = given.strip()
    if given == "":
        return None
    if widget == "number":
        try:
            return int(given)
        except ValueError:
            raise ReviewError(f"{name}: {given!r} is not a whole number", file=file) from None
    if name == "according_to":
        seq = CommentedSeq([given])
        seq.fa.set_flow_style()
        return seq
    return given


def apply(document: Document, ref: str, action: str, fields: Mapping[str, str]) -> None:
    """Apply one decision to the document in memory (nothing is written)."""
    path = parse_ref(ref)
    kind = _kind(document, path)
    record = document.record(path)
    if action == "accept":
        _accept(record)
    elif action == "reject":
        parent = document.record(path[:-2]) if len(path) > 2 else document.data
        seq = parent[path[-2]]
        del seq[path[-1]]
        if not seq and path[-2] == "roles":
            del parent["roles"]
    elif action == "edit":
        for name, widget in EDITABLE[kind]:
            if name not in fields:
                continue
            if name == "according_to" and len(record.get(name) or []) > 1 and fields[name] == record[name][0]:
                continue  # a list of several claims that the one pick-list shows by its first: left as it is
            _set(record, name, _value(name, widget, fields[name], document.file))
        _accept(record)
    else:
        raise ReviewError(f"unknown decision {action!r}", hint=f"use one of {', '.join(ACTIONS)}")


def undecided(document: Document) -> list[str]:
    """The facts still carrying the draft's `rule` or `confidence`."""
    return [f.ref for f in list_facts(document.data, "") if not f.decided]


def curate(document: Document, today: dt.date) -> None:
    """Mark a fully decided draft curated: `status: draft` removed, `curated` set to `today`."""
    left = undecided(document)
    if left:
        raise ReviewError(f"{len(left)} fact(s) are not decided yet: {', '.join(left)}", file=document.file)
    record = document.data.get("document")
    if not isinstance(record, CommentedMap):
        raise ReviewError("the file has no document record", file=document.file)
    if "status" in record:
        del record["status"]
    _set(record, "curated", today.isoformat())


@dataclass(frozen=True)
class Outcome:
    """What a decision did: whether it was written, and the validation messages of the result ([] conforms)."""

    written: bool
    messages: tuple[str, ...]


def decide(
    file: Path,
    seen_digest: str,
    change: Callable[[Document], None],
    checker: Checker,
    write: Callable[[Path, bytes], None],
) -> Outcome:
    """Apply `change` to the file as it was when the page showed it; write it only if it still validates."""
    document = Document.read(file)
    if digest(document.content) != seen_digest:
        raise ReviewError(
            "the file changed since the page was shown", file=file, hint="reload the page and decide again"
        )
    change(document)
    content = document.dump()
    messages = checker.messages(file, content)
    if messages:
        return Outcome(False, tuple(messages))
    write(file, content)
    return Outcome(True, ())
