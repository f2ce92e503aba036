"""Atomic file output: a failed run never leaves a half-written file or replaces a good one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kg.errors import KGError

_FILE_MODE = 0o644
_TMP_SUFFIX = ".tmp"


def write_files_atomically(files: Mapping[Path, bytes], stale: Iterable[Path] = ()) -> None:
    """Write every file to a temporary sibling first, then move all of them into place.

    If any write fails, none of the targets is touched. Each move is an atomic `os.replace`
    within one folder. Files in `stale` (outputs of an earlier run that no longer match the new
    ones) are removed only after every new file is in place.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for target in files:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_TMP_SUFFIX, dir=target.parent)
            os.close(fd)
            staged.append((tmp, target))
        with ThreadPoolExecutor(min(4, len(staged)) or 1) as pool:  # writes and fsyncs release the GIL
            for done in [pool.submit(_write, tmp, files[target]) for tmp, target in staged]:
                done.result()
        for tmp, target in staged:
            os.replace(tmp, target)
    except OSError as exc:
        raise KGError(
            f"cannot write output ({exc.strerror})", file=exc.filename, hint="check the folder exists and is writable"
        ) from None
    finally:  # whatever stopped the run (an error, Ctrl-C), no temporary file stays behind
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
    for old in stale:
        if old not in files:
            old.unlink(missing_ok=True)


def _write(tmp: str, data: bytes) -> None:
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, _FILE_MODE)  # mkstemp creates 0600; published files are world-readable


def leftovers(target: Path) -> list[Path]:
    """Temporary files a write of `target` killed before its rename (SIGKILL, power loss) left behind."""
    return [p for p in target.parent.glob(f".{target.name}.*{_TMP_SUFFIX}") if p.is_file()]


def write_file_atomically(target: Path, data: bytes) -> None:
    """Write one file atomically."""
    write_files_atomically({target: data})


def write_output(target: Path, data: bytes) -> None:
    """Write a file the user named (`-o`): atomically when it is, or will be, a regular file.

    A symlink is followed (the file it points to is replaced, not the link); a pipe or device
    (`/dev/stdout`, `>(…)`) is written as a stream, since it cannot be replaced.
    """
    if target.is_dir():
        raise KGError("the output is a folder", file=target, hint="give a file name with -o")
    if target.exists() and not target.is_file():
        try:
            with open(target, "wb") as stream:
                stream.write(data)
        except OSError as exc:
            raise KGError(f"cannot write output ({exc.strerror})", file=target) from None
        return
    write_file_atomically(Path(os.path.realpath(target)), data)
