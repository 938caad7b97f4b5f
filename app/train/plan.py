"""What the set-up form describes: a network to build and a training config, checked field by field.

No Qt here: the form hands in the text of its fields, :func:`check_fields` answers with a
:class:`RunPlan` (or None) and a message per invalid field. The messages come from core's own
constructors (``TrainConfig``, ``Network``, the layers), which raise ``ValueError`` with readable text
(a ``core.errors.FieldError`` where it is about the cost, the initialiser or an activation).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Mapping

from core import conv, costs, initializers, presets
from core.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from core.errors import FieldError
from core.layers import Dense, Dropout, Flatten, Layer
from core.network import Network
from core.presets_cnn import CNN_INPUT
from core.training import TrainConfig

COSTS = tuple(costs.COSTS)
INITS = initializers.INITIALIZERS
INIT_NAMES = {"large": "large: N(0, 1)", "default": "default: N(0, 1/n_in)", "he": "He: N(0, 2/n_in)",
              "zero": "zero"}
ROW_KINDS = ("conv-pool", "conv", "pool", "fc", "dropout")
ROW_NAMES = {"conv-pool": "conv + pool", "conv": "conv", "pool": "max-pool", "fc": "fully conn.",
             "dropout": "dropout"}
N_PIXELS, N_CLASSES = 784, 10
MAX_PARAMS = 20_000_000  # weights and biases; training keeps several copies (gradients, snapshots, views)


@dataclass(frozen=True)
class LayerRow:
    """One row of the CNN builder. Which numbers matter depends on ``kind``: ``filters``/``size``
    (conv, conv-pool), ``pool`` (pool, conv-pool), ``neurons`` (fc), ``p`` (dropout)."""

    kind: str
    filters: int = 20
    size: int = 5
    pool: int = 2
    neurons: int = 100
    p: float = 0.5
    activation: str = "sigmoid"
    init: str | None = None  # a conv layer's own initialiser, overriding the network's (presets set it)

    def layer(self) -> Layer:
        own = {"init": self.init} if self.init else {}
        if self.kind == "conv-pool":
            return conv.ConvPool2D(self.filters, self.size, self.activation, pool=self.pool, **own)
        if self.kind == "conv":
            return conv.Conv2D(self.filters, self.size, self.activation, **own)
        if self.kind == "pool":
            return conv.MaxPool2D(self.pool)
        if self.kind == "fc":
            return Dense(self.neurons, self.activation)
        if self.kind == "dropout":
            return Dropout(self.p)
        raise ValueError(f"unknown layer kind {self.kind!r}")

    def describe(self) -> str:
        return self.layer().label


@dataclass(frozen=True)
class NetworkSpec:
    """A network the form can describe: fully connected (``sizes``) or convolutional (``rows``, then
    an output layer of 10)."""

    kind: str  # "mlp" or "cnn"
    sizes: tuple[int, ...] = (784, 30, 10)
    rows: tuple[LayerRow, ...] = ()
    activation: str = "sigmoid"  # hidden layers of an MLP
    output_activation: str = "sigmoid"
    cost: str = "quadratic"
    init: str = "large"
    dropout: float = 0.0  # on every hidden layer of an MLP

    def build(self, seed: int = 0, name: str = "") -> Network:
        """The network, initialised from ``seed``; ValueError (readable) when it cannot be built."""
        if self.kind == "mlp":
            return Network.mlp(self.sizes, self.activation, self.output_activation, self.cost, self.init,
                               self.dropout, seed=seed, name=name)
        layers: list[Layer] = []
        for row in self.rows:
            if row.kind in ("fc", "dropout") and not any(isinstance(l, (Dense, Flatten)) for l in layers):
                layers.append(Flatten())  # the first FC (or dropout before it) reads the flattened maps
            layers.append(row.layer())
        if not any(isinstance(l, (Dense, Flatten)) for l in layers):
            layers.append(Flatten())
        layers.append(Dense(N_CLASSES, self.output_activation))
        return Network(layers, cost=self.cost, input_shape=CNN_INPUT, init=self.init, seed=seed, name=name)

    def check(self) -> int:
        """Build the network with every weight zero (``np.zeros`` allocates lazily, so even a huge
        network costs nothing) and return its number of weights and biases; ValueError (readable)
        when it cannot be built or is too big to train here."""
        initializers.check(self.init)
        blank = replace(self, init="zero", rows=tuple(replace(r, init=None) for r in self.rows))
        n = blank.build().n_params
        if n > MAX_PARAMS:
            raise ValueError(f"this network has {n:,} weights and biases: too many to train here "
                             f"(at most {MAX_PARAMS:,})")
        return n

    def describe(self) -> str:
        if self.kind == "mlp":
            text = "-".join(map(str, self.sizes)) + f" {self.activation}"
            if self.output_activation != self.activation:
                text += f"/{self.output_activation}"
            if self.dropout:
                text += f", dropout {self.dropout:g}"
            return text
        return " → ".join([r.describe() for r in self.rows] + [f"{N_CLASSES} {self.output_activation}"])


def spec_from_layers(layers: list[Layer], cost: str, init: str, input_shape: tuple[int, ...]) -> NetworkSpec:
    """The form's description of a (built or unbuilt) list of layers, e.g. a preset's."""
    specs = [l.spec() for l in layers]
    dense = [s for s in specs if s["type"] == "dense"]
    output = dense[-1]["activation"] if dense else "softmax"
    if all(s["type"] in ("dense", "dropout") for s in specs) and int(math.prod(input_shape)) == N_PIXELS:
        hidden = [s for s in dense[:-1]]
        dropouts = {s["p"] for s in specs if s["type"] == "dropout"}
        return NetworkSpec("mlp", (N_PIXELS,) + tuple(s["n_out"] for s in dense),
                           activation=hidden[0]["activation"] if hidden else output, output_activation=output,
                           cost=cost, init=init, dropout=max(dropouts) if dropouts else 0.0)
    rows = []
    for s in specs[:-1]:  # the last layer is the output
        if s["type"] == "convpool2d":
            rows.append(LayerRow("conv-pool", filters=s["filters"], size=s["size"], pool=s.get("pool", 2),
                                 activation=s["activation"], init=s.get("init")))
        elif s["type"] == "conv2d":
            rows.append(LayerRow("conv", filters=s["filters"], size=s["size"], activation=s["activation"],
                                 init=s.get("init")))
        elif s["type"] == "maxpool2d":
            rows.append(LayerRow("pool", pool=s["size"]))
        elif s["type"] == "dense":
            rows.append(LayerRow("fc", neurons=s["n_out"], activation=s["activation"]))
        elif s["type"] == "dropout":
            rows.append(LayerRow("dropout", p=s["p"]))
    return NetworkSpec("cnn", sizes=(), rows=tuple(rows), output_activation=output, cost=cost, init=init)


def preset_spec(preset: presets.Preset) -> NetworkSpec:
    return spec_from_layers(preset.make_layers(), preset.cost, preset.init, preset.input_shape)


#: the preset picker's entry for the network that is active in the other tabs (train it further)
ACTIVE = "active"


@dataclass(frozen=True)
class RunPlan:
    """Everything needed to start a run. ``preset`` is the book preset it was based on (or None);
    ``exact`` says whether the network is the preset's unchanged (then the preset builds it);
    ``start_from``: a network to train further (a copy of it is trained) instead of a fresh one."""

    label: str
    network: NetworkSpec
    config: TrainConfig
    preset: presets.Preset | None = None
    exact: bool = False
    changes: tuple[str, ...] = field(default=())
    start_from: Network | None = field(default=None, compare=False)

    def build_network(self) -> Network:
        if self.start_from is not None:
            return self.start_from.copy()
        name = self.preset.name if self.preset else "custom"
        if self.preset is not None and self.exact:
            return self.preset.build(self.config.seed)
        return self.network.build(self.config.seed, name=name)

    def describe(self) -> str:
        c = self.config
        parts = [self.network.describe(), self.network.cost, f"η={c.eta:g}"]
        if c.lmbda:
            parts.append(f"λ={c.lmbda:g}" + (" L1" if c.regularization == "l1" else ""))
        if c.momentum:
            parts.append(f"μ={c.momentum:g}")
        parts.append(f"batch {c.mini_batch_size}")
        if c.train_size:
            parts.append(f"{c.train_size:,} images")
        if c.expand:
            parts.append("expanded data")
        if c.augment != "none":
            parts.append(f"{c.augment} augmentation")
        return ", ".join(parts)


# --- checking the form's fields --------------------------------------------------------------------

#: the form's fields (their keys), in the order they appear
FIELDS = ("preset", "kind", "layers", "rows", "activation", "output_activation", "cost", "init", "eta", "lmbda",
          "regularization", "dropout", "momentum", "mini_batch_size", "epochs", "train_size", "augment", "expand",
          "seed")


def parse_sizes(text: str) -> tuple[int, ...]:
    """``"784-30-10"`` (or with commas/spaces) -> (784, 30, 10); ValueError with a readable reason."""
    parts = [p for p in re.split(r"[\s,\-–x×]+", text.strip()) if p]
    if len(parts) < 2:
        raise ValueError("write the layer sizes from input to output, e.g. 784-30-10")
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"layer sizes must be whole numbers separated by '-', e.g. 784-30-10 (not {text.strip()!r})") from None
    if min(sizes) < 1:
        raise ValueError("every layer needs at least one neuron")
    if sizes[0] != N_PIXELS:
        raise ValueError(f"the input layer must have {N_PIXELS} neurons, one per pixel (not {sizes[0]})")
    if sizes[-1] != N_CLASSES:
        raise ValueError(f"the output layer must have {N_CLASSES} neurons, one per digit (not {sizes[-1]})")
    return sizes


def _number(text: str, kind: type, what: str):
    text = str(text).strip().replace(",", "").replace("_", "")
    if not text:
        raise ValueError(f"{what} is empty")
    try:
        value = float(text) if kind is float else int(text)
    except ValueError:
        raise ValueError(f"{what} must be {'a number' if kind is float else 'a whole number'}, not {text!r}") from None
    if kind is float and not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number")
    return value


_NUMBERS = {  # field -> (type, what the message calls it, TrainConfig field)
    "eta": (float, "learning rate η", "eta"),
    "lmbda": (float, "regularisation λ", "lmbda"),
    "momentum": (float, "momentum μ", "momentum"),
    "mini_batch_size": (int, "mini-batch size", "mini_batch_size"),
    "epochs": (int, "epochs", "epochs"),
    "seed": (int, "seed", "seed"),
}


def check_fields(values: Mapping[str, object], n_train: int | None = None, active: Network | None = None,
                 active_label: str = "") -> tuple[RunPlan | None, dict[str, str]]:
    """Check the form's field values; returns (the plan, {}) or (None, {field: reason, ...}).

    ``values`` maps the keys of :data:`FIELDS` to the fields' text or choice (``rows`` is a list of
    :class:`LayerRow`, ``expand`` a bool). ``n_train`` is the number of training images available.
    With ``values["preset"] == ACTIVE``, ``active`` is the network to train further: the plan starts
    from it while the fields still describe it (else it is a fresh network of the fields' shape), and
    its saved training config fills in what the fields do not set; ``active_label`` names it.
    """
    errors: dict[str, str] = {}
    config_args: dict[str, object] = {}

    def attempt(key: str, fn):
        try:
            return fn()
        except ValueError as exc:
            errors[key] = str(exc)
            return None

    for key, (kind, what, name) in _NUMBERS.items():
        value = attempt(key, lambda: _number(values[key], kind, what))
        if value is not None and attempt(key, lambda: TrainConfig(**{name: value})) is not None:
            if key == "seed" and value < 0:  # NumPy's generators take seeds ≥ 0
                errors[key] = f"seed must be a whole number ≥ 0, not {value}"
            else:
                config_args[name] = value
    size_text = str(values.get("train_size", "")).strip().lower()
    if size_text in ("", "all"):
        config_args["train_size"] = None
    else:
        size = attempt("train_size", lambda: _number(size_text, int, "training-set size"))
        if size is not None and attempt("train_size", lambda: TrainConfig(train_size=size)) is not None:
            if n_train is not None and size > n_train:
                errors["train_size"] = f"there are only {n_train:,} training images"
            else:
                config_args["train_size"] = size
    kind = str(values.get("kind", "mlp"))
    dropout = 0.0  # a CNN has dropout rows of its own instead (the field is hidden)
    if kind == "mlp":
        dropout = attempt("dropout", lambda: _number(values.get("dropout", "0"), float, "dropout probability"))
        if dropout is not None and not 0 <= dropout < 1:
            errors["dropout"] = f"dropout probability must be in [0, 1), not {dropout:g}"
    config_args["regularization"] = str(values.get("regularization", "l2"))
    config_args["augment"] = str(values.get("augment", "none"))
    config_args["expand"] = bool(values.get("expand", False))

    batch, size = config_args.get("mini_batch_size"), config_args.get("train_size") or n_train
    if isinstance(batch, int) and size and batch > size:
        errors["mini_batch_size"] = f"the mini-batch ({batch}) is larger than the training set ({size:,} images)"
    eta, lmbda = config_args.get("eta"), config_args.get("lmbda")
    if size and eta and lmbda and config_args["regularization"] == "l2":
        n = size * (5 if config_args["expand"] else 1)
        decay = 1 - eta * lmbda / n  # each step scales the weights by this (chapter 3, equation 93)
        if decay <= 0:
            errors["lmbda"] = (f"each step would scale the weights by 1 − ηλ/n = {decay:.3g} (η = {eta:g}, "
                               f"λ = {lmbda:g}, n = {n:,} images): lower λ or η")

    preset = None
    name = str(values.get("preset") or "")
    if name and name != ACTIVE:
        try:
            preset = presets.get(name)
        except KeyError as exc:
            errors["preset"] = str(exc.args[0])
    sizes = attempt("layers", lambda: parse_sizes(str(values.get("layers", "")))) if kind == "mlp" else ()
    rows = tuple(values.get("rows") or ())
    if kind == "cnn" and not rows:
        errors["rows"] = "add at least one layer (the output layer of 10 comes after them)"
    spec = NetworkSpec(kind, sizes or (), rows, str(values.get("activation", "sigmoid")),
                       str(values.get("output_activation", "sigmoid")), str(values.get("cost", "quadratic")),
                       str(values.get("init", "default")), dropout if dropout is not None and "dropout" not in errors else 0.0)
    if "layers" not in errors and "rows" not in errors and "dropout" not in errors:
        try:
            spec.check()
        except ValueError as exc:
            errors[_field_for_network_error(exc, kind)] = str(exc)
    if errors:
        return None, errors

    continuing = name == ACTIVE and active is not None
    base = preset.config if preset is not None else saved_config(active) if continuing else TrainConfig()
    try:
        config = replace(base, **config_args)
    except ValueError as exc:  # a combination no single field shows
        return None, {"epochs": str(exc)}
    if continuing and spec == network_spec(active):
        label = f"{active_label or active.name or 'network'}, trained further"
        return RunPlan(label, spec, config, start_from=active), {}
    exact = preset is not None and spec == preset_spec(preset)
    changes = _changes(preset, spec, config) if preset is not None else ()
    label = "custom" if preset is None else preset.name
    summary = _change_summary(spec, config, changes if preset is not None else ("network", "eta", "lmbda"))
    if summary:
        label += ": " + summary
    return RunPlan(label, spec, config, preset, exact, changes), {}


def _change_summary(spec: NetworkSpec, config: TrainConfig, changes: tuple[str, ...]) -> str:
    """A few words on what sets a run apart, for labels and legends: "λ=0, 1,000 images"."""
    words = {"network": lambda: spec.describe() + f", {spec.cost}", "eta": lambda: f"η={config.eta:g}",
             "lmbda": lambda: f"λ={config.lmbda:g}" + (" L1" if config.regularization == "l1" else ""),
             "regularization": lambda: "L1" if config.regularization == "l1" else "L2",
             "momentum": lambda: f"μ={config.momentum:g}", "mini_batch_size": lambda: f"batch {config.mini_batch_size}",
             "train_size": lambda: f"{config.train_size:,} images" if config.train_size else "all images",
             "augment": lambda: f"{config.augment} augmentation", "expand": lambda: "expanded" if config.expand else "not expanded"}
    parts = []
    for key in changes:
        if key in words and not (key == "regularization" and "lmbda" in changes):
            parts.append(words[key]())
    return ", ".join(parts)


def _field_for_network_error(exc: ValueError, kind: str) -> str:
    """The form field a network's error belongs to: the one core names (a CNN's activations are in its
    rows), else the layers."""
    field = exc.field if isinstance(exc, FieldError) else None
    if field in ("cost", "init") or (field == "activation" and kind == "mlp"):
        return field
    return "layers" if kind == "mlp" else "rows"


def _changes(preset: presets.Preset, spec: NetworkSpec, config: TrainConfig) -> tuple[str, ...]:
    """Which of the preset's settings the form changed (for the run's label and the book line)."""
    base = preset_spec(preset)
    changed = []
    if spec != base:
        changed.append("network")
    for name in ("eta", "lmbda", "regularization", "momentum", "mini_batch_size", "epochs", "train_size",
                 "augment", "expand"):
        if getattr(config, name) != getattr(preset.config, name):
            changed.append(name)
    return tuple(changed)


def fields_from_preset(preset: presets.Preset) -> dict[str, object]:
    """The form's values for a preset (the inverse of :func:`check_fields`)."""
    return _fields(preset.name, preset_spec(preset), preset.config)


def network_spec(net: Network) -> NetworkSpec:
    """The form's description of a built network (what the fields show for it)."""
    return spec_from_layers(net.layers, net.cost.name, net.init, net.input_shape)


def fields_from_network(net: Network) -> dict[str, object]:
    """The form's values for training ``net`` further: its layers, and the training config it was
    saved with (``net.info["config"]``), else the defaults."""
    return _fields(ACTIVE, network_spec(net), saved_config(net))


def saved_config(net: Network) -> TrainConfig:
    """The training config ``net`` was saved with, else the defaults (also for a file from elsewhere
    whose config has odd values)."""
    saved = net.info.get("config")
    try:
        return TrainConfig.from_dict(saved) if isinstance(saved, dict) else TrainConfig()
    except (TypeError, ValueError):
        return TrainConfig()


def _fields(key: str, spec: NetworkSpec, c: TrainConfig) -> dict[str, object]:
    return {
        "preset": key, "kind": spec.kind, "layers": "-".join(map(str, spec.sizes)) if spec.kind == "mlp" else "",
        "rows": list(spec.rows), "activation": spec.activation, "output_activation": spec.output_activation,
        "cost": spec.cost, "init": spec.init, "eta": f"{c.eta:g}", "lmbda": f"{c.lmbda:g}",
        "regularization": c.regularization, "dropout": f"{spec.dropout:g}", "momentum": f"{c.momentum:g}",
        "mini_batch_size": str(c.mini_batch_size), "epochs": str(c.epochs),
        "train_size": "all" if c.train_size is None else str(c.train_size), "augment": c.augment,
        "expand": c.expand, "seed": str(c.seed),
    }
