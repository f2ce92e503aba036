"""Output: the one function that writes every file kg writes (`write_outputs`), never destroying a target.

Like curl's `-o` and coreutils: a regular file is replaced atomically (a temporary sibling is written,
fsynced and renamed over it) and keeps its mode and, where allowed, its owner; a symlink is followed, so
the file it names is replaced and the link stays a link; a fifo or a character device (`>(…)`,
`/dev/null`) is written as a stream, never replaced or renamed over; `-` is standard output, and the
names of open descriptors (`/dev/stdout`, `/dev/fd/N`) write to that descriptor, so `-o /dev/stdout
>> log` appends as the shell asked instead of replacing `log`. A folder, a
read-only file or folder, a missing folder (for a name the user gave) and a failed write (a full disk)
are one OutputError naming the output. A broken pipe is raised as it is (BrokenPipeError): the reader
stopped reading, which the CLI ends quietly.

A build is published as one step (`publish_build`): its files are written into a new versioned folder,
`dist/.kg-builds/<n>-<digest>/`, and one symlink, `dist/.kg-builds/current`, is switched to it by a
rename. `dist/kg.ttl` and the other published names are symlinks to `.kg-builds/current/<name>`, made
once, so a reader that opens `dist/kg.ttl` gets either the old build or the new one, never a mix, and
a reader that needs several files of one build resolves `published_dir(dist)` once. A run killed at
any point leaves the previous build in place; the next run removes what it left (`clean_builds`).
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import fcntl
import hashlib
import io
import itertools
import operator
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kg.errors import OutputError

#: `-o -`: standard output
STDOUT = Path("-")
_NEW_FILE_MODE = 0o644  # published files are world-readable (mkstemp alone gives 0600)
_TMP_SUFFIX = ".tmp"
_DESCRIPTOR_NAME = re.compile(r"/dev/std(?P<std>out|err)|(?:/dev/fd|/proc/self/fd)/(?P<fd>[0-9]+)")
_HINTS = {
    errno.ENOSPC: "free some space on that disk, or write elsewhere",
    errno.EDQUOT: "free some space within your quota, or write elsewhere",
    errno.EROFS: "the disk is mounted read-only: write elsewhere",
    errno.EACCES: "check that you may write there",
    errno.EPERM: "check that you may write there",
    errno.ENOTDIR: "a file stands where a folder is expected",
}


@dataclass(frozen=True)
class _Target:
    """Where one output goes and how: `path` is the name given with its symlinks resolved."""

    named: Path
    path: Path
    stream: bool
    mode: int = _NEW_FILE_MODE
    owner: tuple[int, int] | None = None  # (uid, gid) of the file it replaces


#: what an output is: bytes, or chunks of bytes written in turn (an output too large to hold at once)
Output = bytes | Iterable[bytes]


def _chunks(data: Output) -> Iterable[bytes]:
    return (data,) if isinstance(data, bytes) else data


def write_outputs(files: Mapping[Path, Output], stale: Iterable[Path] = (), *, make_folders: bool = False) -> None:
    """Write every file, all or none: each to a temporary sibling first, then all renamed into place.

    If any target is refused or any write fails, no target is touched and no temporary file stays.
    A target that is a pipe or device (or `-`) is streamed; it must then be the only one. With
    `make_folders` missing folders are created (kg's own folders: dist/, caches); without, a missing
    folder is an error (a name the user gave). Files in `stale` (outputs of an earlier run that no
    longer match) are removed once every new file is in place.
    """
    targets = [_target(named, make_folders) for named in files]
    streams = [t for t in targets if t.stream]
    if streams and len(targets) > 1:
        raise OutputError(
            f"is a pipe or device, which can take one output, and this writes {len(targets)} files",
            file=_shown(streams[0].named),
            hint="give regular file names",
        )
    if streams:
        _write_stream(streams[0].named, files[streams[0].named])
    else:
        _replace_files(targets, files)
    for old in stale:
        if old not in files:
            old.unlink(missing_ok=True)


def write_output(target: Path | None, data: bytes) -> None:
    """Write one output the user named (`-o`; None or `-` is standard output); its folder must exist."""
    write_outputs({target if target is not None else STDOUT: data})


def write_files_atomically(files: Mapping[Path, bytes], stale: Iterable[Path] = ()) -> None:
    """Write kg's own outputs (dist/, caches, push records), creating their folders."""
    write_outputs(files, stale, make_folders=True)


def write_file_atomically(target: Path, data: bytes) -> None:
    """Write one of kg's own files, creating its folder."""
    write_outputs({target: data}, make_folders=True)


def write_file_unsynced(target: Path, data: bytes) -> None:
    """Replace one of kg's cache files by a rename, without fsync (a torn cache file fails its checksum
    and is rebuilt); a failure (a full disk) is one OutputError naming it."""
    tmp = target.with_name(f"{_temp_prefix(target.name)}{_TMP_SUFFIX[1:]}")
    with _reported(target):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, _NEW_FILE_MODE)
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)


def write_sorted_runs(target: Path, runs: Iterable[bytes], *, make_folders: bool = False) -> int:
    """Write the sorted, distinct lines of sorted runs of lines to `target`; return how many lines it wrote.

    For an output larger than memory (an external merge sort): each run (sorted lines, each ending
    in a newline) is written to a temporary file beside the target as it comes, so that one run at a
    time is in memory; once `runs` is exhausted the run files are merged (`SortedRuns.merge`).
    """
    with SortedRuns(target, make_folders=make_folders) as spilled:
        for run in runs:
            spilled.add(run)
            del run
        return spilled.merge()


class SortedRuns:
    """The sorted runs of one output, in temporary files beside it, merged into it at the end.

    `add` writes a run; `new_file` gives the name of an empty temporary file for another process to
    write a run into (a worker that made it). `merge` merges the run files, a line in several runs
    kept once, into a temporary sibling that is fsynced and renamed over the target, as
    `write_outputs` replaces a file (a symlink followed, the mode kept). A pipe or device is sent the
    merge as a stream, the runs kept in the temporary folder meanwhile. Leaving the `with` block,
    whatever stopped it (an error, a full disk, Ctrl-C), removes every temporary file; if it stops
    before `merge` has renamed, the target is untouched. A failed write is one OutputError naming it.
    """

    def __init__(self, target: Path, *, make_folders: bool = False) -> None:
        self.target = target
        self._place = _target(target, make_folders)
        self._folder = None if self._place.stream else self._place.path.parent
        self._prefix = _temp_prefix(self._place.path.name if self._folder is not None else "kg-runs")
        self._spilled: list[str] = []

    def __enter__(self) -> SortedRuns:
        return self

    def __exit__(self, *exc: object) -> None:
        for name in self._spilled:
            Path(name).unlink(missing_ok=True)
        self._spilled.clear()

    def new_file(self) -> str:
        """The name of a new, empty run file (removed with the others)."""
        with self.reported():
            fd, name = tempfile.mkstemp(prefix=self._prefix, suffix=_TMP_SUFFIX, dir=self._folder)
            self._spilled.append(name)
            os.close(fd)
        return name

    def add(self, run: bytes) -> None:
        """Write one run (sorted lines, each ending in a newline) to a run file."""
        name = self.new_file()
        with self.reported():
            fd = os.open(name, os.O_WRONLY | os.O_CLOEXEC)
            try:
                _write_all(fd, run)
            finally:
                os.close(fd)

    def reported(self) -> contextlib.AbstractContextManager[None]:
        """A context that turns an OSError (a run that could not be written) into an OutputError naming the target."""
        return _reported(self.target)

    def merge(self, *, distinct_runs: bool = False) -> int:
        """Merge the runs into the target; return how many lines it has.

        `distinct_runs`: no run has a line twice (the caller's promise), so a block of one run that
        comes before every other run's next line is written as read, without splitting it into lines.
        """
        place, target, spilled = self._place, self.target, self._spilled
        if place.stream:
            with _reported(target), _opened_stream(target) as out:
                return _merge_runs(spilled, lambda chunk: _write_all(out, chunk), distinct_runs)
        with _reported(target):
            fd, tmp = tempfile.mkstemp(prefix=self._prefix, suffix=_TMP_SUFFIX, dir=self._folder)
        runs = list(spilled)
        spilled.append(tmp)
        with _reported(target):
            try:
                count = _merge_runs(runs, lambda chunk: _write_all(fd, chunk), distinct_runs)
                os.fsync(fd)
                if place.owner is not None and place.owner != (os.geteuid(), os.getegid()):
                    with contextlib.suppress(PermissionError):  # only root may give a file away
                        os.fchown(fd, *place.owner)
                os.fchmod(fd, place.mode)  # after fchown, which clears set-id bits
            finally:
                os.close(fd)
            os.replace(tmp, place.path)
        return count


#: bytes of lines read from each run at a time (1 MiB took 1.4 times the CPU: the blocks of all the runs
#: together no longer stay in the caches)
_MERGE_CHUNK = 1 << 18


def _merge_runs(names: Sequence[str], write: Callable[[bytes], None], distinct_runs: bool = False) -> int:
    """Merge the sorted run files into `write` (in chunks), equal lines once; return the lines written.

    The runs are read a block at a time; every buffered line up to the smallest of the blocks' last
    lines (no unread line is below it) is taken and sorted, which finds the runs and merges them in
    C: 0.55-0.6 times the CPU time of `heapq.merge`, whose loop is Python's (3 to 30 runs). With
    `distinct_runs`, a block whose last line is below the next line of every other run is written
    whole: an import's runs are mostly such blocks (rows' resources are minted from ids in file order,
    so each partition's lines of a kind lie between the previous and the next partition's).
    """
    with contextlib.ExitStack() as stack:
        buffers = [_Block(stack.enter_context(open(name, "rb"))) for name in names]
        buffers = [b for b in buffers if b.fill()]
        count, last = 0, b""
        while buffers:
            if distinct_runs:
                low = min(buffers, key=_first)
                if low.first != last and all(low.last < b.first for b in buffers if b is not low):
                    # every unwritten line of the other runs is above this block, and it has no line twice
                    chunk = low.raw if low.lines is None else b"".join(low.lines)
                    write(chunk)
                    count, last = count + (chunk.count(b"\n") if low.lines is None else len(low.lines)), low.last
                    if not low.fill():
                        buffers.remove(low)
                    continue
            bound = min(b.last for b in buffers)
            taken: list[bytes] = []
            for b in buffers:
                if b.first <= bound:
                    lines = b.split()
                    at = bisect.bisect_right(lines, bound)
                    taken += lines[:at]
                    del lines[:at]
                    b.first = lines[0] if lines else b""
            taken.sort()
            # equal lines are adjacent (from several runs, or a run and the last block); kept where a
            # line differs from the one before it, in C (a loop over the lines in Python cost twice this)
            kept = list(itertools.compress(taken, map(operator.ne, taken, [last, *taken])))
            if kept:
                write(b"".join(kept))
                count, last = count + len(kept), kept[-1]
            buffers = [b for b in buffers if b.lines is None or b.lines or b.fill()]
    return count


class _Block:
    """The buffered lines of one run file: a block as read (`raw`), or split into `lines` once the merge
    needs them one by one; `first` and `last` are its first and last line."""

    __slots__ = ("file", "first", "last", "lines", "raw")

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.raw, self.first, self.last = b"", b"", b""
        self.lines: list[bytes] | None = None

    def fill(self) -> bool:
        """Read the next block (whole lines of about `_MERGE_CHUNK` bytes); False at the end of the file."""
        raw = self.file.read(_MERGE_CHUNK)
        if raw and not raw.endswith(b"\n"):
            raw += self.file.readline()
        self.raw, self.lines = raw, None
        end = raw.find(b"\n")
        self.first = raw if end < 0 else raw[: end + 1]
        self.last = raw[raw.rfind(b"\n", 0, len(raw) - 1) + 1 :]
        return bool(raw)

    def split(self) -> list[bytes]:
        """The block's lines (split once; the merge takes them from the front)."""
        if self.lines is None:
            self.lines, self.raw = io.BytesIO(self.raw).readlines(), b""
        return self.lines


def _first(block: _Block) -> bytes:
    return block.first


def ensure_folder(folder: Path) -> None:
    """Create `folder` (an output folder such as dist/) if missing; refuse a file or a read-only folder.

    For a command to call before it writes anything there, so that `--dist FILE` or a read-only
    `--dist` is one OutputError at the start rather than a failure half-way.
    """
    with _reported(folder):
        if folder.exists() and not folder.is_dir():
            raise OutputError("is not a folder", file=folder, hint="give a folder, or a name that does not exist yet")
        folder.mkdir(parents=True, exist_ok=True)
        if not _writable(folder, os.stat(folder)):
            raise OutputError("the folder is read-only", file=folder, hint="write elsewhere")


def is_stream(target: Path) -> bool:
    """True if writing `target` streams (`-`, a descriptor, a pipe, a device) rather than replaces a file."""
    if descriptor_of(target) is not None:
        return True
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def descriptor_of(target: Path) -> int | None:
    """The open file descriptor that `target` names (`-` and `/dev/stdout`: 1, `/dev/fd/N`: N), if any."""
    if target == STDOUT:
        return 1
    found = _DESCRIPTOR_NAME.fullmatch(str(target))
    if found is None:
        return None
    return int(found["fd"]) if found["fd"] is not None else {"out": 1, "err": 2}[found["std"]]


def leftovers(target: Path) -> list[Path]:
    """Temporary files a write of `target` killed before its rename (SIGKILL, power loss) left behind."""
    return [p for p in target.parent.glob(f".{target.name}.*{_TMP_SUFFIX}") if p.is_file()]


def _target(named: Path, make_folders: bool) -> _Target:
    """How to write `named`, or the OutputError that refuses it; touches nothing but missing folders."""
    if descriptor_of(named) is not None:
        return _Target(named, named, stream=True)
    with _reported(named):
        try:
            st: os.stat_result | None = os.stat(named)
        except FileNotFoundError:
            st = None  # a new file, or a symlink to one
    mode, owner = _NEW_FILE_MODE, None
    if st is not None:
        if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
            return _Target(named, named, stream=True)
        if stat.S_ISDIR(st.st_mode):
            raise OutputError("is a folder", file=named, hint="give a file name")
        if not stat.S_ISREG(st.st_mode):
            raise OutputError("is not a file, a pipe or a character device", file=named)
        if not _writable(named, st):
            raise OutputError(
                f"the file is read-only (mode {stat.S_IMODE(st.st_mode):o}), so it is kept",
                file=named,
                hint="make it writable (chmod u+w) or write elsewhere",
            )
        mode, owner = stat.S_IMODE(st.st_mode), (st.st_uid, st.st_gid)
    path = Path(os.path.realpath(named))
    folder = path.parent
    with _reported(named):
        if make_folders:
            folder.mkdir(parents=True, exist_ok=True)
        elif not folder.is_dir():
            raise OutputError(
                f"the folder {folder} does not exist", file=named, hint="create it first, or write elsewhere"
            )
        if not _writable(folder, os.stat(folder)):
            raise OutputError(f"the folder {folder} is read-only", file=named, hint="write elsewhere")
    return _Target(named, path, stream=False, mode=mode, owner=owner)


def _writable(path: Path, st: os.stat_result) -> bool:
    """Writable by us, and meant to be: root may write anything, but a mode without any w bit says no."""
    return bool(st.st_mode & 0o222) and os.access(path, os.W_OK)


def _replace_files(targets: list[_Target], files: Mapping[Path, Output]) -> None:
    staged: list[tuple[str, _Target]] = []
    try:
        for target in targets:
            with _reported(target.named):
                fd, tmp = tempfile.mkstemp(
                    prefix=_temp_prefix(target.path.name), suffix=_TMP_SUFFIX, dir=target.path.parent
                )
            os.close(fd)
            staged.append((tmp, target))
        with ThreadPoolExecutor(min(4, len(staged)) or 1) as pool:  # writes and fsyncs release the GIL
            for done in [pool.submit(_write_file, tmp, target, files[target.named]) for tmp, target in staged]:
                done.result()
        for tmp, target in staged:
            with _reported(target.named):
                os.replace(tmp, target.path)
    finally:  # whatever stopped the run (an error, Ctrl-C), no temporary file stays behind
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)


def _write_file(tmp: str, target: _Target, data: Output) -> None:
    with _reported(target.named):
        fd = os.open(tmp, os.O_WRONLY | os.O_CLOEXEC)
        try:
            _write_all(fd, data)
            os.fsync(fd)
            if target.owner is not None and target.owner != (os.geteuid(), os.getegid()):
                with contextlib.suppress(PermissionError):  # only root may give a file away
                    os.fchown(fd, *target.owner)
            os.fchmod(fd, target.mode)  # after fchown, which clears set-id bits
        finally:
            os.close(fd)


def _write_stream(named: Path, data: Output) -> None:
    descriptor = descriptor_of(named)
    with _reported(named):
        if descriptor == 1:
            sys.stdout.flush()  # what was printed before comes first
            for chunk in _chunks(data):
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
            return
        if descriptor is not None:
            if descriptor == 2:
                sys.stderr.flush()
            _write_all(descriptor, data)
            return
        fd = os.open(named, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)  # no O_CREAT, no O_TRUNC
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _opened_stream(named: Path) -> Iterator[int]:
    """The descriptor to stream `named` to: the one it names, or a pipe or device opened once for all."""
    descriptor = descriptor_of(named)
    if descriptor is not None:
        for std, stream in ((1, sys.stdout), (2, sys.stderr)):
            if descriptor == std:
                stream.flush()  # what was printed before comes first
        yield descriptor
        return
    fd = os.open(named, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)  # no O_CREAT, no O_TRUNC
    try:
        yield fd
    finally:
        os.close(fd)


def _write_all(fd: int, data: Output) -> None:
    for chunk in _chunks(data):
        view = memoryview(chunk)
        while view:
            view = view[os.write(fd, view) :]


@contextlib.contextmanager
def _reported(named: Path) -> Iterator[None]:
    """Turn an OSError into one OutputError naming the output; a broken pipe passes through."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(
            f"cannot write output ({exc.strerror or exc})", file=_shown(named), hint=_HINTS.get(exc.errno or 0)
        ) from None


def _shown(named: Path) -> str:
    return "standard output" if named == STDOUT else str(named)


def _temp_prefix(name: str) -> str:
    """Temporary names carry the writer's process id, so that a later run removes only those of dead writers."""
    return f".{name}.{os.getpid()}."


#: a temporary file or link kg writes: `.<name>.<pid>.tmp` or `.<name>.<pid>.<random>.tmp`
_TEMP = re.compile(r"\..+\.(?P<pid>[0-9]+)(?:\.[A-Za-z0-9_]+)?" + re.escape(_TMP_SUFFIX))


def _gone(pid: int) -> bool:
    """True if no process `pid` runs (a zombie counts as running until its parent reaps it)."""
    if pid in (0, os.getpid()):  # 0 would name our process group
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process, or a number no process can have
        return True
    except PermissionError:  # another user's process
        return False
    return False


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files and links in `folder` whose writer is dead (killed before its rename)."""
    removed = []
    with _reported(folder), contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(folder):
            found = _TEMP.fullmatch(entry.name)
            if found and not entry.is_dir(follow_symlinks=False) and _gone(int(found["pid"])):
                Path(entry.path).unlink(missing_ok=True)
                removed.append(Path(entry.path))
    return removed


# ----------------------------------------------------------------------------------------------
# Publishing a build: a versioned folder, then one symlink switch
# ----------------------------------------------------------------------------------------------

#: the folder in dist/ that holds the published builds, a versioned folder each
BUILDS = ".kg-builds"
#: the symlink in BUILDS that names the current build; every published name links through it
CURRENT = "current"
_STAGING = re.compile(r"\.staging-(?P<pid>[0-9]+)-[0-9a-f]+")
_LOCK = ".lock"
#: a build's folder: a sequence number (the newest is the highest), then a digest of its files
_VERSION = re.compile(r"(?P<n>[0-9]{6,})-(?:[0-9a-f]{12}|unversioned)")


def published_dir(dist: Path) -> Path:
    """The folder of the current build of `dist`; a reader of several files resolves it once.

    `dist` itself when it holds no versioned build (files put there by hand, or by an older kg).
    """
    current = dist / BUILDS / CURRENT
    if current.is_symlink():
        folder = Path(os.path.realpath(current))
        if folder.is_dir():
            return folder
    return dist


def publish_build(
    dist: Path, files: Mapping[str, bytes | Path], stale: Iterable[str] = (), digests: Mapping[str, str] | None = None
) -> list[Path]:
    """Publish `files` (name → bytes) as the new build of `dist`, all at once; return `dist/<name>` of each.

    The files are written and fsynced into a new versioned folder, which one rename of the `current`
    symlink publishes; a file given as a Path (one of an earlier build whose bytes are the same) is
    hard-linked there instead, and `digests` (name → SHA-256 hex) spares hashing files already hashed;
    `dist/<name>` links to `.kg-builds/current/<name>`. After the switch, links of the last build's
    names that this build lacks and the files named in `stale` (outputs of another command that this
    build makes stale, such as kg-inferred.ttl) are removed, and only the current
    and the previous build are kept. A failure before the switch leaves the last build as it was.
    """
    ensure_folder(dist)
    builds = dist / BUILDS
    with _reported(builds):
        builds.mkdir(exist_ok=True)
    with _locked(builds):
        _clean(dist)
        current = builds / CURRENT
        with _reported(current):
            if current.is_dir() and not current.is_symlink():  # dist/ copied by following links (cp -L)
                shutil.rmtree(current)
        _adopt_unversioned(dist, [*files, *stale])
        version = _stage(builds, {dist / name: data for name, data in files.items()}, digests or {})
        for name in files:
            _link(dist, name)
        with _reported(dist):
            _fsync_folder(dist)
        _switch(builds, version)
        for name in [p.name for p in _published_links(dist)] + list(stale):
            if name not in files:
                with _reported(dist / name):
                    (dist / name).unlink(missing_ok=True)
        _clean(dist)
    return [dist / name for name in sorted(files)]


def stage_file(dist: Path, name: str, pieces: Iterable[bytes | memoryview]) -> Path:
    """Write one file of a coming build of `dist` (the concatenation of `pieces`) ahead of `publish_build`,
    which, given the returned path, hard-links it into the build folder: a temporary file in
    dist/.kg-builds/, fsynced, mode 644. The caller removes it once the build is published (or has
    failed); a killed run's is removed by the next run (its name carries the writer's pid). A failed
    write is one OutputError, and leaves no file."""
    ensure_folder(dist)
    builds = dist / BUILDS
    # the random part starts with a letter: all digits, `_TEMP` would read it as the pid of a dead writer
    tmp = builds / f"{_temp_prefix(name)}s{secrets.token_hex(4)}{_TMP_SUFFIX}"
    with _reported(builds):
        builds.mkdir(exist_ok=True)
    with _reported(dist / name):
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, _NEW_FILE_MODE)
            try:
                for piece in pieces:
                    view = memoryview(piece)
                    while view:
                        view = view[os.write(fd, view) :]
                os.fsync(fd)
                os.fchmod(fd, _NEW_FILE_MODE)  # whatever the umask
            finally:
                os.close(fd)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return tmp


def clean_builds(dist: Path) -> None:
    """Remove what killed runs left in `dist`: temporary files, unpublished folders, builds before the previous."""
    builds = dist / BUILDS
    if builds.is_dir():
        with _locked(builds):
            _clean(dist)
    elif dist.is_dir():
        remove_leftovers(dist)


@contextlib.contextmanager
def _locked(builds: Path) -> Iterator[None]:
    """Hold the publishing lock of a dist/ (two builds publish one after the other; a kill releases it)."""
    with _reported(builds):
        fd = os.open(builds / _LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, _NEW_FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _current(builds: Path) -> str | None:
    try:
        return os.readlink(builds / CURRENT)
    except OSError:
        return None


def _versions(builds: Path) -> list[str]:
    """The build folders in `builds`, oldest first."""
    return sorted((name for name in os.listdir(builds) if _VERSION.fullmatch(name)), key=_number)


def _number(version: str) -> int:
    return int(version.split("-", 1)[0])


def _clean(dist: Path) -> None:
    """Remove dead writers' temporary files and folders, and every build but the current and the previous."""
    builds = dist / BUILDS
    remove_leftovers(dist)
    remove_leftovers(builds)
    with _reported(dist):
        for link in _published_links(dist):  # an older kg named its temporary files without its pid
            for old in leftovers(link):
                if _TEMP.fullmatch(old.name) is None:
                    old.unlink(missing_ok=True)
    with _reported(builds):
        versions = _versions(builds)
        current = _current(builds)
        if current in versions:  # else nothing is known to be published: no build is removed
            keep = {current, *versions[: versions.index(current)][-1:]}
            for name in versions:
                if name not in keep:  # an old build, or one written but never published (killed before the switch)
                    shutil.rmtree(builds / name)
        for entry in os.scandir(builds):
            staging = _STAGING.fullmatch(entry.name)
            if staging and _gone(int(staging["pid"])):
                shutil.rmtree(entry.path)


def _stage(builds: Path, files: Mapping[Path, bytes | Path], digests: Mapping[str, str]) -> str:
    """Write the files into a new build folder (fsynced, then renamed into place); return its name."""
    digest = hashlib.sha256()
    for named, data in sorted(files.items()):
        known = digests.get(named.name)
        sha = bytes.fromhex(known) if known else _sha256(named, data)
        digest.update(named.name.encode() + b"\0" + sha)
    with _reported(builds):
        versions = _versions(builds)
    n = 1 + max(map(_number, versions), default=0)
    return _new_build(builds, f"{n:06d}-{digest.hexdigest()[:12]}", files)


def _sha256(named: Path, data: bytes | Path) -> bytes:
    if isinstance(data, Path):
        with _reported(named):
            data = data.read_bytes()
    return hashlib.sha256(data).digest()


def _new_build(builds: Path, version: str, files: Mapping[Path, bytes | Path]) -> str:
    """Write a build folder under a temporary name, then rename it to `version`; a file given as a
    Path (an unversioned file adopted) is hard-linked."""
    staging = builds / f".staging-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        with _reported(builds):
            staging.mkdir()
        with ThreadPoolExecutor(min(4, len(files)) or 1) as pool:  # writes and fsyncs release the GIL
            jobs = [pool.submit(_write_new, named, staging / named.name, data) for named, data in files.items()]
            for job in jobs:
                job.result()
        with _reported(builds):
            _fsync_folder(staging)
            os.rename(staging, builds / version)
            _fsync_folder(builds)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone unless something stopped the run before the rename
    return version


def _write_new(named: Path, path: Path, data: bytes | Path) -> None:
    """Write a new file of a build (its name in dist/ is `named`, as errors say), fsynced, mode 644."""
    with _reported(named):
        if isinstance(data, Path):  # a file of an earlier build, or of an older kg, kept by a hard link
            try:
                os.link(data, path)
                return
            except OSError:  # no hard links there: a copy, fsynced as a new file is
                data = data.read_bytes()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, _NEW_FILE_MODE)
        try:
            _write_all(fd, data)
            os.fsync(fd)
            os.fchmod(fd, _NEW_FILE_MODE)  # whatever the umask
        finally:
            os.close(fd)


def _adopt_unversioned(dist: Path, names: Iterable[str]) -> None:
    """Make the regular files an older kg wrote in `dist` a build of their own, then link them, so that
    the step to versioned builds keeps every file a reader opens whole (each link names the same bytes)."""
    if _current(dist / BUILDS) is not None:
        return
    found = [dist / n for n in names if (dist / n).is_file() and not (dist / n).is_symlink()]
    if not found:
        return
    with _reported(dist / BUILDS):
        n = 1 + max(map(_number, _versions(dist / BUILDS)), default=-1)
    version = _new_build(dist / BUILDS, f"{n:06d}-unversioned", {f: f for f in found})
    _switch(dist / BUILDS, version)
    for f in found:
        _link(dist, f.name)


def _link(dist: Path, name: str) -> None:
    """Make `dist/<name>` the symlink to `.kg-builds/current/<name>` (it stays across builds)."""
    want = f"{BUILDS}/{CURRENT}/{name}"
    target = dist / name
    with contextlib.suppress(OSError):
        if os.readlink(target) == want:
            return
    _replace_by_link(want, target)


def _switch(builds: Path, version: str) -> None:
    """Publish a build folder: the one rename that moves every published name to it at once."""
    _replace_by_link(version, builds / CURRENT)
    with _reported(builds):
        _fsync_folder(builds)


def _replace_by_link(value: str, target: Path) -> None:
    tmp = target.with_name(f"{_temp_prefix(target.name)}{secrets.token_hex(4)}{_TMP_SUFFIX}")
    with _reported(target):
        os.symlink(value, tmp)
        try:
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)


def _published_links(dist: Path) -> list[Path]:
    """The names in `dist` that link into the current build."""
    prefix = f"{BUILDS}/{CURRENT}/"
    found = []
    for entry in os.scandir(dist):
        if entry.is_symlink() and os.readlink(entry.path).startswith(prefix):
            found.append(Path(entry.path))
    return found


def _fsync_folder(folder: Path) -> None:
    """Make a folder's entries durable (a rename is on disk once its folder is fsynced)."""
    fd = os.open(folder, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
