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
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

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


def write_outputs(files: Mapping[Path, bytes], stale: Iterable[Path] = (), *, make_folders: bool = False) -> None:
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


def _replace_files(targets: list[_Target], files: Mapping[Path, bytes]) -> None:
    staged: list[tuple[str, _Target]] = []
    try:
        for target in targets:
            with _reported(target.named):
                fd, tmp = tempfile.mkstemp(prefix=f".{target.path.name}.", suffix=_TMP_SUFFIX, dir=target.path.parent)
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


def _write_file(tmp: str, target: _Target, data: bytes) -> None:
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


def _write_stream(named: Path, data: bytes) -> None:
    descriptor = descriptor_of(named)
    with _reported(named):
        if descriptor == 1:
            sys.stdout.flush()  # what was printed before comes first
            sys.stdout.buffer.write(data)
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


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
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
