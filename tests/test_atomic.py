"""Atomic output: all files land together, or none does and nothing is left behind."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from kg.atomic import write_files_atomically, write_output
from kg.errors import KGError


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


def test_an_output_through_a_symlink_replaces_the_file_it_points_to(tmp_path: Path) -> None:
    target, link = tmp_path / "target.csv", tmp_path / "link.csv"
    target.write_bytes(b"old")
    link.symlink_to(target)
    write_output(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "target.csv"]  # no temporary file left


def test_an_output_that_is_a_pipe_is_written_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, b"rows\n")
    reader.join(10)
    assert received == [b"rows\n"] and stat.S_ISFIFO(fifo.stat().st_mode)


def test_an_output_that_is_a_folder_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(KGError, match="folder"):
        write_output(tmp_path, b"x")
    assert list(tmp_path.iterdir()) == []
