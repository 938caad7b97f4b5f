"""Hostile inputs (issue 12): try every kind of bad file, target and argument on a checkout and count
what happens.

    python -m benchmarks.hostile_inputs                       # this checkout
    python -m benchmarks.hostile_inputs --before /tmp/base    # and another (say, main before the fix), side by side
    python -m benchmarks.hostile_inputs --big                 # the issue's sizes (3 GB of zeros) instead of 1 GB

The files are made by ``tests/hostile.py`` (which imports nothing of the project), and each case runs
the checkout's own code in a fresh process (``PYTHONPATH`` set to it, a throw-away MNIST cache), so
the same cases can be tried on any version. A case ends as

- ``clean``: refused with one line (exit status 2, or ``ModelFileError``/``DataError``) and nothing
  harmed, or accepted when it is valid;
- ``traceback``: a Python traceback, or an exception other than the one-line kind;
- ``silent-wrong``: no error but a wrong result (a device replaced by a file, a NaN network loaded,
  a save skipped, a temporary file left behind, a message that names a temporary file, a hang).

Peak memory is the process's peak resident size over its resident size just before the case (after
its imports; the kernel's high-water mark is reset first; Linux), or for whole ``nndl`` runs, over
an idle ``nndl presets``. Needs root for the device cases and the full-disk case (a 64 KB tmpfs);
they are skipped otherwise.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import hostile as h  # noqa: E402  (after the path: this file also runs as a script)

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0

# A child that loads each file given on its command line and prints one JSON line per file.
LOADER = h.MEMORY + """
import json, sys, traceback
from core.io import ModelFileError, load_network
import numpy as np
for path in sys.argv[1:]:
    base = start_peak()
    result = {"path": path}
    try:
        net = load_network(path)
        out = net.output(np.random.default_rng(0).random((3, 28, 28))) if np.prod(net.input_shape) == 784 else None
        result.update(outcome="loaded", finite=bool(out is None or np.isfinite(out).all()))
    except ModelFileError as exc:
        result.update(outcome="refused", message=str(exc))
    except BaseException as exc:
        result.update(outcome="traceback", message=traceback.format_exc()[-300:])
    result["peak_mb"] = peak_since(base)
    print(json.dumps(result), flush=True)
"""


class Run:
    """One checkout's results: (category, case, outcome, peak MB)."""

    def __init__(self, repo: Path, work: Path, big: bool):
        self.repo, self.work, self.big = repo, work, big
        self.cache = work / "cache"
        self.rows: list[tuple[str, str, str, float]] = []
        self.env = {**os.environ, "PYTHONPATH": str(repo), "NNDL_CACHE_DIR": str(self.cache),
                    "QT_QPA_PLATFORM": "offscreen"}
        self.idle = self.nndl("presets")[3]

    def add(self, category: str, case: str, outcome: str, peak: float = 0.0) -> None:
        self.rows.append((category, case, outcome, peak))

    def nndl(self, *args: str, timeout: float = 120, on_start=None):
        """Run ``python -m core ARGS``: (exit status, stdout, stderr, peak RSS MB)."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            p = subprocess.Popen([*h.python_with_default_signals(), "-m", "core", *args],
                                 stdout=out if on_start is None else subprocess.PIPE, stderr=err, env=self.env,
                                 cwd=self.work, text=True)
            if on_start is not None:
                on_start(p)
            status = self._wait(p, timeout)
            out.seek(0)
            err.seek(0)
            stdout = out.read().decode() if on_start is None else p.stdout.read()
            return status[0], stdout, err.read().decode(), status[1]

    @staticmethod
    def _wait(p: subprocess.Popen, timeout: float) -> tuple[int | str, float]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                p.returncode = os.waitstatus_to_exitcode(status)
                return p.returncode, usage.ru_maxrss / 1024
            time.sleep(0.01)
        p.kill()
        _, _, usage = os.wait4(p.pid, 0)
        p.returncode = -9
        return "hang", usage.ru_maxrss / 1024

    def python(self, code: str, *args: str, timeout: float = 300) -> list[dict]:
        p = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=self.env,
                           timeout=timeout, cwd=self.work)
        rows = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
        if "Traceback" in p.stderr and not rows:
            rows = [{"outcome": "traceback", "peak_mb": 0.0, "message": p.stderr[-300:]}]
        return rows

    def load(self, paths: list[Path], timeout: float = 300) -> list[dict]:
        try:
            return self.python(LOADER, *map(str, paths), timeout=timeout)
        except subprocess.TimeoutExpired:
            return [{"outcome": "hang", "peak_mb": 0.0}]


def one_line_refusal(status, stderr: str) -> bool:
    return status == 2 and "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1


def judge_cli(status, stderr: str, ok: bool) -> str:
    if "Traceback" in stderr:
        return "traceback"
    return "clean" if ok else "silent-wrong"


# --- the cases -------------------------------------------------------------------------------------

def save_targets(run: Run) -> None:
    """Issue 12 §1: --save and --json onto a device, a FIFO, a socket, a folder: refused before training."""
    kinds = (["device", "full-device"] if ROOT_USER else []) + ["fifo", "socket", "folder"]
    for flag in ("--save", "--json"):
        for kind in kinds:
            target = h.make_special(run.work / f"target-{flag[2:]}-{kind}", kind)
            status, out, err, peak = run.nndl("train", "--preset", "ch1", "--epochs", "1", "--train-size", "200",
                                              "--quiet", flag, str(target), timeout=120)
            ok = one_line_refusal(status, err) and "Epoch" not in out and h.same_kind(target, kind) \
                and str(target) in err and ".tmp" not in err and not list(run.work.glob(".*.tmp"))
            run.add("save targets", f"{flag} {kind}", judge_cli(status, err, ok), peak - run.idle)


def network_files(run: Run) -> None:
    """Issue 12 §2-3 and the 60,000-byte header of §4, each file loaded in a fresh process."""
    d = run.work / "files"
    d.mkdir(exist_ok=True)
    gigs = 3 if run.big else 1
    cases = {
        "declares 300,000 neurons, no arrays": (h.huge_declared(d / "huge.npz"), False),
        f"extra member of {gigs} GB zeros": (h.extra_zeros_member(d / "extra.npz", gigs * 10**9), False),
        f"weight array of {gigs} GB zeros": (h.bomb_weight(d / "bomb.npz", gigs * 10**9), False),
        "weights of ±3e38": (h.huge_weights(d / "big.npz"), False),
        "conv layer without activation": (h.conv_without_activation(d / "conv.npz"), False),
        "duplicate member (zeros second)": (h.duplicate_member(d / "dup.npz"), False),
        "60,000-byte .npy header": (h.long_header(d / "header.npz"), False),
        "300 MB file of zeros": (h.sparse_file(d / "sparse.npz", 300 * 10**6), False),
        "valid MLP": (h.valid_file(d / "valid.npz"), True),
        "valid CNN": (h.valid_file(d / "cnn.npz", h.cnn_spec()), True),
    }
    for name, (path, valid) in cases.items():
        (result,) = run.load([path])[:1] or [{"outcome": "traceback", "peak_mb": 0}]
        run.add("network files", name, _judge_load(result, valid), result["peak_mb"])
    specials = (["device"] if ROOT_USER else []) + ["fifo", "folder"]
    for kind in specials:
        target = h.make_special(d / f"special-{kind}", kind)
        status, _, err, peak = run.nndl("eval", str(target), timeout=20)
        run.add("network files", f"eval {kind}", "silent-wrong" if status == "hang" else
                judge_cli(status, err, one_line_refusal(status, err)), peak - run.idle)
    status, _, err, peak = run.nndl("eval", "/dev/zero", timeout=60)
    run.add("network files", "eval /dev/zero", judge_cli(status, err, one_line_refusal(status, err)), peak - run.idle)


def _judge_load(result: dict, valid: bool) -> str:
    if result["outcome"] in ("traceback",):
        return "traceback"
    if result["outcome"] == "hang":
        return "silent-wrong"
    if result["outcome"] == "refused":
        return "clean" if not valid and len(result["message"].splitlines()) == 1 else "silent-wrong"
    return "clean" if valid and result.get("finite") else "silent-wrong"


def fuzzed_files(run: Run, n: int = 300) -> None:
    """Random damage to valid files: bit flips, truncations, members dropped or doubled, metadata
    fields deleted or given other types. Loaded (finite outputs) or refused in one line is clean."""
    rng = random.Random(12)
    d = run.work / "fuzz"
    d.mkdir(exist_ok=True)
    base = [h.network_members(), h.network_members(h.cnn_spec())]
    paths = []
    for i in range(n):
        path = d / f"f{i}.npz"
        members = list(rng.choice(base))
        how = rng.choice(["flip", "truncate", "drop", "double", "meta"])
        if how == "meta":
            members[0] = ("meta.json.npy", h.npy(_mutated_meta(rng, members[0][1])))
        elif how == "drop":
            members.pop(rng.randrange(len(members)))
        elif how == "double":
            members.append(rng.choice(members))
        data = h.write_zip(path, members).read_bytes()
        if how == "flip":
            data = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif how == "truncate":
            data = data[:rng.randrange(len(data))]
        path.write_bytes(bytes(data))
        paths.append(path)
    for result in run.load(paths, timeout=600):
        run.add("fuzzed files", "", _judge_fuzz(result), result["peak_mb"])


def _mutated_meta(rng: random.Random, npy_bytes: bytes) -> np.ndarray:
    """The metadata with one field of one layer (or of the network, or the version) deleted or
    given another value, often of another type."""
    meta = json.loads(np.load(io.BytesIO(npy_bytes)).tobytes())
    layer = rng.choice(meta["network"]["layers"])
    key = rng.choice(list(layer) + ["cost", "input_shape", "version"])
    target = meta if key == "version" else meta["network"] if key in ("cost", "input_shape") else layer
    if rng.random() < 0.2:
        target.pop(key, None)
    else:
        target[key] = rng.choice([None, -1, 0, 10**9, "x", [], {}, 1.5, True, "softmax", [1, 28, 28]])
    return np.frombuffer(json.dumps(meta).encode(), np.uint8)


def _judge_fuzz(result: dict) -> str:
    if result["outcome"] == "traceback":
        return "traceback"
    if result["outcome"] == "loaded" and not result.get("finite"):
        return "silent-wrong"
    if result["outcome"] == "refused" and len(result["message"].splitlines()) != 1:
        return "silent-wrong"
    return "clean" if result["outcome"] in ("loaded", "refused") else "silent-wrong"


def cli_arguments(run: Run) -> None:
    """Issue 12 §4-5: the --layers cases, --seed -1, and a fuzz of argument lists (tiny data)."""
    for args, must in [(["--layers", "784,++30,10"], "--layers"), (["--layers", "784,²,10"], "--layers"),
                       (["--layers", "784,100000000,10"], "--layers"), (["--preset", "ch1", "--seed", "-1"], "--seed")]:
        status, _, err, peak = run.nndl("train", *args, "--epochs", "1", "--train-size", "100", "--quiet")
        run.add("CLI arguments", " ".join(args), judge_cli(status, err, one_line_refusal(status, err) and must in err),
                peak - run.idle)
    for result in run.python(CLI_FUZZ, "150", timeout=900):
        run.add("CLI arguments", "fuzz", result["outcome"], 0.0)


CLI_FUZZ = """
import contextlib, io, json, random, sys, traceback
import core.cli as cli
from core.data import load_mnist
from core.training import subset
small = subset(load_mnist(), 200, 100, 100)
cli.load_mnist = lambda path=None: small
rng = random.Random(4)
words = ["train", "eval", "ensemble", "presets", "--preset", "ch1", "ch6-conv1", "nope", "--layers", "784,10,10",
         "784,,10", "10", "--eta", "nan", "inf", "-1", "1e309", "0.1", "--lmbda", "--batch", "0", "--epochs", "1",
         "--seed", "--momentum", "1", "--dropout", "0.5", "--activation", "relu", "--cost", "quadratic", "--json",
         "--save", "--train-size", "--expand", "--augment", "affine", "--", "-", "", "\\x00", "é", "%s", "--quiet"]
for _ in range(int(sys.argv[1])):
    argv = [rng.choice(words) for _ in range(rng.randint(0, 7))]
    if "train" in argv and "--epochs" not in argv:
        argv += ["--epochs", "1"]
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = cli.main(argv)
        lines = err.getvalue().strip().splitlines()
        bad = status == 2 and len([l for l in lines if l.startswith("nndl: error")]) != 1
        outcome = "silent-wrong" if bad or status not in (0, 2) else "clean"
    except SystemExit as exc:
        outcome = "clean" if exc.code in (0, 2) else "silent-wrong"
    except BaseException:
        outcome = "traceback"
    print(json.dumps({"outcome": outcome, "argv": argv}), flush=True)
"""


def signals(run: Run) -> None:
    """Issue 12 §4: Ctrl-C during start-up imports, a second Ctrl-C while saving, SIGTERM with --save."""
    for delay in (0.1, 0.2, 0.3, 0.4, 0.6, 0.8):
        status, _, err, peak = run.nndl("train", "--preset", "ch1", "--epochs", "1", "--quiet",
                                        on_start=lambda p, d=delay: (time.sleep(d), p.send_signal(signal.SIGINT)))
        if h.before_our_code(err):  # Python itself was still starting: no code of any checkout had run
            print(f"  Ctrl-C at {delay} s came before Python had started; not counted", file=sys.stderr)
            continue
        run.add("signals", f"Ctrl-C at {delay} s", judge_cli(status, err, status in (130, -2)), peak - run.idle)
    for case, signals_sent, want in [("second Ctrl-C while saving", (signal.SIGINT, signal.SIGINT), 130),
                                     ("SIGTERM with --save", (signal.SIGTERM,), 143)]:
        for attempt in range(3):
            target = run.work / f"sig-{attempt}-{signals_sent[0]}.npz"
            status, _, err, peak = run.nndl("train", "--layers", "784,1000,10", "--epochs", "3", "--train-size",
                                            "5000", "--quiet", "--save", str(target),
                                            on_start=lambda p, s=signals_sent: _signal_after_epoch(p, s))
            ok = status == want and target.is_file() and run.load([target])[0]["outcome"] == "loaded"
            run.add("signals", case, judge_cli(status, err, ok), peak - run.idle)


def _signal_after_epoch(p: subprocess.Popen, sent) -> None:
    for line in p.stdout:
        if line.startswith("Epoch 1/"):
            for i, s in enumerate(sent):
                if i:
                    time.sleep(0.03)
                p.send_signal(s)
            return


KILL_SAVER = """
import sys
from core.io import save_network
from core.network import Network
net = Network.mlp([784, 300, 10])
print("ready", flush=True)
while True:
    save_network(net, sys.argv[1])
"""


def kill_during_save(run: Run, n: int = 30) -> None:
    """What held: kill -9 during a save never loses the earlier file."""
    target = run.work / "killed.npz"
    h.valid_file(target)
    rng = random.Random(9)
    for _ in range(n):
        p = subprocess.Popen([sys.executable, "-c", KILL_SAVER, str(target)], stdout=subprocess.PIPE, env=run.env,
                             text=True)
        p.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.4))
        p.kill()
        p.wait()
        result = run.load([target])[0]
        run.add("kill -9 during save", "", "clean" if result["outcome"] == "loaded" else "silent-wrong",
                result["peak_mb"])


MESSAGES = """
import json, os, sys, io, contextlib, time
from pathlib import Path
import numpy as np
import core.cli as cli
from core.data import load_mnist
from core.training import subset
small = subset(load_mnist(), 1000, 1000, 1000)
cli.load_mnist = lambda path=None: small
work = Path(sys.argv[1])
def run(*argv):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = cli.main(list(argv))
    return status, err.getvalue()
def report(case, ok):
    print(json.dumps({"case": case, "outcome": "clean" if ok else "silent-wrong"}), flush=True)
os.umask(0o022)
status, err = run("train", "--layers", "784,10,10", "--epochs", "1", "--save", str(work / "m.npz"),
                  "--json", str(work / "r.json"), "--quiet")
report("file modes: .npz and .json alike", os.stat(work / "m.npz").st_mode == os.stat(work / "r.json").st_mode)
stale = work / ".m.npz.abcd1234.tmp"
stale.write_bytes(b"PK" + bytes(1000))
os.utime(stale, (time.time() - 3600,) * 2)
run("train", "--layers", "784,10,10", "--epochs", "1", "--save", str(work / "m.npz"), "--quiet")
report("stale temporary file of a killed save", not stale.exists())
status, err = run("train", "--preset", "ch1", "--epochs", "1", "--lmbda", "1e300")
report("--lmbda 1e300 names λ", "λ" in err and "η = 3 is too large" not in err)
status, err = run("train", "--preset", "ch1", "--epochs", "1", "--eta", "1e-12")
report("η = 1e-12: nothing was learned", "nothing was learned" in err)
"""


def messages(run: Run) -> None:
    """Issue 12 §5: modes, stale temporaries, λ named, "nothing was learned", a full disk."""
    d = run.work / "messages"
    d.mkdir(exist_ok=True)
    for result in run.python(MESSAGES, str(d), timeout=600):
        run.add("messages", result.get("case", ""), result["outcome"])
    if ROOT_USER:
        mount = run.work / "full"
        mount.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)]).returncode == 0:
            try:
                model = h.valid_file(run.work / "fits.npz")
                h.fill(mount)
                status, _, err, peak = run.nndl("eval", str(model), "--json", str(mount / "out.json"))
                ok = one_line_refusal(status, err) and str(mount / "out.json") in err \
                    and os.listdir(mount) == ["filler"]  # the message names the file; no temporary file left
                run.add("messages", "--json on a full disk", judge_cli(status, err, ok), peak - run.idle)
            finally:
                subprocess.run(["umount", str(mount)])


CACHE = """
import json, os, sys
from pathlib import Path
import numpy as np
from core.data import load_mnist
cache = Path(os.environ["NNDL_CACHE_DIR"])
load_mnist()
name = next(p for p in cache.iterdir() if p.suffix == ".npz")
def check(case):
    data = [load_mnist() for _ in range(2)][-1]
    ok = list(data.test.labels[:5]) == [7, 2, 1, 0, 4] and data.train.images.max() == 1.0
    left = [p.name for p in cache.iterdir() if p.name.endswith(".tmp")]
    print(json.dumps({"case": case, "outcome": "clean" if ok and not left else "silent-wrong"}), flush=True)
z = [np.zeros(s, np.uint8) for s in [(60000, 28, 28), (60000,), (10000, 28, 28), (10000,)]]
keys = ["train_images", "train_labels", "test_images", "test_labels"]
np.savez(name, **dict(zip(keys, z)))
check("cache of the right shapes, all zeros")
name.unlink()
name.mkdir()
check("a folder in the cache's place")
name.rmdir()
"""


def mnist(run: Run) -> None:
    """Issue 12 §6-7: the cache by content, and a gz bomb bounded by the IDX header."""
    for result in run.python(CACHE, timeout=300):
        run.add("MNIST cache", result.get("case", ""), result["outcome"])
    gigs = 3 if run.big else 1
    folder = h.mnist_folder_with_gz_bomb(run.work / "bomb", ROOT / "resources" / "mnist", gigs * 10**9)
    code = h.MEMORY + ("import json, sys\nfrom core.data import DataError, load_mnist\n"
            "b = start_peak()\n"
            "try:\n    load_mnist(sys.argv[1]); o = 'silent-wrong'\n"
            "except DataError as e:\n    o = 'clean' if len(str(e).splitlines()) == 1 else 'silent-wrong'\n"
            "except BaseException:\n    o = 'traceback'\n"
            "print(json.dumps({'outcome': o, 'peak_mb': peak_since(b)}))")
    for result in run.python(code, str(folder), timeout=300):
        run.add("MNIST gz bomb", f"{gigs} GB", result["outcome"], result["peak_mb"])


CATEGORIES = [save_targets, network_files, fuzzed_files, cli_arguments, signals, kill_during_save, messages, mnist]


def summarise(rows) -> dict[str, dict]:
    table: dict[str, dict] = defaultdict(lambda: {"tried": 0, "clean": 0, "traceback": 0, "silent-wrong": 0,
                                                  "peak_mb": 0.0, "bad": []})
    for category, case, outcome, peak in rows:
        t = table[category]
        t["tried"] += 1
        t[outcome] += 1
        t["peak_mb"] = max(t["peak_mb"], peak)
        if outcome != "clean" and case:
            t["bad"].append(case)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout to try (default: this one)")
    parser.add_argument("--before", type=Path, help="another checkout, tried first and shown beside it")
    parser.add_argument("--big", action="store_true", help="3 GB bombs, as in the issue (slower)")
    parser.add_argument("--json", type=Path, help="write the rows and the table here")
    parser.add_argument("--only", help="comma-separated categories (function names), e.g. network_files,mnist")
    args = parser.parse_args()
    chosen = [c for c in CATEGORIES if not args.only or c.__name__ in args.only.split(",")]
    results = {}
    for label, repo in ([("before", args.before)] if args.before else []) + [("after", args.repo)]:
        with tempfile.TemporaryDirectory(prefix="nndl-hostile-") as work:
            run = Run(repo.resolve(), Path(work), args.big)
            for category in chosen:
                start = time.perf_counter()
                category(run)
                print(f"[{label}] {category.__name__}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
            results[label] = summarise(run.rows)
    columns = " | ".join(f"{label}: tried / clean / traceback / silent-wrong / peak MB" for label in results)
    print(f"| category | {columns} |")
    print("|---|" + "---|" * len(results))
    for category in results["after"]:
        cells = []
        for label in results:
            t = results[label].get(category)
            cells.append(f"{t['tried']} / {t['clean']} / {t['traceback']} / {t['silent-wrong']} / {t['peak_mb']:,.0f}"
                         if t else "–")
        print(f"| {category} | " + " | ".join(cells) + " |")
    for label, table in results.items():
        for category, t in table.items():
            if t["bad"]:
                print(f"{label}, {category}, not clean: {'; '.join(sorted(set(t['bad'])))}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
