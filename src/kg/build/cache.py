"""The build cache: data only — each chunk's sorted N-Triples and one JSON manifest — never code.

`<cache>/chunks/<name>.nt` holds a chunk's canonical N-Triples lines for one digest of its
inputs; `<cache>/state.json` records every chunk (digest, SHA-256 of its file, whether it
conforms to the current shapes, its date) and what the last build wrote (the dumps' sizes and
modification times and VoID's counts); `<cache>/union/` holds the index of the dumps (subjects,
where each one's Turtle block and JSON-LD node ends, object counts) as plain bytes and arrays.
A file that does not parse, or does not match what the manifest says of it, is ignored with one
warning and rebuilt; nothing here is ever unpickled or executed.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.atomic import remove_leftovers, write_file_atomically, write_file_unsynced
from kg.build.dumps import TYPED, Counts, Union

CACHE_FORMAT = 2
STATE_NAME = "state.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _put(target: Path, data: bytes) -> None:
    """Write a cache file by a rename (no fsync: a torn file fails its SHA-256 check and is rebuilt)."""
    write_file_unsynced(target, data)


@dataclass
class ChunkEntry:
    """What the manifest says of a chunk."""

    source: str
    digest: str  # of everything that decides its triples
    sha256: str  # of its N-Triples file
    validated: str = ""  # digest of the shapes and ontology it conforms to ("" = not known)
    date: str | None = None
    name: str = ""
    refers: list[list[Any]] = field(default_factory=list)  # [iri, line, field] it names in other chunks
    declares: list[str] = field(default_factory=list)  # IRIs it defines that other chunks may name


@dataclass
class State:
    """The manifest: the chunks of the last build and what it wrote."""

    base: str
    chunks: dict[str, ChunkEntry] = field(default_factory=dict)
    dumps: dict[str, list[int]] = field(default_factory=dict)  # file name → [size, mtime_ns] as written
    union: dict[str, Any] = field(default_factory=dict)  # counts and index digests of the dumps


@dataclass
class Cache:
    """A cache folder; `warnings` collects one line per file that was ignored."""

    root: Path
    warnings: list[str] = field(default_factory=list)
    #: SHA-256 of the dump index files as read (and checked) in this build: those unchanged are not rewritten
    checked: dict[str, str] = field(default_factory=dict)

    # -- chunks ----------------------------------------------------------------------------------
    def chunk_file(self, key: str, digest: str) -> Path:
        return self.root / "chunks" / (sha256(f"{key}\0{digest}".encode())[:32] + ".nt")

    def read_chunk(self, key: str, entry: ChunkEntry) -> list[bytes] | None:
        """The chunk's lines if its file is what the manifest says, else None (with a warning if it is not)."""
        f = self.chunk_file(key, entry.digest)
        try:
            data = f.read_bytes()
        except OSError:
            return None
        if sha256(data) != entry.sha256 or (data and not data.endswith(b"\n")):
            self.warn(f, "does not match the cache manifest")
            return None
        return data.split(b"\n")[:-1]

    def write_chunk(self, key: str, digest: str, lines: list[bytes]) -> str:
        data = b"".join(line + b"\n" for line in lines)
        _put(self.chunk_file(key, digest), data)
        return sha256(data)

    def prune(self, state: State) -> None:
        """Remove chunk files the manifest no longer names."""
        keep = {self.chunk_file(k, e.digest).name for k, e in state.chunks.items()}
        folder = self.root / "chunks"
        if folder.is_dir():
            for f in folder.iterdir():
                if f.name not in keep:
                    f.unlink(missing_ok=True)

    def clean(self) -> None:
        """Remove the temporary files of killed runs in the cache and its folders (chunks, union, push)."""
        if self.root.is_dir():
            for folder in [self.root, *(p for p in self.root.iterdir() if p.is_dir() and not p.is_symlink())]:
                remove_leftovers(folder)

    def warn(self, file: Path, why: str) -> None:
        self.warnings.append(f"{file}: {why}; ignored and rebuilt")

    # -- the manifest ----------------------------------------------------------------------------
    def read_state(self, base: str) -> State | None:
        f = self.root / STATE_NAME
        try:
            raw = f.read_bytes()
        except OSError:
            return None
        try:
            data = json.loads(raw.decode("utf-8"))
            if data["format"] != CACHE_FORMAT:
                return None
            state = State(
                data["base"],
                {k: ChunkEntry(**v) for k, v in data["chunks"].items()},
                {k: [int(x) for x in v] for k, v in data["dumps"].items()},
                dict(data["union"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            self.warn(f, "is not a kg cache manifest")
            return None
        return state if state.base == base else None

    def write_state(self, state: State) -> None:
        data = {
            "format": CACHE_FORMAT,
            "base": state.base,
            "chunks": {k: vars(e) for k, e in sorted(state.chunks.items())},
            "dumps": state.dumps,
            "union": state.union,
        }
        write_file_atomically(self.root / STATE_NAME, json.dumps(data, sort_keys=True).encode("utf-8"))

    # -- the dumps' index ------------------------------------------------------------------------
    def write_union(self, union: Union) -> dict[str, Any]:
        """Write the index of the dumps; return what the manifest records of it."""
        c = union.counts
        files = {
            "subjects": b"\n".join(union.subjects),
            "ttl.ends": union.ttl_ends.tobytes(),
            "json.ends": union.json_ends.tobytes(),
            "objects": b"\n".join(c.objects),
            "objects.n": array("Q", c.objects.values()).tobytes(),  # (a dict's keys and values: one order)
        }
        folder = self.root / "union"
        digests = {name: sha256(data) for name, data in files.items()}
        for name, data in files.items():
            if self.checked.get(name) != digests[name]:
                _put(folder / name, data)
        return {
            "files": digests,
            "subjects": len(union.subjects),
            "objects": len(c.objects),
            "triples": c.triples,
            "predicates": {k.decode(): n for k, n in sorted(c.predicates.items())},
            "classes": {k.decode(): n for k, n in sorted(c.classes.items())},
            "typed": {k.decode(): sorted(v.decode() for v in c.typed[k]) for k in TYPED},
            "shared": {k.decode(): n for k, n in sorted(union.shared.items())},
        }

    def read_union(self, recorded: dict[str, Any], nt: bytes, ttl: bytes, json_body: bytes) -> Union | None:
        """The union the last build wrote, from its dumps and the index; None if anything disagrees."""
        folder = self.root / "union"
        try:
            files = {name: (folder / name).read_bytes() for name in recorded["files"]}
        except (OSError, KeyError, TypeError, AttributeError):
            return None
        try:
            if any(sha256(data) != recorded["files"][name] for name, data in files.items()):
                self.warn(folder, "does not match the cache manifest")
                return None
            checked = dict(recorded["files"])
            subjects = files["subjects"].split(b"\n") if files["subjects"] else []
            ttl_ends, json_ends = array("Q"), array("Q")
            ttl_ends.frombytes(files["ttl.ends"])
            json_ends.frombytes(files["json.ends"])
            keys = files["objects"].split(b"\n") if files["objects"] else []
            counts = array("Q")
            counts.frombytes(files["objects.n"])
            if len(keys) != len(counts) or len(keys) != recorded["objects"]:
                raise ValueError("object counts disagree")
            objects = Counter(dict(zip(keys, counts, strict=True)))
            c = Counts(
                triples=int(recorded["triples"]),
                predicates=Counter({k.encode(): int(v) for k, v in recorded["predicates"].items()}),
                classes=Counter({k.encode(): int(v) for k, v in recorded["classes"].items()}),
                objects=objects,
                typed={k: {s.encode() for s in recorded["typed"].get(k.decode(), [])} for k in TYPED},
            )
            shared = {k.encode(): int(v) for k, v in recorded["shared"].items()}
            if (
                len(subjects) != recorded["subjects"]
                or len(ttl_ends) != len(subjects)
                or len(json_ends) != len(subjects)
            ):
                raise ValueError("index sizes disagree")
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            self.warn(folder, "is not a kg dump index")
            return None
        self.checked = checked
        return Union(nt, subjects, [ttl], ttl_ends, [json_body], json_ends, c, shared)


# ----------------------------------------------------------------------------------------------
# Digests of input files, recomputed only for files whose stat changed
# ----------------------------------------------------------------------------------------------

#: a file modified this close to when its digest was recorded may change again within the same
#: timestamp, so its recorded digest is not trusted (git's "racily clean" rule)
_RACY_NS = 2_000_000_000


@dataclass
class FileDigests:
    """SHA-256 of input files, remembered with their size, mtime and inode (JSON)."""

    file: Path
    entries: dict[str, list[Any]] = field(default_factory=dict)  # path → [size, mtime_ns, ino, hex, when]
    changed: bool = False

    @classmethod
    def load(cls, file: Path) -> FileDigests:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            entries = dict(data["files"]) if data.get("format") == CACHE_FORMAT else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            entries = {}
        return cls(file, entries)

    def digest(self, path: Path) -> str:
        st = os.stat(path)
        key = str(path)
        hit = self.entries.get(key)
        if (
            isinstance(hit, list)
            and len(hit) == 5
            and hit[:3] == [st.st_size, st.st_mtime_ns, st.st_ino]
            and st.st_mtime_ns < hit[4] - _RACY_NS
        ):
            return str(hit[3])
        value = sha256(path.read_bytes())
        self.entries[key] = [st.st_size, st.st_mtime_ns, st.st_ino, value, time.time_ns()]
        self.changed = True
        return value

    def save(self) -> None:
        if self.changed:
            write_file_atomically(self.file, json.dumps({"format": CACHE_FORMAT, "files": self.entries}).encode())
