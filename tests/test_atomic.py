"""Outputs: one function writes every file kg writes (kg.atomic.write_outputs).

A regular file is replaced atomically and keeps its mode; a symlink is followed; a fifo or character
device is written as a stream; a folder, a read-only file or folder, a missing folder and a full disk
are one error naming the output. Tests use files in a temporary folder and fifos, never /dev.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.atomic import ensure_folder, write_files_atomically, write_output, write_sorted_runs
from kg.errors import KGError


@contextmanager
def fifo_reader(fifo: Path) -> Iterator[list[bytes]]:
    """A thread that reads `fifo` to its end; yields the list its bytes land in.

    The fifo is held open read-write meanwhile, so that neither side blocks on opening it and the
    reader ends (with what it got) however the code under test treats the fifo.
    """
    held = os.open(fifo, os.O_RDWR)
    fd = os.open(fifo, os.O_RDONLY)  # opened here, before the code under test runs: no race with the thread
    received: list[bytes] = []

    def read() -> None:
        with os.fdopen(fd, "rb") as stream:
            received.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        yield received
    finally:
        os.close(held)
        reader.join(10)


def test_all_files_are_written_and_stale_ones_removed(tmp_path: Path) -> None:
    stale = tmp_path / "old.ttl"
    stale.write_bytes(b"old")
    files = {tmp_path / f"f{i}.nt": bytes([i]) * (i * 100_000) for i in range(5)}
    write_files_atomically(files, stale=[stale])
    assert {p: p.read_bytes() for p in files} == files
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in files)
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in files)


def test_a_failed_write_leaves_every_target_as_it_was(tmp_path: Path) -> None:
    good = tmp_path / "kg.nt"
    good.write_bytes(b"previous")
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    files = {good: b"new", blocker / "kg.ttl": b"cannot go under a file"}
    with pytest.raises(KGError, match="cannot write output"):
        write_files_atomically(files, stale=[good])
    assert good.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.nt", "not-a-folder"]


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    private, script = tmp_path / "private.csv", tmp_path / "run.sh"
    private.write_bytes(b"old")
    private.chmod(0o600)
    script.write_bytes(b"old")
    script.chmod(0o755)
    write_output(private, b"new")
    write_files_atomically({script: b"new"})
    assert private.read_bytes() == b"new" and stat.S_IMODE(private.stat().st_mode) == 0o600
    assert script.read_bytes() == b"new" and stat.S_IMODE(script.stat().st_mode) == 0o755


def test_an_output_through_a_symlink_replaces_the_file_it_points_to(tmp_path: Path) -> None:
    target, link = tmp_path / "target.csv", tmp_path / "link.csv"
    target.write_bytes(b"old")
    link.symlink_to(target)
    write_output(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "target.csv"]  # no temporary file left


def test_a_symlink_among_several_outputs_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target, link = tmp_path / "real" / "kg.ttl", tmp_path / "kg.ttl"
    link.symlink_to(target)  # dangling: the file it names does not exist yet
    write_files_atomically({link: b"ttl", tmp_path / "kg.nt": b"nt"})
    assert link.is_symlink() and target.read_bytes() == b"ttl"


def test_an_output_that_is_a_pipe_is_written_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with fifo_reader(fifo) as received:
        write_output(fifo, b"rows\n")
    assert received == [b"rows\n"] and stat.S_ISFIFO(fifo.stat().st_mode)
    assert os.listdir(tmp_path) == ["fifo"]


def test_a_pipe_among_the_build_outputs_is_written_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "kg.nt"
    os.mkfifo(fifo)
    with fifo_reader(fifo) as received:
        write_files_atomically({fifo: b"<a> <b> <c> .\n"})
    assert received == [b"<a> <b> <c> .\n"] and stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_pipe_cannot_take_one_of_several_files(tmp_path: Path) -> None:
    fifo, other = tmp_path / "fifo", tmp_path / "other.csv"
    os.mkfifo(fifo)
    with fifo_reader(fifo) as received, pytest.raises(KGError, match="pipe or device") as caught:
        write_files_atomically({other: b"a", fifo: b"b"})
    assert str(fifo) in str(caught.value) and received == [b""]
    assert sorted(os.listdir(tmp_path)) == ["fifo"]


def test_a_descriptor_name_writes_to_that_descriptor(tmp_path: Path) -> None:
    """`-o /dev/stdout >> log` appends to log, as the shell asked; it does not replace log."""
    log = tmp_path / "log"
    log.write_bytes(b"before\n")
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:  # /proc/self/fd/N, not /dev/stdout: tests touch no /dev entry; both names are descriptors to kg
        write_output(Path(f"/proc/self/fd/{fd}"), b"after\n")
    finally:
        os.close(fd)
    assert log.read_bytes() == b"before\nafter\n" and os.listdir(tmp_path) == ["log"]


def test_an_output_that_is_a_folder_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(KGError, match="folder"):
        write_output(tmp_path, b"x")
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_file_is_refused_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "kept.ttl"
    target.write_bytes(b"old")
    target.chmod(0o444)
    with pytest.raises(KGError, match="read-only") as caught:
        write_output(target, b"new")
    assert str(caught.value).startswith(f"{target}: ") and "\n" not in str(caught.value)
    assert target.read_bytes() == b"old" and stat.S_IMODE(target.stat().st_mode) == 0o444
    assert os.listdir(tmp_path) == ["kept.ttl"]


def test_a_read_only_folder_is_one_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(KGError, match="read-only") as caught:
            write_output(folder / "out.csv", b"x")
        assert str(caught.value).startswith(f"{folder / 'out.csv'}: ")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o755)


def test_a_missing_folder_is_one_error_and_is_not_created(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "out.csv"
    with pytest.raises(KGError, match=r"folder .* does not exist") as caught:
        write_output(target, b"x")
    assert str(caught.value).startswith(f"{target}: ")
    assert os.listdir(tmp_path) == []


def test_the_build_creates_its_own_folder(tmp_path: Path) -> None:
    write_files_atomically({tmp_path / "dist" / "kg.nt": b"x"})
    assert (tmp_path / "dist" / "kg.nt").read_bytes() == b"x"


def test_an_output_folder_is_created_or_refused_in_one_line(tmp_path: Path) -> None:
    ensure_folder(tmp_path / "a" / "dist")
    assert (tmp_path / "a" / "dist").is_dir()
    (tmp_path / "file").write_bytes(b"x")
    (tmp_path / "ro").mkdir(mode=0o555)
    for folder, message in [(tmp_path / "file", "is not a folder"), (tmp_path / "ro", "read-only")]:
        with pytest.raises(KGError, match=message) as caught:
            ensure_folder(folder)
        assert str(caught.value).startswith(f"{folder}: ")
    with pytest.raises(KGError, match="Not a directory"):
        ensure_folder(tmp_path / "file" / "dist")
    assert (tmp_path / "file").read_bytes() == b"x" and os.listdir(tmp_path / "ro") == []


@pytest.mark.parametrize("call", ["write", "fsync"])
def test_a_full_disk_is_one_error_naming_the_output_and_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    target = tmp_path / "kg.nt"
    target.write_bytes(b"previous")

    def full(*args: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, call, full)
    with pytest.raises(KGError, match="No space left on device") as caught:
        write_output(target, b"new" * 1000)
    assert str(caught.value).startswith(f"{target}: ") and "\n" not in str(caught.value)
    assert target.read_bytes() == b"previous" and os.listdir(tmp_path) == ["kg.nt"]


def test_a_full_device_is_one_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    with fifo_reader(fifo), pytest.raises(KGError, match="No space left on device") as caught:
        write_output(fifo, b"x")
    assert str(caught.value).startswith(f"{fifo}: ")


def test_a_closed_pipe_is_reported_as_a_broken_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def open_and_close() -> None:
        with open(fifo, "rb"):
            pass  # the reader goes away before the writer writes

    reader = threading.Thread(target=open_and_close, daemon=True)
    reader.start()
    with pytest.raises(BrokenPipeError):  # the CLI ends quietly with 141 on it, as `cat` would
        write_output(fifo, b"x" * 1_000_000)
    reader.join(10)


# ----------------------------------------------------------------------------------------------
# write_sorted_runs: an output larger than memory, merged from sorted runs spilled to files
# ----------------------------------------------------------------------------------------------

RUNS = [b"a\nc\ne\n", b"b\nc\nd\n", b"a\nf\n"]  # sorted each; a and c are in two runs


def test_sorted_runs_are_merged_with_each_line_once(tmp_path: Path) -> None:
    target = tmp_path / "kg.nq"
    assert write_sorted_runs(target, iter(RUNS)) == 6
    assert target.read_bytes() == b"a\nb\nc\nd\ne\nf\n"
    assert os.listdir(tmp_path) == ["kg.nq"] and stat.S_IMODE(target.stat().st_mode) == 0o644


def test_the_merge_gives_the_bytes_of_sorting_every_line_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many runs of random lines, some shared, written in many chunks of the merge."""
    import random

    import kg.atomic

    monkeypatch.setattr(kg.atomic, "_MERGE_CHUNK", 4096)

    rng = random.Random(15)
    pool = [f'<s{rng.randrange(10**9)}> <p> "{"x" * rng.randrange(200)}" .\n'.encode() for _ in range(3000)]
    runs = [b"".join(sorted(set(rng.sample(pool, 700)))) for _ in range(9)]
    target = tmp_path / "kg.nq"
    expected = b"".join(sorted({line for run in runs for line in run.splitlines(keepends=True)}))
    assert len(expected) > 50 * 4096
    assert write_sorted_runs(target, runs) == expected.count(b"\n")
    assert target.read_bytes() == expected


_LINES = st.lists(st.binary(max_size=6).filter(lambda b: b"\n" not in b).map(lambda b: b + b"\n"), max_size=30)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(runs=st.lists(_LINES.map(lambda lines: b"".join(sorted(lines))), max_size=6), block=st.integers(1, 40))
def test_the_merge_of_any_sorted_runs_is_their_sorted_distinct_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runs: list[bytes], block: int
) -> None:
    """Any bytes but a line feed, lines that begin others, a line repeated in a run and across runs,
    empty runs, and blocks of a few bytes: the merge is every distinct line once, in byte order."""
    import kg.atomic

    monkeypatch.setattr(kg.atomic, "_MERGE_CHUNK", block)
    target = tmp_path / "kg.nq"
    expected = sorted({line + b"\n" for run in runs for line in run.split(b"\n")[:-1]})  # not splitlines: \r
    assert write_sorted_runs(target, runs) == len(expected)
    assert target.read_bytes() == b"".join(expected)


def _merged(tmp_path: Path, runs: list[bytes], *, distinct_runs: bool) -> tuple[int, bytes]:
    from kg.atomic import SortedRuns

    target = tmp_path / "kg.nq"
    with SortedRuns(target) as spilled:
        for run in runs:
            spilled.add(run)
        count = spilled.merge(distinct_runs=distinct_runs)
    return count, target.read_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    runs=st.lists(_LINES.map(lambda lines: b"".join(sorted(set(lines)))), max_size=6),
    block=st.integers(1, 40),
    apart=st.booleans(),
)
def test_the_merge_of_runs_with_each_line_once_copies_blocks_and_gives_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runs: list[bytes], block: int, apart: bool
) -> None:
    """With `distinct_runs` (no run has a line twice), blocks below every other run's next line are
    written as read: the same lines, the same count. `apart` gives runs of ranges that do not overlap
    but for a few shared lines, as an import's are."""
    import kg.atomic

    if apart:  # run i's lines prefixed by its number, and a line or two every run has
        runs = [
            b"".join(sorted({bytes([65 + i]) + line for line in run.splitlines(keepends=True)} | {b"@\n", b"Z\n"}))
            for i, run in enumerate(runs)
        ]
    monkeypatch.setattr(kg.atomic, "_MERGE_CHUNK", block)
    expected = sorted({line + b"\n" for run in runs for line in run.split(b"\n")[:-1]})
    assert _merged(tmp_path, runs, distinct_runs=True) == (len(expected), b"".join(expected))


def test_an_imports_runs_are_mostly_copied_as_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten runs of consecutive ids and a few shared lines: the merge writes whole blocks, and the bytes
    are those of the line by line merge."""
    import kg.atomic

    monkeypatch.setattr(kg.atomic, "_MERGE_CHUNK", 4096)
    shared = [f"<actor/{n}> <p> <o> .\n".encode() for n in range(5)]
    runs = [
        b"".join(
            sorted(
                {
                    f"<{kind}/{i * 1000 + n:06d}> <p> <o> .\n".encode()
                    for kind in ("event", "report")
                    for n in range(1000)
                }
                | set(shared[: i % 5 + 1])
            )
        )
        for i in range(10)
    ]
    written: list[int] = []
    real = kg.atomic._Block.split

    def split(block: kg.atomic._Block) -> list[bytes]:
        written.append(len(block.raw))
        return real(block)

    monkeypatch.setattr(kg.atomic._Block, "split", split)
    copied = _merged(tmp_path, runs, distinct_runs=True)
    assert copied[0] == 20_005 and sum(written) < len(copied[1]) / 4  # most blocks were never split into lines
    monkeypatch.setattr(kg.atomic._Block, "split", real)
    assert copied == _merged(tmp_path, runs, distinct_runs=False)


def test_no_run_writes_an_empty_file(tmp_path: Path) -> None:
    target = tmp_path / "kg.nq"
    assert write_sorted_runs(target, []) == 0
    assert target.read_bytes() == b""


def test_runs_stay_on_disk_not_in_memory_while_they_come(tmp_path: Path) -> None:
    """When the second run is asked for, the first is already in a temporary file beside the target."""
    target = tmp_path / "kg.nq"
    seen: list[list[str]] = []

    def runs() -> Iterator[bytes]:
        for run in RUNS:
            yield run
            seen.append(sorted(os.listdir(tmp_path)))

    write_sorted_runs(target, runs())
    assert [len(names) for names in seen] == [1, 2, 3]
    assert all(name.startswith(".kg.nq.") and name.endswith(".tmp") for name in seen[-1])
    assert os.listdir(tmp_path) == ["kg.nq"]


def test_a_failing_source_of_runs_keeps_the_old_output_and_leaves_no_run(tmp_path: Path) -> None:
    target = tmp_path / "kg.nq"
    target.write_bytes(b"previous")

    def runs() -> Iterator[bytes]:
        yield from RUNS
        raise KGError("the last partition has a violation")

    with pytest.raises(KGError, match="violation"):
        write_sorted_runs(target, runs())
    assert target.read_bytes() == b"previous" and os.listdir(tmp_path) == ["kg.nq"]


def test_a_full_disk_during_the_merge_is_one_error_and_keeps_the_old_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runs are spilled (three writes); the disk fills on the merged output's second chunk."""
    import kg.atomic

    target = tmp_path / "kg.nq"
    target.write_bytes(b"previous")
    monkeypatch.setattr(kg.atomic, "_MERGE_CHUNK", 4)
    real_write = os.write
    calls: list[int] = []

    def filling(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) == 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", filling)
    with pytest.raises(KGError, match="No space left on device") as caught:
        write_sorted_runs(target, RUNS)
    assert str(caught.value).startswith(f"{target}: ") and "\n" not in str(caught.value)
    assert len(calls) == 5
    assert target.read_bytes() == b"previous" and os.listdir(tmp_path) == ["kg.nq"]


def test_sorted_runs_through_a_symlink_replace_the_file_and_keep_its_mode(tmp_path: Path) -> None:
    real, link = tmp_path / "real.nq", tmp_path / "link.nq"
    real.write_bytes(b"old")
    real.chmod(0o600)
    link.symlink_to(real.name)
    write_sorted_runs(link, RUNS)
    assert link.is_symlink() and real.read_bytes() == b"a\nb\nc\nd\ne\nf\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


def test_sorted_runs_to_a_pipe_are_streamed(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with fifo_reader(fifo) as received:
        write_sorted_runs(fifo, RUNS)
    assert received == [b"a\nb\nc\nd\ne\nf\n"]
    assert os.listdir(tmp_path) == ["fifo"]


def test_sorted_runs_to_a_folder_are_refused_before_any_run_is_read(tmp_path: Path) -> None:
    asked: list[int] = []

    def runs() -> Iterator[bytes]:
        asked.append(1)
        yield b"a\n"

    with pytest.raises(KGError, match="is a folder"):
        write_sorted_runs(tmp_path, runs())
    assert asked == [] and os.listdir(tmp_path) == []
