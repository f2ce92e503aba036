"""Publishing a build as one step (kg.atomic.publish_build): a versioned folder, then one symlink switch.

A `kg build` killed at a chosen point (SIGKILL in a subprocess, at the k-th rename it makes, or in the
middle of writing its files) leaves the previous build whole, its void.ttl checksums matching its
files, or the new build whole; never a mix. The next run removes what the killed one left. A full disk
(ENOSPC, injected in-process) is one line and exit 2 wherever a build writes.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.namespace import DCAT

from kg.atomic import BUILDS, CURRENT, published_dir, write_files_atomically
from kg.cli import main
from kg.namespaces import SPDX
from kg.store import STORE_MANIFEST, published_files, store_dist_dir, write_manifest

MINIMAL = Path(__file__).parent / "cases" / "mapping" / "minimal"
INPUTS = ["--articles", str(MINIMAL / "articles"), "--registry", str(MINIMAL / "registry.yaml")]
OLD_BASE, NEW_BASE = "https://example.org/old/", "https://example.org/new/"
NAMES = ("kg.jsonld", "kg.nt", "kg.ttl", "ontology.ttl", "void.ttl")

#: run `kg build ARGS…` in a subprocess that kills itself with SIGKILL on the N-th call of os.FUNCTION
KILLER = """
import os, signal, sys
function, n = sys.argv[1], int(sys.argv[2])
real, calls = getattr(os, function), [0]
def killing(*args, **kwargs):
    calls[0] += 1
    if calls[0] == n:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
setattr(os, function, killing)
from kg.cli import main
sys.exit(main(sys.argv[3:]))
"""


def build(dist: Path, base: str, *extra: str) -> None:
    assert main(["build", *INPUTS, "--dist", str(dist), "--base", base, *extra]) == 0


def published(dist: Path) -> dict[str, bytes]:
    """The files a reader of `dist` sees, by name."""
    return {name: (dist / name).read_bytes() for name in NAMES if (dist / name).is_file()}


def assert_consistent(dist: Path) -> None:
    """Every dump void.ttl describes is in dist/ with the size and SHA-256 void.ttl gives."""
    void = Graph().parse(data=(dist / "void.ttl").read_bytes(), format="turtle")
    described = set()
    for distribution in void.subjects(DCAT.downloadURL, None):
        name = str(void.value(distribution, DCAT.downloadURL)).rsplit("/", 1)[1]
        data = (dist / name).read_bytes()
        checksum = void.value(distribution, SPDX.checksum)
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest(), name
        assert int(void.value(distribution, DCAT.byteSize)) == len(data), name
        described.add(name)
    assert described == {"kg.ttl", "kg.nt", "kg.jsonld", "kg-types.nt"}


def leftovers(dist: Path) -> list[str]:
    """Temporary files, unpublished folders and old builds: all that a finished run does not leave."""
    found = [p.name for p in dist.iterdir() if p.name.endswith(".tmp")]
    builds = dist / BUILDS
    if builds.is_dir():
        current = os.readlink(builds / CURRENT)
        versions = sorted(p.name for p in builds.iterdir() if p.name[0].isdigit())
        found += [p.name for p in builds.iterdir() if p.name.startswith(".staging") or p.name.endswith(".tmp")]
        found += versions[: max(0, versions.index(current) - 1)] + versions[versions.index(current) + 1 :]
    for folder in (dist / ".kg-cache", dist / ".kg-cache" / "chunks", dist / ".kg-cache" / "union"):
        found += [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] if folder.is_dir() else []
    return found


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dist/ with one build (old base), for tests to copy."""
    dist = tmp_path_factory.mktemp("first") / "dist"
    build(dist, OLD_BASE)
    return dist


def copy_of(first: Path, tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    shutil.copytree(first, dist, symlinks=True)
    return dist


@pytest.fixture(scope="module")
def builds(first: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """What a build with the old base and one with the new base publish."""
    dist = tmp_path_factory.mktemp("reference")
    build(dist, NEW_BASE)
    old, new = published(first), published(dist)
    assert old["kg.nt"] != new["kg.nt"]
    return old, new


def test_published_names_link_through_one_switch(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build(dist, OLD_BASE)
    first = published_dir(dist)
    assert first.parent == dist / BUILDS and first.name.startswith("000001-")
    for name in NAMES:
        assert os.readlink(dist / name) == f"{BUILDS}/{CURRENT}/{name}"
        assert (first / name).is_file() and not (first / name).is_symlink()
        assert (first / name).stat().st_mode & 0o777 == 0o644
    assert_consistent(dist)
    build(dist, NEW_BASE)
    build(dist, OLD_BASE, "--full")
    third = published_dir(dist)
    versions = sorted(p.name for p in (dist / BUILDS).iterdir() if p.name[0].isdigit())
    assert [v[:6] for v in versions] == ["000002", "000003"]  # the current build and the previous one
    assert third.name == versions[1] and third.name[7:] == first.name[7:]  # the same files, the same digest
    assert leftovers(dist) == []


@pytest.mark.parametrize(
    ("function", "call", "outcome"),
    [("rename", 1, "old"), ("replace", 1, "old"), ("replace", 2, "new"), ("fsync", 2, "old")],
    ids=["before-folder-rename", "before-switch", "after-switch", "mid-write"],
)
def test_a_killed_build_leaves_one_whole_build(
    tmp_path: Path,
    first: Path,
    builds: tuple[dict[str, bytes], dict[str, bytes]],
    function: str,
    call: int,
    outcome: str,
) -> None:
    """Killed at the chosen call, the reader sees the whole old build or the whole new one; the next run cleans up.

    The second build changes every file (another base IRI). Its renames, in order: os.rename of the
    written build folder, os.replace of the `current` link (the switch), os.replace of cache files.
    """
    dist = copy_of(first, tmp_path)
    args = ["build", *INPUTS, "--dist", str(dist), "--base", NEW_BASE]
    proc = subprocess.run([sys.executable, "-c", KILLER, function, str(call), *args], capture_output=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert published(dist) == builds[0 if outcome == "old" else 1]
    assert_consistent(dist)
    build(dist, NEW_BASE)
    assert published(dist) == builds[1]
    assert_consistent(dist)
    assert leftovers(dist) == []


def test_a_kill_leftover_is_removed_even_when_nothing_is_rebuilt(tmp_path: Path, first: Path) -> None:
    """Killed before its switch, a build of the same inputs as the last leaves nothing to write: its
    leftovers still go."""
    dist = copy_of(first, tmp_path)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLER,
            "replace",
            "1",
            "build",
            *INPUTS,
            "--dist",
            str(dist),
            "--base",
            OLD_BASE,
            "--full",
        ],
        capture_output=True,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert leftovers(dist) != []  # the written, unpublished build folder
    build(dist, OLD_BASE)
    assert leftovers(dist) == []


def test_files_of_an_older_kg_are_adopted_whole(
    tmp_path: Path, builds: tuple[dict[str, bytes], dict[str, bytes]]
) -> None:
    """dist/ written by kg before versioned builds (regular files) becomes the previous build, unchanged."""
    dist = tmp_path / "dist"
    dist.mkdir()
    for name, data in builds[0].items():
        (dist / name).write_bytes(data)
    (dist / ".kg.nt.999999999.abcd1234.tmp").write_bytes(b"left by a killed writer")
    (dist / ".kg.ttl.k2x_9qwe.tmp").write_bytes(b"left by a killed writer of an older kg, without its pid")
    build(dist, NEW_BASE)
    assert published(dist) == builds[1]
    previous = sorted(p for p in (dist / BUILDS).iterdir() if p.name[0].isdigit())[0]
    assert previous.name == "000000-unversioned"
    assert {name: (previous / name).read_bytes() for name in NAMES} == builds[0]
    assert leftovers(dist) == []


def test_a_dist_copied_by_following_its_links_is_published_again(
    tmp_path: Path, first: Path, builds: tuple[dict[str, bytes], dict[str, bytes]]
) -> None:
    """`cp -rL` or shutil.copytree make the links regular files and `current` a folder: a failed build
    leaves that copy as it is, and a build adopts its files and publishes as usual."""
    dist = tmp_path / "dist"
    shutil.copytree(first, dist)  # follows the links
    assert not (dist / "kg.ttl").is_symlink() and not (dist / BUILDS / CURRENT).is_symlink()
    before = sorted(str(p.relative_to(dist)) for p in dist.rglob("*") if ".kg-cache" not in p.parts)
    assert main(["build", *INPUTS, "--dist", str(dist), "--base", "not-an-iri"]) == 2
    assert main(["build", "--registry", str(tmp_path / "nope.yaml"), "--dist", str(dist)]) == 2
    assert sorted(str(p.relative_to(dist)) for p in dist.rglob("*") if ".kg-cache" not in p.parts) == before
    build(dist, NEW_BASE)
    assert published(dist) == builds[1]
    assert_consistent(dist)
    versions = sorted(p.name for p in (dist / BUILDS).iterdir() if p.name[0].isdigit())
    assert versions[0].endswith("-unversioned") and len(versions) == 2
    assert {name: (dist / BUILDS / versions[0] / name).read_bytes() for name in NAMES} == builds[0]
    assert leftovers(dist) == []


def test_a_reader_resolving_the_build_once_keeps_it(tmp_path: Path, first: Path) -> None:
    """A reader (kg serve, kg push) that resolved published_dir keeps reading one build across a publish."""
    dist = copy_of(first, tmp_path)
    folder = published_dir(dist)
    before = {name: (folder / name).read_bytes() for name in NAMES}
    build(dist, NEW_BASE)
    assert published_dir(dist) != folder
    assert {name: (folder / name).read_bytes() for name in NAMES} == before
    assert_consistent(folder)


def test_a_store_names_the_dist_it_was_loaded_from(tmp_path: Path, first: Path) -> None:
    """`kg serve --store` takes its dumps from the dist/ the store was loaded from, not from one build's folder
    (which later builds remove); its manifest records the files' real paths, inside .kg-builds/."""
    dist, store = copy_of(first, tmp_path), tmp_path / "store"
    write_manifest(store, [dist / "kg.nt", dist / "ontology.ttl"])  # what `kg build --store` records
    assert BUILDS in json.loads((store / STORE_MANIFEST).read_text())["files"].popitem()[0]
    assert store_dist_dir(store) == dist.resolve()


def test_inferred_triples_of_kg_reason_are_read_beside_the_build(tmp_path: Path, first: Path) -> None:
    """`kg reason` writes dist/kg-inferred.ttl, not into a build: readers of the build find it there."""
    dist = copy_of(first, tmp_path)
    assert not (dist / "kg-inferred.ttl").exists()
    write_files_atomically({dist / "kg-inferred.ttl": b"# inferred\n"})  # what `kg reason` does
    files = published_files(dist, include_inferred=True)
    build = published_dir(dist)
    assert files == [build / "kg.ttl", build / "ontology.ttl", dist / "kg-inferred.ttl", build / "kg-types.nt"]


def no_space(*args: Any, **kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("function", ["write", "fsync", "rename", "replace", "symlink", "mkdir"])
def test_a_full_disk_is_one_line_and_exit_2(
    tmp_path: Path, first: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], function: str
) -> None:
    """ENOSPC from any of the calls a build writes with: one line, exit 2, the last build untouched."""
    dist = copy_of(first, tmp_path)
    before = published(dist)
    capsys.readouterr()
    monkeypatch.setattr(os, function, no_space)
    if function == "mkdir":  # pathlib's mkdir calls os.mkdir: a fresh cache folder must be made
        code = main(["build", *INPUTS, "--dist", str(dist), "--base", NEW_BASE, "--cache", str(tmp_path / "c")])
    else:
        code = main(["build", *INPUTS, "--dist", str(dist), "--base", NEW_BASE])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "No space left on device" in err, err
    assert published(dist) == before
    assert_consistent(dist)


def test_files_written_ahead_of_the_switch_survive_its_clean_up(
    tmp_path: Path, first: Path, builds: tuple[dict[str, bytes], dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dumps are written as temporary files in .kg-builds/ before publish_build, which first removes
    dead writers' temporary files: a random part of digits only must not read as a (dead) writer's pid."""
    import secrets

    dist = copy_of(first, tmp_path)
    monkeypatch.setattr(secrets, "token_hex", lambda n: "1234567890"[: 2 * n])
    build(dist, NEW_BASE)
    monkeypatch.undo()
    assert published(dist) == builds[1]
    assert_consistent(dist)
    assert leftovers(dist) == []
