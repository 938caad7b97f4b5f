"""What core knows about its layers, in one place: every layer type in the registry, its label, and
errors that name the setting they are about."""
from __future__ import annotations

import pytest

from core import activations, presets
from core.conv import Conv2D, ConvPool2D, MaxPool2D
from core.errors import FieldError
from core.layer_types import LAYER_TYPES, from_spec
from core.layers import Dense, Dropout, Flatten, Layer
from core.network import Network
from core.normalization import BatchNormDense, ResidualBatchNormDense, ResidualDense


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_layer_class_is_in_the_registry_and_rebuilds_from_its_spec():
    kinds = {cls.kind: cls for cls in _subclasses(Layer) if cls.kind}
    assert kinds == LAYER_TYPES
    examples = [Dense(5, "relu"), Dropout(0.25), Flatten(), Conv2D(3, 5, "tanh"), MaxPool2D(2),
                ConvPool2D(4, 3, "relu", pool=2), BatchNormDense(6), ResidualDense(6), ResidualBatchNormDense(6)]
    assert {type(layer) for layer in examples} == set(LAYER_TYPES.values())
    for layer in examples:
        again = from_spec(layer.spec())
        assert type(again) is type(layer) and again.spec() == layer.spec() and again.describe() == layer.describe()
    with pytest.raises(ValueError, match="unknown layer type"):
        from_spec({"type": "capsule"})


@pytest.mark.parametrize("layer, label, weights_label, description", [
    (Dense(100, "relu"), "FC 100", "FC 100", "FC 100 relu"),
    (ConvPool2D(20, 5, "sigmoid"), "conv 20×5×5 + pool 2×2", "conv 20×5×5", "conv 20×5×5 + pool 2×2 sigmoid"),
    (Conv2D(4, 3, "tanh"), "conv 4×3×3", "conv 4×3×3", "conv 4×3×3 tanh"),
    (MaxPool2D(2), "pool 2×2", "pool 2×2", "max-pool 2×2"),
    (Dropout(0.5), "dropout 0.5", "dropout 0.5", "dropout 0.5"),
    (Flatten(), "flatten", "flatten", "flatten"),
    (BatchNormDense(30), "FC 30 + batch norm", "FC 30 + batch norm", "FC 30 + batch norm sigmoid"),
    (ResidualBatchNormDense(30, "relu"), "FC 30 + batch norm + residual", "FC 30 + batch norm + residual",
     "FC 30 + batch norm + residual relu"),
])
def test_labels(layer, label, weights_label, description):
    assert (layer.label, layer.weights_label, layer.describe()) == (label, weights_label, description)


def test_a_network_is_described_by_its_layers():
    assert presets.get("ch1").build().describe() == "784-30-10 sigmoid, quadratic"
    assert presets.get("ch6-conv1").build().describe() == \
        "conv 20×5×5 + pool 2×2 sigmoid → FC 100 sigmoid → FC 10 softmax, log-likelihood"


def test_a_networks_mixed_activations_are_described_in_the_order_of_its_layers():
    net = Network.mlp([784, 30, 20, 10], activation="tanh", output_activation="sigmoid", cost="cross-entropy")
    assert net.describe() == "784-30-20-10 tanh/sigmoid, cross-entropy"  # (not the alphabet's sigmoid/tanh)
    net = Network([Dense(30, "tanh"), Dense(20, "relu"), Dense(15, "tanh"), Dense(10, "softmax")],
                  cost="log-likelihood", input_shape=(784,))
    assert net.describe() == "784-30-20-15-10 tanh/relu/softmax, log-likelihood"


@pytest.mark.parametrize("make, field", [
    (lambda: Network.mlp([784, 10], cost="hinge"), "cost"),
    (lambda: Network.mlp([784, 10], output_activation="relu", cost="cross-entropy"), "cost"),
    (lambda: Network.mlp([784, 10], init="huge"), "init"),
    (lambda: Network.mlp([784, 30, 10], activation="swish"), "activation"),
    (lambda: ConvPool2D(4, 5, "softmax"), "activation"),
    (lambda: Conv2D(4, 5, "swish"), "activation"),
])
def test_errors_name_the_setting_they_are_about(make, field):
    with pytest.raises(FieldError) as info:
        make()
    assert info.value.field == field and isinstance(info.value, ValueError)


def test_hidden_activations_are_the_element_wise_ones():
    assert activations.HIDDEN_ACTIVATIONS == ("sigmoid", "tanh", "relu", "linear")
    assert all(activations.get(name).elementwise for name in activations.HIDDEN_ACTIVATIONS)
    assert set(activations.OUTPUT_ACTIVATIONS) == set(activations.ACTIVATIONS)
