"""Saving the safe way (issue 12, sections 1 and 5): never over what is not a regular file, one line
naming the user's path, no temporary file left, ordinary permissions, stale temporaries cleaned,
and a save killed with -9 never loses the earlier file."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time

import pytest

from core import atomic
from core.atomic import WriteError, check_target, remove_stale_temporaries, write_atomic
from core.io import ModelFileError, load_network, save_network
from core.network import Network
from tests import hostile as h

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0
KINDS = (["device", "full-device"] if ROOT_USER else []) + ["fifo", "socket", "folder"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_save_never_replaces_what_is_not_a_regular_file(tmp_path, kind):
    target = h.make_special(tmp_path / "target.npz", kind)
    with pytest.raises(ModelFileError, match=f"target.npz: it is a .*, not a regular file"):
        save_network(Network.mlp([784, 10, 10]), target)
    assert h.same_kind(target, kind)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target.npz"]  # no temporary file left


@pytest.mark.parametrize("kind", KINDS)
def test_check_target_names_the_kind_in_one_line(tmp_path, kind):
    target = h.make_special(tmp_path / "out.json", kind)
    with pytest.raises(WriteError) as info:
        check_target(target)
    assert str(target) in str(info.value) and len(str(info.value).splitlines()) == 1


def test_a_symbolic_link_is_written_through(tmp_path):
    real = tmp_path / "real.npz"
    save_network(Network.mlp([784, 10, 10]), real)
    link = tmp_path / "link.npz"
    link.symlink_to(real)
    save_network(Network.mlp([784, 20, 10]), link)
    assert link.is_symlink() and load_network(real).sizes == [784, 20, 10]


@pytest.mark.skipif(not ROOT_USER, reason="making a device node needs root")
def test_a_symbolic_link_to_a_device_is_refused(tmp_path):
    device = h.make_special(tmp_path / "null", "device")
    (tmp_path / "link.npz").symlink_to(device)
    with pytest.raises(ModelFileError, match="it is a device"):
        save_network(Network.mlp([784, 10, 10]), tmp_path / "link.npz")
    assert h.same_kind(device, "device")


def test_a_full_disk_names_the_users_path_and_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "keep.json"
    target.write_text("old")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(WriteError) as info:
        write_atomic(target, lambda f: f.write(b"new"))
    assert str(info.value) == f"cannot write {target}: No space left on device"
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["keep.json"]


def test_files_get_the_same_ordinary_mode(tmp_path):
    old = os.umask(0o027)
    try:
        a = save_network(Network.mlp([784, 10, 10]), tmp_path / "a.npz")
        b = write_atomic(tmp_path / "b.json", lambda f: f.write(b"{}"))
    finally:
        os.umask(old)
    assert os.stat(a).st_mode & 0o777 == os.stat(b).st_mode & 0o777 == 0o640


def _age(path, seconds):
    os.utime(path, (time.time() - seconds,) * 2)
    return path


def test_stale_temporaries_of_a_killed_save_are_removed_and_nothing_else(tmp_path):
    target = tmp_path / "net.npz"
    stale = _age(h.sparse_file(tmp_path / ".net.npz.ab12_xyz.tmp", 1000), 3600)
    fresh = h.sparse_file(tmp_path / ".net.npz.cd34efgh.tmp", 1000)  # a save going on right now
    others = [_age(h.sparse_file(tmp_path / name, 10), 3600) for name in
              (".net.npz.toolongname.tmp", ".other.npz.ab12cd34.tmp", "net.npz.ab12cd34.tmp", ".net.npz.AB12CD34.tmp")]
    linked = tmp_path / ".net.npz.ef56gh78.tmp"
    linked.symlink_to(others[0])
    os.utime(linked, (time.time() - 3600,) * 2, follow_symlinks=False)
    save_network(Network.mlp([784, 10, 10]), target)
    assert not stale.exists()
    assert fresh.exists() and linked.is_symlink() and all(p.exists() for p in others)


@pytest.mark.skipif(not ROOT_USER, reason="giving a file to another user needs root")
def test_a_stale_temporary_of_another_user_is_left_alone(tmp_path):
    theirs = _age(h.sparse_file(tmp_path / ".net.npz.ab12cd34.tmp", 10), 3600)
    os.chown(theirs, 12345, 12345)
    _age(theirs, 3600)
    assert remove_stale_temporaries(tmp_path / "net.npz") == [] and theirs.exists()


LOCKED = """
import fcntl, sys, time
f = open(sys.argv[1], "ab")
fcntl.flock(f.fileno(), fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(atomic.fcntl is None, reason="file locks are POSIX")
def test_a_temporary_that_a_live_writer_holds_is_left_alone(tmp_path):
    temp = tmp_path / ".net.npz.ab12cd34.tmp"
    writer = subprocess.Popen([sys.executable, "-c", LOCKED, str(temp)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "locked"
        _age(temp, 3600)  # a writer stalled for an hour, but alive
        assert remove_stale_temporaries(tmp_path / "net.npz") == [] and temp.exists()
    finally:
        writer.kill()
        writer.wait()
    assert remove_stale_temporaries(tmp_path / "net.npz") == [temp]


SAVER = """
import sys
from core.io import save_network
from core.network import Network
net = Network.mlp([784, 300, 10])
print("ready", flush=True)
while True:
    save_network(net, sys.argv[1])
"""


def test_kill_9_during_saves_never_loses_the_earlier_file(tmp_path):
    """What held (issue 12): a process saving over and over, killed at random moments; after every
    kill the file is a whole network (the old one or a new one)."""
    target = save_network(Network.mlp([784, 10, 10]), tmp_path / "net.npz")
    rng = random.Random(0)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    for _ in range(4):
        saver = subprocess.Popen([sys.executable, "-c", SAVER, str(target)], stdout=subprocess.PIPE, text=True, env=env)
        assert saver.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.02, 0.25))
        saver.kill()
        saver.wait()
        assert load_network(target).sizes in ([784, 10, 10], [784, 300, 10])
    leftovers = list(tmp_path.glob(".net.npz.*.tmp"))
    for temp in leftovers:  # a killed save's temporary file: removed by the next save once it is stale
        _age(temp, 3600)
    save_network(Network.mlp([784, 10, 10]), target)
    assert not list(tmp_path.glob(".net.npz.*.tmp"))
