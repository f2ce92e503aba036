"""Every command that writes goes through kg.atomic: `-o -`, pipes, closed pipes, full disks, refusals.

A closed pipe (`kg … | head -1`) ends kg quietly with 141, what a shell reports for `cat` in the same
place; a write that fails is one line and exit 2.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from kg.cli import main
from test_atomic import fifo_reader

SELECT = "SELECT ?s WHERE { ?s a ?c } ORDER BY ?s LIMIT 3"


def kg_into_closed_pipe(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m kg ARGS` in `cwd` with stdout a pipe whose reader has gone (`kg … | head -0`)."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # closed before kg starts: its first write to stdout meets a broken pipe
    try:
        return subprocess.run(
            [sys.executable, "-m", "kg", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=cwd,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)


EXPORTED = "kg export: gexf, projection full\n"  # what `kg export` says on stderr once the files are written


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (("schema", "annotation"), ""),
        (("query", "--sparql", SELECT, "--dist", "DIST"), ""),
        (("export", "gexf", "--dist", "DIST", "-o", "-"), ""),
        (("export", "gexf", "--dist", "DIST", "-o", "TMP/x.gexf"), EXPORTED),  # then prints the path
    ],
    ids=["schema", "query", "export-stdout", "export-file"],
)
def test_a_closed_pipe_ends_quietly_with_141(
    args: tuple[str, ...], stderr: str, built_dist: Path, tmp_path: Path
) -> None:
    (tmp_path / "cwd").mkdir()
    argv = [a.replace("DIST", str(built_dist)).replace("TMP", str(tmp_path)) for a in args]
    done = kg_into_closed_pipe(*argv, cwd=tmp_path / "cwd")
    assert (done.returncode, done.stderr.decode()) == (141, stderr)
    assert not os.listdir(tmp_path / "cwd")  # `-o -` is stdout, not a file named `-`


def test_dash_is_stdout(
    built_dist: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    assert main(["export", "gexf", "--dist", str(built_dist), "-o", "-"]) == 0
    gexf = capfdbinary.readouterr().out
    assert gexf.startswith(b"<?xml") and gexf.rstrip().endswith(b"</gexf>")  # the file and nothing else
    assert main(["export", "gexf", "--dist", str(built_dist), "-o", str(tmp_path / "x.gexf")]) == 0
    assert capfdbinary.readouterr().out == f"{tmp_path / 'x.gexf'}\n".encode()
    assert (tmp_path / "x.gexf").read_bytes() == gexf
    assert main(["schema", "registry", "-o", "-"]) == 0
    assert json.loads(capfdbinary.readouterr().out)["title"]
    assert main(["query", "--sparql", SELECT, "--dist", str(built_dist), "-f", "csv", "-o", "-"]) == 0
    assert capfdbinary.readouterr().out.startswith(b"s\r\n")
    assert not os.listdir(tmp_path / "cwd")


def test_schema_writes_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "annotation.schema.json"
    assert main(["schema", "annotation", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) and capsys.readouterr().out == ""


def test_export_into_a_fifo_streams_and_keeps_the_fifo(built_dist: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "graph.gexf"
    os.mkfifo(fifo)
    with fifo_reader(fifo) as received:
        assert main(["export", "gexf", "--dist", str(built_dist), "-o", str(fifo)]) == 0
    assert stat.S_ISFIFO(fifo.stat().st_mode) and os.listdir(tmp_path) == ["graph.gexf"]
    etree.fromstring(received[0])


@pytest.mark.parametrize("target", ["fifo", "-", "folder"])
def test_csv_says_how_it_names_its_two_files(
    target: str, built_dist: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "folder").mkdir()
    monkeypatch.chdir(tmp_path / "folder")
    output = target if target == "-" else str(tmp_path / target)
    with fifo_reader(tmp_path / "fifo"):
        assert main(["export", "csv", "--dist", str(built_dist), "-o", output]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "STEM-nodes.csv and STEM-edges.csv" in err and "-o names their STEM" in err
    assert sorted(os.listdir(tmp_path)) == ["fifo", "folder"] and not os.listdir(tmp_path / "folder")


def test_a_read_only_output_is_one_line_exit_2(
    built_dist: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = tmp_path / "kept.csv"
    kept.write_bytes(b"old")
    kept.chmod(0o444)
    assert main(["query", "--sparql", SELECT, "--dist", str(built_dist), "-f", "csv", "-o", str(kept)]) == 2
    assert main(["schema", "annotation", "-o", str(kept)]) == 2
    assert main(["export", "gexf", "--dist", str(built_dist), "-o", str(kept)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 3 and all(f"{kept}: " in line and "read-only" in line for line in lines)
    assert kept.read_bytes() == b"old"


def test_a_full_disk_is_one_line_exit_2(
    built_dist: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "kg.gexf"
    assert main(["export", "gexf", "--dist", str(built_dist), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kg export: error: {out}: ") and "No space left on device" in err
    assert len(err.splitlines()) == 1 and os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), "No space left on device"),
        (PermissionError(errno.EACCES, os.strerror(errno.EACCES), "/cache/f"), "/cache/f: Permission denied"),
        (NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), "/a/file/x"), "/a/file/x: Not a directory"),
    ],
    ids=["ENOSPC", "EACCES", "ENOTDIR"],
)
def test_an_environment_error_anywhere_is_one_line_exit_2(
    error: OSError, line: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A full disk or a denied permission met outside kg.atomic is still the user's to fix, not a bug."""

    def failing(name: str) -> object:
        raise error

    monkeypatch.setattr("kg.cli.schema.json_schema", failing)
    assert main(["schema", "annotation"]) == 2
    assert capsys.readouterr().err == f"kg schema: error: {line}\n"


def test_other_os_errors_are_still_bugs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def failing(name: str) -> object:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    monkeypatch.setattr("kg.cli.schema.json_schema", failing)
    assert main(["schema", "annotation"]) == 70
    assert "internal error" in capsys.readouterr().err
