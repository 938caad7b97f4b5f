"""Chapter 5's experiments: speeds of learning at initialisation, full-batch training that records
them, the exploding chain, products of factors, and the fixes."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core import probes, vanishing
from core.layers import Dense
from core.normalization import BatchNormDense, ResidualDense

SEEDS = range(5)


@pytest.fixture(scope="module")
def first_1000(mnist):
    return mnist.train.images[:1000], mnist.train.labels[:1000]


@pytest.mark.parametrize("depth", [2, 3, 4])
def test_sigmoid_speeds_grow_layer_by_layer_at_initialisation(depth, first_1000):
    images, labels = first_1000
    speeds = vanishing.initial_speeds(depth, images, labels, seeds=SEEDS)
    assert speeds.shape == (len(SEEDS), depth)
    for row in speeds:  # every initialisation, not just on average: towards the output, faster
        assert np.all(np.diff(row) > 0), row
    # the book's figures (one network each) are within a factor of two of our average over seeds
    book = np.array(vanishing.BOOK_INITIAL_SPEEDS[depth])
    ratio = speeds.mean(axis=0) / book
    assert np.all((ratio > 0.5) & (ratio < 2)), ratio


def test_speeds_are_the_probes_contract_for_plain_networks(first_1000):
    images, labels = first_1000[0][:200], first_1000[1][:200]
    net = vanishing.deep_net(3, seed=7)
    np.testing.assert_allclose(vanishing.speeds(net, images, labels), probes.layer_speeds(net, images, labels),
                               rtol=1e-5)


def test_speed_of_learning_is_the_length_of_the_bias_gradient_of_the_regularised_cost(first_1000):
    """The book's speed of learning of layer l is ‖∂C/∂bˡ‖, C the mean cross-entropy over the examples
    plus the L2 term (λ/2n) Σ w². The L2 term does not depend on the biases, so it must not change
    the speed: compare with central differences of the full regularised cost, bias by bias."""
    images, labels = first_1000[0][:20], first_1000[1][:20]
    net = vanishing.deep_net(2, width=6, seed=3, dtype=np.float64)
    lmbda, n = 5.0, 1000

    def cost():
        return net.total_cost(images, labels, lmbda=lmbda, n=n)

    assert net.penalty(lmbda, n) > 0.01  # the L2 term is really there
    eps = 1e-6
    numerical = []
    for layer in vanishing.speed_layers(net):
        b = layer.params["b"]
        grad = np.empty_like(b)
        for j in range(b.size):
            b[j] += eps
            up = cost()
            b[j] -= 2 * eps
            down = cost()
            b[j] += eps
            grad[j] = (up - down) / (2 * eps)
        numerical.append(np.linalg.norm(grad))
    np.testing.assert_allclose(vanishing.speeds(net, images, labels), numerical, rtol=1e-6)
    np.testing.assert_allclose(probes.layer_speeds(net, images, labels), numerical, rtol=1e-6)


def test_deep_net_builds_the_books_networks_and_the_fixes():
    net = vanishing.deep_net(4)
    assert net.sizes == [784, 30, 30, 30, 30, 10]
    assert net.cost.name == "cross-entropy" and net.init == "default"
    assert {l.activation.name for l in net.dense_layers} == {"sigmoid"}
    bn = vanishing.Variant(batch_norm=True, residual=True).build(3)
    assert type(bn.layers[0]) is BatchNormDense and all(isinstance(l, ResidualDense) or
                                                         "residual" in l.kind for l in bn.layers[1:3])
    assert type(bn.layers[-1]) is Dense
    assert vanishing.Variant(activation="relu", init="he").label == "relu He √(2/n_in)"
    with pytest.raises(ValueError, match="hidden layers"):
        vanishing.deep_net(0)


def test_train_speeds_is_full_batch_gradient_descent(mnist):
    """Each epoch is one step on all the images: w ← (1 − ηλ/n) w − η ∂C/∂w (C the mean cost), and the
    speeds recorded at epoch e are those of the weights after e steps."""
    config = replace(vanishing.BOOK_CONFIG, epochs=3, train_size=120)
    images, labels = mnist.train.images[:120], mnist.train.labels[:120]
    net = vanishing.deep_net(2, seed=1, dtype=np.float64)
    expected = net.copy()
    records = list(vanishing.train_speeds([net], mnist, config, held_out=mnist.validation.take(200)))
    speeds = [r for r in records if isinstance(r, vanishing.SpeedRecord)]
    assert [r.epoch for r in speeds] == [0, 1, 2, 3]
    eta, decay = config.eta, config.eta * config.lmbda / 120
    for record in speeds:
        np.testing.assert_allclose(record.speeds, probes.layer_speeds(expected, images, labels), rtol=1e-8)
        np.testing.assert_allclose(record.cost, expected.evaluate(images, labels)[0], rtol=1e-8)
        if record.epoch == 3:
            break
        probe = expected.copy()
        probe.backprop(probe.prepare(images), probe.one_hot(labels))
        for layer, grads in zip(expected.layers, probe.layers):
            layer.params["w"] *= 1 - decay
            layer.params["w"] -= eta * grads.grads["w"] / 120
            layer.params["b"] -= eta * grads.grads["b"] / 120
    for a, b in zip(net.layers, expected.layers):
        np.testing.assert_allclose(a.params["w"], b.params["w"], rtol=1e-8, atol=1e-12)
    done = records[-1]
    assert isinstance(done, vanishing.VariantDone) and done.reason == "completed" and done.epochs == 3
    assert 0 <= done.accuracy <= 1


def test_training_the_deep_sigmoid_net_keeps_the_first_layer_slowest(mnist):
    config = replace(vanishing.BOOK_CONFIG, epochs=15, train_size=300)
    records = [r for r in vanishing.train_speeds([vanishing.deep_net(3)], mnist, config)
               if isinstance(r, vanishing.SpeedRecord)]
    first, last = records[0].speeds, records[-1].speeds
    assert np.all(np.diff(last) > 0)  # still ordered after training
    assert last[-1] < first[-1]  # and the speeds fell as the cost did
    assert records[-1].cost < records[0].cost


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the overflow that makes the ReLU net diverge
def test_variants_train_side_by_side_and_a_divergence_is_reported(mnist):
    config = replace(vanishing.BOOK_CONFIG, epochs=3, train_size=100, eta=1e6)
    nets = [vanishing.deep_net(2, activation="relu", init="large"), vanishing.deep_net(2)]
    records = list(vanishing.train_speeds(nets, mnist, config))
    done = {r.variant: r for r in records if isinstance(r, vanishing.VariantDone)}
    assert done[0].diverged and "too large" in done[0].reason and done[0].epochs < 3
    assert not done[1].diverged  # the sigmoid net survives η = 10⁶ (saturated, but finite)
    order = [r.variant for r in records if isinstance(r, vanishing.SpeedRecord) and r.epoch == 0]
    assert order == [0, 1]  # one epoch of each in turn


def test_batch_norm_and_residual_connections_even_out_the_error_signal(first_1000):
    """The fixes at initialisation: the error reaching the first layer is no longer ~100× smaller."""
    images, labels = first_1000[0][:500], first_1000[1][:500]

    def spread(variant, measure):
        m = vanishing.measures(variant.build(4, seed=0), images, labels)[measure]
        return m[0] / m[-1]

    assert spread(vanishing.BOOK_VARIANT, "errors") < 0.05
    assert spread(vanishing.BOOK_VARIANT, "speeds") < 0.05
    assert spread(vanishing.Variant(batch_norm=True), "errors") > 0.3
    assert spread(vanishing.Variant(residual=True), "speeds") > 0.5
    assert spread(vanishing.Variant(activation="relu", init="he"), "speeds") > 0.3


# --- exploding gradients -------------------------------------------------------------------------------

@pytest.mark.parametrize("hidden", [1, 3, 5])
@pytest.mark.parametrize("cost", vanishing.CHAIN_COSTS)
def test_exploding_chain_grows_25_fold_per_layer(hidden, cost):
    net = vanishing.exploding_chain(hidden, w=100.0, cost=cost)
    result = vanishing.chain_gradients(net)
    np.testing.assert_allclose(result["sigma_prime"], 0.25)  # every z = 0
    np.testing.assert_allclose(result["factor"][:-1], 25.0)
    g = result["grad_b"]
    np.testing.assert_allclose(g[:-1] / g[1:], 25.0, rtol=1e-12)
    # and backprop itself agrees: the hidden layers' speeds, layer by layer, 25 times the next
    speeds = probes.layer_speeds(net, np.array([[1.0]]), np.array([0]))
    np.testing.assert_allclose(speeds, g[:-1], rtol=1e-12)
    np.testing.assert_allclose(g[0] / g[-1], 25.0 ** hidden, rtol=1e-12)


def test_the_chains_gradient_is_the_books_product_worked_by_hand():
    """∂C/∂b₁ = σ'(z₁) · w₂σ'(z₂) · w₃σ'(z₃) · w₄σ'(z₄) · ∂C/∂a₄ with every z = 0 (σ' = 1/4), w = 100,
    a₄ = σ(0) = 1/2 and y = 0: the quadratic cost's ∂C/∂a₄ = a₄ − y = 1/2 gives 1953.125; with
    cross-entropy ∂C/∂a₄ = (a₄ − y)/(a₄(1 − a₄)) = 2 gives 7812.5 (its δ⁴ = a₄ − y: σ' cancels)."""
    quadratic = vanishing.chain_gradients(vanishing.exploding_chain(3, w=100.0, cost="quadratic"))
    assert quadratic["a"] == 0.5 and quadratic["dC_da"] == 0.5
    np.testing.assert_allclose(quadratic["grad_b"], [1953.125, 78.125, 3.125, 0.125], rtol=1e-12)
    by_hand = quadratic["sigma_prime"][0] * np.prod(quadratic["w"][1:] * quadratic["sigma_prime"][1:]) * 0.5
    np.testing.assert_allclose(by_hand, 1953.125, rtol=1e-12)
    ce = vanishing.chain_gradients(vanishing.exploding_chain(3, w=100.0, cost="cross-entropy"))
    assert ce["dC_da"] == 2.0
    np.testing.assert_allclose(ce["grad_b"], [7812.5, 312.5, 12.5, 0.5], rtol=1e-12)
    # backprop itself agrees with both
    for cost, expected in (("quadratic", 1953.125), ("cross-entropy", 7812.5)):
        net = vanishing.exploding_chain(3, w=100.0, cost=cost)
        np.testing.assert_allclose(probes.layer_speeds(net, np.array([[1.0]]), np.array([0]))[0], expected, rtol=1e-9)
    with pytest.raises(ValueError, match="cost"):
        vanishing.exploding_chain(3, cost="log-likelihood")


def test_chain_factor_is_w_over_4_and_saturation_kills_it():
    g = vanishing.chain_gradients(vanishing.exploding_chain(3, w=1.0))
    np.testing.assert_allclose(g["factor"][:-1], 0.25)  # ordinary weights: it vanishes instead
    saturated = vanishing.chain_gradients(vanishing.exploding_chain(3, w=100.0, zero_z=False))
    assert np.all(saturated["sigma_prime"] < 1e-40) and np.all(saturated["sigma_prime"] > 0)
    assert saturated["grad_b"][0] < 1e-100


def test_path_products_for_the_chain_are_the_factors():
    net = vanishing.exploding_chain(3, w=100.0)
    products = vanishing.path_products(net, np.array([[1.0]]), n_paths=10)
    for layer, p in enumerate(products):
        np.testing.assert_allclose(p, 25.0 ** (3 - layer))


def test_path_products_shrink_geometrically_in_the_books_net(first_1000):
    images = first_1000[0][:200]
    net = vanishing.deep_net(4, seed=0)
    products = vanishing.path_products(net, images, n_paths=2000)
    medians = np.array([np.median(p) for p in products])
    assert np.all(np.diff(medians) > 0)  # the further from the output, the smaller
    assert np.all(medians < 0.25 ** np.arange(4, 0, -1))  # below (1/4)^k: σ' ≤ 1/4 and |w| mostly < 1
    with pytest.raises(ValueError, match="plain fully connected"):
        vanishing.path_products(vanishing.deep_net(2, batch_norm=True), images)


def test_explain_gathers_the_cause(first_1000):
    images, labels = first_1000[0][:200], first_1000[1][:200]
    cause = vanishing.explain(vanishing.deep_net(3), images, labels, n_paths=500)
    assert cause.bound == 0.25 and len(cause.labels) == 3
    assert all(np.all((s >= 0) & (s <= 0.25)) for s in cause.sigma_prime)
    assert cause.path_quantiles.shape == (3, 3)
    assert np.all(np.diff(cause.relative_speeds) > 0) and cause.relative_speeds[-1] < 1
    bn = vanishing.explain(vanishing.deep_net(2, batch_norm=True), images, labels)
    assert bn.path_quantiles is None and len(bn.relative_speeds) == 2
    assert cause.activations == ["sigmoid"] * 3 and cause.path_layers == 3


def test_relu_paths_through_a_unit_that_is_off_carry_nothing(first_1000):
    """A ReLU that is off (σ' = 0) ends a path: the quantiles are over the paths that carry the error,
    and the share of those is reported (every path carries it through sigmoids)."""
    images, labels = first_1000[0][:200], first_1000[1][:200]
    net = vanishing.deep_net(3, activation="relu", init="he", seed=1)
    products = vanishing.path_products(net.copy(), images, n_paths=3000)
    cause = vanishing.explain(net, images, labels, n_paths=3000)
    assert cause.activations == ["relu"] * 3 and cause.bound == 1.0
    for layer, p in enumerate(products):
        live = p[p > 0]
        assert 0 < len(live) < len(p)  # some paths meet a ReLU that is off, some do not
        np.testing.assert_allclose(cause.path_alive[layer], len(live) / len(p))
        np.testing.assert_allclose(cause.path_quantiles[1, layer], np.median(live))
    assert np.all(np.isfinite(cause.path_quantiles))
    assert np.all(np.diff(cause.path_alive) > 0)  # a longer path meets more units that may be off
    assert all(set(np.unique(v)) <= {0.0, 1.0} for v in cause.sigma_prime)


def test_explain_covers_a_cnn_layer_by_layer(mnist):
    """The default CNN: σ' and the factors for every hidden layer with weights (two conv layers and the
    fully connected one), path products for the fully connected tail only, measured speeds for all."""
    from core.io import load_network
    from core.models import default_model_path

    net = load_network(default_model_path())
    images, labels = mnist.train.images[:40], mnist.train.labels[:40]
    cause = vanishing.explain(net, images, labels, n_paths=500)
    hidden = probes.hidden_param_layers(net)
    assert len(cause.labels) == len(cause.sigma_prime) == len(cause.weighted) == len(cause.relative_speeds) == len(hidden)
    assert [label.split()[0] for label in cause.labels] == ["conv", "conv", "FC"]
    assert all(w is not None and len(w) and np.all(w >= 0) for w in cause.weighted)
    assert cause.path_layers == 1 and np.isnan(cause.path_quantiles[:, :2]).all()
    assert np.isfinite(cause.path_quantiles[:, 2]).all() and np.isfinite(cause.relative_speeds).all()


def test_factors_read_the_units_of_the_layer_before():
    """A dense layer after a convolution reads channel c at every position: its factor for weight
    (j, k) is |w_jk| times the mean σ' of channel k // (h·w); a convolution's is |w| times its input
    channel's; batch norm scales each row by γ / √(s² + ε)."""
    rng = np.random.default_rng(0)
    primes = np.array([0.1, 0.2])
    dense = Dense(3, "sigmoid")
    dense.params = {"w": rng.normal(size=(3, 8)), "b": np.zeros(3)}  # 2 channels × 2 × 2 positions
    expected = np.abs(dense.params["w"]) * np.repeat(primes, 4)[None, :]
    np.testing.assert_allclose(probes.factors(dense, primes), expected)
    conv = type("Conv", (), {})()
    conv.params = {"w": rng.normal(size=(4, 2, 3, 3))}
    np.testing.assert_allclose(probes.factors(conv, primes), np.abs(conv.params["w"]) * primes[None, :, None, None])
    assert probes.factors(Dense(3), np.ones(3)) is None  # (not built: no weights)
    bn = vanishing.deep_net(2, batch_norm=True, seed=0)
    bn.feedforward(bn.prepare(np.random.default_rng(1).random((20, 784))), training=False)
    second = bn.layers[1]
    plain = np.abs(second.params["w"]) * np.ones(30)[None, :]
    np.testing.assert_allclose(probes.factors(second, np.ones(30)),
                               plain * np.abs(second.params["gamma"] * second.inv_std)[:, None], rtol=1e-6)
