"""Atomic writes (``write_rds``, ``rds.dump``, the command line's outputs): whole old or
whole new file under ``kill -9``, no temporary file left behind, permissions kept,
symbolic links never replaced or written through silently."""
from __future__ import annotations

import os
import random
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip import atomic
from pykerasnip.errors import UnsafeWriteError
from conftest import ROOT

MODES = ["unnamed", "named"]


@pytest.fixture(params=MODES)
def mode(request, monkeypatch, tmp_path) -> str:
    """Each test twice: through unnamed temporary files (O_TMPFILE) and named ones."""
    unnamed = atomic._UNNAMED and atomic._unnamed_linker(str(tmp_path)) is not None
    if request.param == "unnamed" and not unnamed:
        pytest.skip("no O_TMPFILE + linkat here: only named temporary files are used")
    monkeypatch.setattr(atomic, "_UNNAMED", request.param == "unnamed")
    return request.param


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".pykerasnip-"))


def frame(value: float, rows: int = 1000) -> pd.DataFrame:
    return pd.DataFrame({"x": np.full(rows, value)})


# -- kill -9 ------------------------------------------------------------------------------
KILLED_WRITER = """
import sys
import numpy as np, pandas as pd
from pykerasnip import atomic, write_rds
target, mode, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
atomic._UNNAMED = mode == "unnamed"
frames = [pd.DataFrame({"x": np.full(rows, v)}) for v in (1.0, 2.0)]
print("ready", flush=True)
i = 0
while True:
    write_rds(frames[i % 2], target, compress=None)
    i += 1
"""
ROWS = 2_000_000  # 16 MB per write
KILLS = 24


@pytest.mark.slow
def test_kill_9_leaves_the_target_whole_and_no_temporary_file(mode: str, tmp_path: Path) -> None:
    target = tmp_path / "big.rds"
    wanted = []
    for value in (1.0, 2.0):
        pk.write_rds(frame(value, ROWS), target, compress=None)
        wanted.append(target.read_bytes())
    script = tmp_path / "writer.py"
    script.write_text(KILLED_WRITER)
    started = time.perf_counter()
    pk.write_rds(frame(1.0, ROWS), target, compress=None)
    write_seconds = time.perf_counter() - started
    rng = random.Random(17)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    seen, leftovers = set(), 0
    for _ in range(KILLS):
        child = subprocess.Popen([sys.executable, str(script), str(target), mode, str(ROWS)],
                                 stdout=subprocess.PIPE, env=env)
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0, 3 * write_seconds))
        child.kill()
        child.wait()
        child.stdout.close()
        content = target.read_bytes()
        assert content in wanted, "the target is neither the old file nor the new one"
        seen.add(wanted.index(content))
        left = temporaries(tmp_path)
        if mode == "unnamed":  # at most the instant between linkat() and rename()
            assert len(left) <= 1 and all(f"-{child.pid}-" in name for name in left), left
        else:  # the killed writer's file, removed by the next write in the folder
            assert all(f"-{child.pid}-" in name for name in left), left
        leftovers += len(left)
        pk.write_rds(frame(3.0, 10), tmp_path / "other.rds")  # the next write cleans up
        assert temporaries(tmp_path) == []
    assert seen == {0, 1}, "the kills never landed between two writes of different content"
    if mode == "named":
        assert leftovers > 0, "no kill landed during a write"


def test_an_unnamed_temporary_file_has_no_name_while_written(mode: str, tmp_path: Path) -> None:
    if mode != "unnamed":
        pytest.skip("named temporary files have a name by design")
    with atomic.atomic_file(tmp_path / "a.bin") as fh:
        fh.write(b"x" * 1_000_000)
        assert list(tmp_path.iterdir()) == []
    assert (tmp_path / "a.bin").read_bytes() == b"x" * 1_000_000
    assert os.listdir(tmp_path) == ["a.bin"]


def test_an_error_while_writing_leaves_the_target_and_no_temporary(mode: str,
                                                                    tmp_path: Path) -> None:
    target = tmp_path / "t.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="boom"):
        with atomic.atomic_file(target) as fh:
            fh.write(b"new")
            raise RuntimeError("boom")
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["t.bin"]


def test_stale_temporaries_of_dead_writers_are_removed_and_live_ones_kept(mode: str,
                                                                          tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    host = atomic._HOST
    names = {
        "dead": f".pykerasnip-{host}-{dead}-0a1b2c.tmp",
        "live": f".pykerasnip-{host}-{os.getpid()}-0a1b2c.tmp",
        "other_host": f".pykerasnip-elsewhere.example-{dead}-0a1b2c.tmp",
        "old_random": ".pykerasnip-k3j_x9ab.tmp",       # what older versions named them
        "new_random": ".pykerasnip-q8w_e7rt.tmp",
        "unrelated": ".pykerasnip-notes.txt",
    }
    for name in names.values():
        (tmp_path / name).write_bytes(b"partial")
    two_hours_ago = time.time() - 2 * 3600
    os.utime(tmp_path / names["old_random"], (two_hours_ago, two_hours_ago))
    pk.write_rds(frame(1.0), tmp_path / "t.rds")
    kept = {k for k, name in names.items() if (tmp_path / name).exists()}
    assert kept == {"live", "other_host", "new_random", "unrelated"}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_stale_temporaries_of_other_users_are_left_alone(tmp_path: Path) -> None:
    stale = tmp_path / f".pykerasnip-{atomic._HOST}-999999999-0a1b2c.tmp"
    stale.write_bytes(b"partial")
    os.chown(stale, 12345, 12345)
    pk.write_rds(frame(1.0), tmp_path / "t.rds")
    assert stale.exists()


# -- permissions -------------------------------------------------------------------------
@pytest.mark.parametrize("existing", [0o600, 0o640, 0o755, 0o444])
def test_an_existing_file_keeps_its_mode(existing: int, mode: str, tmp_path: Path) -> None:
    target = tmp_path / "t.rds"
    target.write_bytes(b"old")
    os.chmod(target, existing)
    pk.write_rds(frame(1.0), target)
    assert stat.S_IMODE(target.stat().st_mode) == existing
    assert pk.read_rds(target).equals(frame(1.0))


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077, 0o002])
def test_a_new_file_gets_what_open_gives_under_the_umask(umask: int, mode: str,
                                                          tmp_path: Path) -> None:
    old = os.umask(umask)
    try:
        pk.write_rds(frame(1.0), tmp_path / "t.rds")
        with open(tmp_path / "plain", "wb"):
            pass
    finally:
        os.umask(old)
    written = stat.S_IMODE((tmp_path / "t.rds").stat().st_mode)
    assert written == 0o666 & ~umask == stat.S_IMODE((tmp_path / "plain").stat().st_mode)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_an_existing_file_keeps_its_owner_when_root_writes_it(mode: str, tmp_path: Path) -> None:
    target = tmp_path / "t.rds"
    target.write_bytes(b"old")
    os.chown(target, 12345, 23456)
    pk.write_rds(frame(1.0), target)
    assert (target.stat().st_uid, target.stat().st_gid) == (12345, 23456)


# -- links and special files -----------------------------------------------------------------
def test_a_symbolic_link_is_refused_by_default(mode: str, tmp_path: Path) -> None:
    real, link = tmp_path / "real.rds", tmp_path / "link.rds"
    real.write_bytes(b"old")
    link.symlink_to(real)
    with pytest.raises(UnsafeWriteError, match=r"symbolic link .*follow_symlinks=True"):
        pk.write_rds(frame(1.0), link)
    assert link.is_symlink() and real.read_bytes() == b"old"
    assert temporaries(tmp_path) == []


def test_follow_symlinks_writes_the_file_the_link_points_to(mode: str, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    real, link = tmp_path / "sub" / "real.rds", tmp_path / "link.rds"
    real.write_bytes(b"old")
    os.chmod(real, 0o600)
    link.symlink_to(Path("sub") / "real.rds")
    pk.write_rds(frame(2.0), link, follow_symlinks=True)
    assert link.is_symlink() and os.readlink(link) == os.path.join("sub", "real.rds")
    assert pk.read_rds(real).equals(frame(2.0))
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    dangling = tmp_path / "dangling.rds"
    dangling.symlink_to(tmp_path / "sub" / "new.rds")
    pk.write_rds(frame(3.0), dangling, follow_symlinks=True)
    assert pk.read_rds(tmp_path / "sub" / "new.rds").equals(frame(3.0))


def test_a_symbolic_link_loop_is_refused_even_when_following(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(UnsafeWriteError, match="loop"):
        pk.write_rds(frame(1.0), tmp_path / "a", follow_symlinks=True)


def test_special_files_and_folders_are_not_replaced(tmp_path: Path) -> None:
    with pytest.raises(UnsafeWriteError, match="not a regular file"):
        pk.write_rds(frame(1.0), "/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(UnsafeWriteError, match="not a regular file"):
        pk.write_rds(frame(1.0), fifo)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    with pytest.raises(IsADirectoryError):
        pk.write_rds(frame(1.0), tmp_path)


def test_a_missing_folder_is_a_file_not_found_error_naming_it(mode: str, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as info:
        pk.write_rds(frame(1.0), tmp_path / "no" / "t.rds")
    assert str(tmp_path / "no") in str(info.value.filename)


@pytest.mark.parametrize("hint", [1, 10_000, 30 << 20])
def test_a_wrong_size_hint_changes_nothing_but_the_speed(mode: str, hint: int, tmp_path: Path) -> None:
    """The size given for the reservation (and the write-back of every few MiB) never
    changes the bytes: a file ends where its data ends."""
    data = np.random.default_rng(hint).bytes(20 << 20)
    target = tmp_path / "out.bin"
    atomic.write_atomically(target, [data[:7], data[7:]], size=hint)
    assert target.read_bytes() == data
    assert temporaries(tmp_path) == []
