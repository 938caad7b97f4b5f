"""Fuzzing with Hypothesis (issue 12): network files, ``nndl`` argument lists and Universality-tab
formulas, each drawn many ways; whatever comes in, the answer is a result or a one-line refusal.

Bounded so the suite stays quick and repeatable: a fixed number of examples, a deadline per example
(against hangs), ``derandomize`` (the same examples on every run and in CI) and no example database.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import zipfile
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import core.cli as cli
from core.formula import FUNCTIONS, parse_formula
from core.io import ModelFileError, load_network
from core.training import Trainer, subset
from tests import hostile as h

FUZZ = settings(derandomize=True, database=None, deadline=timedelta(seconds=5),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def assert_loads_or_refuses(path):
    """The property every network file must have: one line refusing it, or a network that computes,
    described exactly as the file describes it, from a file with no member twice and none unknown."""
    try:
        net = load_network(path)
    except ModelFileError as exc:
        message = str(exc)
        assert message.startswith(str(path)) and len(message.splitlines()) == 1, message
        return None
    x = np.random.default_rng(1).random((2,) + net.input_shape)
    assert np.isfinite(net.feedforward(net.prepare(x))).all()
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        described = json.loads(np.load(io.BytesIO(z.read("meta.json.npy"))).tobytes())["network"]
    expected = {"meta.json.npy"} | {f"layer{i}.{k}.npy" for i, l in enumerate(net.layers) for k in l.params}
    assert sorted(names) == sorted(expected)
    for written, given in zip(net.spec()["layers"], described["layers"]):
        assert {k: v for k, v in written.items() if k in given or k != "n_in"} == given
    return net


# --- network files ----------------------------------------------------------------------------------

SPECS = [h.mlp_spec((784, 12, 10)), h.cnn_spec()]
JSON = st.recursive(st.none() | st.booleans() | st.integers(-2, 10**12) | st.floats(allow_nan=True) |
                    st.text(max_size=8) | st.sampled_from(["dense", "conv2d", "softmax", "relu", "he", "flatten"]),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=6)


@st.composite
def mutated_metadata(draw):
    """A valid file whose metadata has one field, anywhere, deleted or replaced by any JSON value."""
    spec_index = draw(st.integers(0, len(SPECS) - 1))
    members = h.network_members(SPECS[spec_index])
    meta = {"format": "nndl-explorer-network", "version": 1, "network": h.mlp_spec((784, 12, 10)) if spec_index == 0
            else h.cnn_spec(), "info": {}}
    where = draw(st.sampled_from(["top", "network", "layer"]))
    target = meta if where == "top" else meta["network"] if where == "network" else \
        draw(st.sampled_from(meta["network"]["layers"]))
    key = draw(st.sampled_from(sorted(target) + ["extra"]))
    if draw(st.booleans()) and key in target:
        del target[key]
    else:
        target[key] = draw(JSON)
    members[0] = ("meta.json.npy", h.npy(np.frombuffer(json.dumps(meta).encode(), np.uint8)))
    return members


DESCRS = ["<f4", ">f4", "<f8", "<f2", "<i4", "|u1", "|b1", "<c8", "|O", "|V8", "<U2", "|S3", "<M8[s]"]


@st.composite
def odd_member(draw):
    """A member as a hand-made file might hold it: any declared shape and dtype, any amount of data."""
    shape = draw(st.lists(st.integers(0, 10**10) | st.integers(0, 40), max_size=4).map(tuple))
    header = h.npy_header(shape, draw(st.sampled_from(DESCRS)), draw(st.sampled_from([0, 0, 200, 70_000])))
    return header + draw(st.binary(max_size=256))


@st.composite
def mutated_members(draw):
    """A valid file's members dropped, doubled, reordered, renamed, or replaced by odd ones."""
    members = h.network_members(SPECS[draw(st.integers(0, 1))])
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(members) - 1))
        how = draw(st.sampled_from(["drop", "double", "odd", "rename", "swap"]))
        if how == "drop" and len(members) > 1:
            members.pop(i)
        elif how == "double":
            members.append(members[i])
        elif how == "odd":
            members[i] = (members[i][0], draw(odd_member()))
        elif how == "rename":
            members[i] = (draw(st.sampled_from(["layer9.w.npy", "meta.json", "../x.npy", "layer0.w", "a/b.npy",
                                                "layer0.gamma.npy", "extra.npy"])), members[i][1])
        else:
            j = draw(st.integers(0, len(members) - 1))
            members[i], members[j] = (members[i][0], members[j][1]), (members[j][0], members[i][1])
    return members


@settings(FUZZ, max_examples=120)
@given(members=mutated_metadata())
def test_fuzz_metadata(folder, members):
    assert_loads_or_refuses(h.write_zip(folder / "meta.npz", members))


@settings(FUZZ, max_examples=120)
@given(members=mutated_members(), stored=st.booleans())
def test_fuzz_members_shapes_and_dtypes(folder, members, stored):
    path = h.write_zip(folder / "members.npz", members, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    assert_loads_or_refuses(path)


VALID = {i: h.write_zip(io.BytesIO(), h.network_members(spec)).getvalue() for i, spec in enumerate(SPECS)}


@settings(FUZZ, max_examples=150)
@given(which=st.sampled_from(list(VALID)), cut=st.floats(0, 1), flips=st.lists(st.tuples(st.floats(0, 1),
       st.integers(0, 7)), max_size=6), tail=st.binary(max_size=40))
def test_fuzz_truncations_and_bit_flips(folder, which, cut, flips, tail):
    data = bytearray(VALID[which])
    for where, bit in flips:
        data[int(where * (len(data) - 1))] ^= 1 << bit
    if cut < 0.5:  # half the examples are truncated somewhere, some with junk after the cut
        data = data[:int(cut * 2 * len(data))] + tail
    path = folder / "flipped.npz"
    path.write_bytes(bytes(data))
    net = assert_loads_or_refuses(path)
    if net is not None and not flips and cut >= 0.5:
        assert net.spec()["name"].startswith("hostile")


# --- command lines --------------------------------------------------------------------------------

COMMANDS = ["train", "train", "train", "eval", "ensemble", "presets", "nope", "", "-h"]
FLAGS = ["--preset", "--layers", "--layers", "--layers", "--seed", "--activation", "--output-activation", "--cost",
         "--init", "--dropout", "--eta", "--lmbda", "--regularization", "--momentum", "--batch", "--epochs", "--train-size", "--augment",
         "--eta-patience", "--early-stopping", "--seed", "--data", "--save", "--json", "--expand", "--save-last",
         "--quiet", "--nope"]
NUMERIC = {"--dropout", "--eta", "--lmbda", "--momentum", "--batch", "--epochs", "--train-size", "--eta-patience",
           "--early-stopping", "--seed"}
NUMBERS = ["nan", "inf", "-inf", "-1", "0", "1", "0.5", "1e309", "1e-12", "1e300", "99999999999999999999", "１"]
VALUES = ["ch1", "ch3", "ch6-conv1", "ch5-deep-2", "nope", "relu", "softmax", "quadratic", "log-likelihood", "zero",
          "l1", "draw", "", "\x00", "é", "out.npz", "out.json", "."] + NUMBERS
LAYERS = ["784,10,10", "784,,10", "784,++30,10", "784,²,10", "784,100000000,10", "784-20-10", "784,10", "10",
          "784,0,10", "784,-5,10", "784,3e1,10", " 784 , 10 , 10 "]
@pytest.fixture(scope="module")
def tiny(mnist):
    return subset(mnist, 60, 20, 20)


class _OneEpoch(Trainer):
    """A trainer that stops after one epoch, whatever --epochs says (a fuzzed 10^20 epochs ends)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.epochs = 1


def _special_targets(folder):
    targets = {"fifo": folder / "pipe", "folder": folder / "dir"}
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        targets["device"] = folder / "null"
    for kind, path in targets.items():
        if not os.path.lexists(path):
            h.make_special(path, kind)
    return [str(p) for p in targets.values()]


@settings(FUZZ, max_examples=150)
@given(data=st.data())
def test_fuzz_command_lines(folder, tiny, monkeypatch, capsys, data):
    """Any argument list: exit status 0 or 2 (with exactly one error line), never a traceback, and a
    device, FIFO or folder named as an output is still what it was."""
    specials = _special_targets(folder)
    monkeypatch.setattr(cli, "load_mnist", lambda path=None: tiny)
    monkeypatch.setattr(cli, "Trainer", _OneEpoch)
    model = str(h.valid_file(folder / "model.npz"))
    value = st.sampled_from(VALUES + specials + [model]) | st.text(st.characters(blacklist_characters="/\\"),
                                                                   max_size=10)

    def value_for(flag):
        specific = LAYERS if flag == "--layers" else NUMBERS if flag in NUMERIC else None
        return st.sampled_from(specific) | value if specific else value

    flag_value = st.sampled_from(FLAGS).flatmap(lambda flag: st.tuples(st.just(flag), value_for(flag)))
    pairs = data.draw(st.lists(flag_value, max_size=5))
    argv = [data.draw(st.sampled_from(COMMANDS))] + [word for pair in pairs for word in pair] + \
        data.draw(st.lists(value, max_size=2))
    capsys.readouterr()
    with contextlib.chdir(folder):
        try:
            status = cli.main(argv)
        except SystemExit as exc:  # -h prints the help and exits, as argparse does
            status = exc.code
    err = capsys.readouterr().err
    assert status in (0, 2) and "Traceback" not in err
    if status == 2:
        assert len([line for line in err.splitlines() if line.startswith("nndl: error:")]) == 1, err
    for path, kind in zip(specials, ["fifo", "folder", "device"]):
        assert h.same_kind(path, kind)


# --- formulas ---------------------------------------------------------------------------------------

CANARY = "nndl-fuzz-canary"
ATOMS = ["x", "y", "0.5", "1e309", "-2", "pi", "e", "True", "'s'", "None", "[1]", "__import__", "open",
         f"__import__('pathlib').Path('{CANARY}').touch()", "().__class__", "x.real", "lambda: 1",
         "[c for c in 'ab']", "{1: 2}", "...", "sin", "globals()"]
OPERATORS = ["+", "-", "*", "/", "**", "%", "//", "<", "<=", "==", "!=", " and ", " or ", "^", "@", "&", "|",
             "<<", " if x else ", " in ", " is ", ","]


def _formulas():
    call = st.tuples(st.sampled_from(sorted(FUNCTIONS) + ["eval", "exec", "getattr"]), st.lists(st.deferred(
        lambda: formula), max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})")
    formula = st.recursive(st.sampled_from(ATOMS), lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(OPERATORS), inner).map("".join),
        inner.map(lambda s: f"({s})"), inner.map(lambda s: f"-{s}"), inner.map(lambda s: f"not {s}"),
        st.tuples(inner, st.sampled_from([".__class__", "[0]", "(1)", ".real"])).map("".join), call), max_leaves=12)
    return formula | st.text(max_size=40)


@settings(FUZZ, max_examples=300)
@given(text=_formulas())
def test_fuzz_formulas(tmp_path_factory, text, monkeypatch):
    """A formula is parsed and evaluates to floats, or is refused with a ValueError; nothing it says
    is ever run (the canary file is never made, eval and exec are never called)."""
    def never(*args, **kwargs):
        raise AssertionError("eval/exec called")

    monkeypatch.setattr("builtins.eval", never)
    monkeypatch.setattr("builtins.exec", never)
    where = tmp_path_factory.getbasetemp()
    with contextlib.chdir(where):
        try:
            formula = parse_formula(text, ("x", "y"))
        except ValueError as exc:
            assert str(exc)
        else:
            out = formula(x=np.linspace(0, 1, 5), y=0.5)
            assert out.shape == (5,) and out.dtype == np.float64
        assert not (where / CANARY).exists()
