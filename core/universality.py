"""Chapter 4: a visual proof that neural nets can compute any function.

A sigmoid neuron σ(wx + b) with a large weight w is a step at s = −b/w. Two hidden neurons with steps
at s₁ < s₂ and output weights +h and −h make a *bump* of height h on [s₁, s₂); N bumps side by side
give the hidden layer's weighted output Σⱼ vⱼaⱼ, a staircase that can follow any function. The book's
trick: make that staircase follow σ⁻¹∘f, so that the output neuron σ(Σⱼ vⱼaⱼ + b) follows f itself.
With two inputs, an x-bump and a y-bump feeding one neuron with bias ≈ −3h/2 make a *tower*; a grid of
towers approximates a function of (x, y).

Arrays hold one sample per row (the book's code holds one per column).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np
from scipy.special import expit, logit

from core.formula import parse_formula

Target = Callable[[np.ndarray], np.ndarray]
Target2D = Callable[[np.ndarray, np.ndarray], np.ndarray]

#: the x values the book's score is measured at: 0.00, 0.01, ..., 0.99
SAMPLES = np.arange(100) / 100
#: the book's "Success!" threshold for the average deviation
SUCCESS = 0.40
#: the weight the book uses to make a neuron a (near) step function
STEEP = 1000.0
#: f is clipped to [CLIP, 1 − CLIP] before σ⁻¹ (an output σ(·) never reaches 0 or 1)
CLIP = 1e-3
#: the most bumps the challenge supports (with 100 bumps every sample has a bin of its own)
MAX_BUMPS = 100


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)) (the book's equation 3)."""
    return expit(z)


def inverse_sigmoid(y, clip: float = CLIP):
    """σ⁻¹(y) = ln(y / (1 − y)), with y clipped to [clip, 1 − clip] so the result stays finite."""
    return logit(np.clip(np.asarray(y, dtype=np.float64), clip, 1 - clip))


def book_function(x):
    """The book's example: f(x) = 0.2 + 0.4x² + 0.3x·sin(15x) + 0.05·cos(50x)."""
    x = np.asarray(x, dtype=np.float64)
    return 0.2 + 0.4 * x ** 2 + 0.3 * x * np.sin(15 * x) + 0.05 * np.cos(50 * x)


def target_values(target: Callable, *coords: np.ndarray) -> np.ndarray:
    """``target(*coords)`` as float64 with the coordinates' shape; ValueError if it is not finite."""
    coords = [np.asarray(c, dtype=np.float64) for c in coords]
    with np.errstate(all="ignore"):
        values = np.asarray(target(*coords), dtype=np.float64)
    values = np.broadcast_to(values, np.broadcast_shapes(*(c.shape for c in coords))).copy()
    bad = ~np.isfinite(values)
    if bad.any():
        i = np.unravel_index(np.argmax(bad), bad.shape)
        at = ", ".join(f"{name} = {c[i]:.3g}" for name, c in zip("xy", np.broadcast_arrays(*coords)))
        raise ValueError(f"the function is not finite at {at} (it gives {values[i]})")
    return values


def out_of_range(values: np.ndarray) -> float:
    """The fraction of ``values`` outside [0, 1] (a sigmoid output cannot reach them)."""
    values = np.asarray(values)
    return float(np.mean((values < 0) | (values > 1))) if values.size else 0.0


def _check_points_1d() -> np.ndarray:
    """Where a typed f(x) must be finite: every x the app evaluates it at (the plots' 1001 points,
    the score's x = 0.00..0.99 and Learn's default sample midpoints), which do not all coincide in
    floating point (0.35 is not 350 × 0.001)."""
    learn = (np.arange(LearnConfig.samples) + 0.5) / LearnConfig.samples
    return np.concatenate([np.linspace(0, 1, 1001), SAMPLES, learn])


def formula_target(text: str) -> Target:
    """A target f(x) typed as a formula (see :mod:`core.formula`); ValueError if it is refused or
    not finite somewhere on [0, 1] that the app looks at."""
    formula = parse_formula(text, ("x",))
    target = lambda x: formula(x=x)  # noqa: E731
    target_values(target, _check_points_1d())
    return target


def formula_target_2d(text: str) -> Target2D:
    """A target f(x, y) typed as a formula; ValueError if it is refused or not finite on [0, 1]²
    (checked on a 101×101 grid of corners and on the 2-D score's pixel centres)."""
    formula = parse_formula(text, ("x", "y"))
    target = lambda x, y: formula(x=x, y=y)  # noqa: E731
    target_values(target, *np.meshgrid(np.linspace(0, 1, 101), np.linspace(0, 1, 101)))
    target_values(target, *grid_coords(100))
    return target


@dataclass
class DrawnCurve:
    """A target drawn with the mouse: values at ``xs`` (evenly spaced on [0, 1]), linear in between.
    Drawn values are kept inside [LOW, HIGH] so that σ⁻¹ of them stays moderate."""

    ys: np.ndarray
    LOW = 0.01
    HIGH = 0.99

    def __post_init__(self):
        self.ys = np.clip(np.asarray(self.ys, dtype=np.float64).reshape(-1), self.LOW, self.HIGH)
        if self.ys.size < 2:
            raise ValueError("a drawn curve needs at least two points")
        self.xs = np.linspace(0, 1, self.ys.size)

    @classmethod
    def from_target(cls, target: Target, points: int = 201) -> "DrawnCurve":
        return cls(target_values(target, np.linspace(0, 1, points)))

    def paint(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """A stroke from (x0, y0) to (x1, y1): the points between take the straight line's values."""
        if x1 < x0:
            x0, y0, x1, y1 = x1, y1, x0, y0
        inside = (self.xs >= x0) & (self.xs <= x1)
        if x1 - x0 < 1e-12:
            inside = np.abs(self.xs - x0) <= 0.5 / (self.xs.size - 1)
            values = np.full(inside.sum(), y1)
        else:
            values = y0 + (self.xs[inside] - x0) * (y1 - y0) / (x1 - x0)
        self.ys[inside] = np.clip(values, self.LOW, self.HIGH)

    def __call__(self, x):
        return np.interp(np.asarray(x, dtype=np.float64), self.xs, self.ys)


# --- one neuron and steps --------------------------------------------------------------------------

def neuron(x, w: float, b: float):
    """A sigmoid neuron with one input: σ(wx + b)."""
    return sigmoid(w * np.asarray(x, dtype=np.float64) + b)


def step_position(w: float, b: float) -> float:
    """Where σ(wx + b) crosses ½ (a step there when w is large): s = −b/w."""
    return -b / w


def step_bias(s: float, w: float = STEEP) -> float:
    """The bias that puts the step of a neuron with weight w at s: b = −ws."""
    return -w * s


def step(x, s: float, w: float = STEEP):
    """A neuron with its step at s: σ(w(x − s))."""
    return neuron(x, w, step_bias(s, w))


def bump(x, s1: float, s2: float, h: float, w: float = STEEP):
    """Two step neurons with output weights +h and −h: ≈ h on [s₁, s₂), ≈ 0 elsewhere."""
    return h * (step(x, s1, w) - step(x, s2, w))


def bin_edges(n_bumps: int) -> np.ndarray:
    """The N + 1 edges 0, 1/N, ..., 1 of the challenge's N equal bumps."""
    _check_bumps(n_bumps)
    return np.arange(n_bumps + 1) / n_bumps


def bin_index(x, n_bumps: int) -> np.ndarray:
    """Which of N equal bins on [0, 1) each x falls in (x = j/N opens bin j; 1 belongs to the last)."""
    x = np.asarray(x, dtype=np.float64)
    return np.clip(np.floor(x * n_bumps + 1e-9), 0, n_bumps - 1).astype(np.int64)


# --- a network with one hidden layer, one input, one output ---------------------------------------

@dataclass
class OneHiddenLayer:
    """x → H sigmoid neurons aⱼ = σ(wⱼx + bⱼ) → one sigmoid output σ(z), z = Σⱼ vⱼaⱼ + b_out.

    ``v`` are the output weights (the book writes them w too, and ±h for a bump)."""

    w: np.ndarray
    b: np.ndarray
    v: np.ndarray
    b_out: float = 0.0

    def __post_init__(self):
        self.w, self.b, self.v = (np.array(a, dtype=np.float64).reshape(-1) for a in (self.w, self.b, self.v))
        if not (self.w.shape == self.b.shape == self.v.shape):
            raise ValueError("w, b and v need one entry per hidden neuron")
        self.b_out = float(self.b_out)

    @property
    def n_hidden(self) -> int:
        return self.w.size

    def hidden(self, x) -> np.ndarray:
        """The hidden activations, shape (len(x), H)."""
        x = np.asarray(x, dtype=np.float64).reshape(-1, 1)
        return sigmoid(x * self.w + self.b)

    def weighted_output(self, x) -> np.ndarray:
        """The hidden layer's weighted output Σⱼ vⱼaⱼ (what the book plots against σ⁻¹∘f)."""
        return self.hidden(x) @ self.v

    def z(self, x) -> np.ndarray:
        """The output neuron's weighted input z = Σⱼ vⱼaⱼ + b_out."""
        return self.weighted_output(x) + self.b_out

    def output(self, x) -> np.ndarray:
        """The network's output σ(z)."""
        return sigmoid(self.z(x))

    def step_positions(self) -> np.ndarray:
        """sⱼ = −bⱼ/wⱼ, where each hidden neuron crosses ½ (inf where wⱼ = 0)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return -self.b / self.w

    def copy(self) -> "OneHiddenLayer":
        return replace(self, w=self.w.copy(), b=self.b.copy(), v=self.v.copy())


def bumps_network(steps, heights, w: float = STEEP) -> OneHiddenLayer:
    """A network of bumps: bump j has steps at ``steps[j] = (s₁, s₂)`` and height ``heights[j]``.
    Hidden neurons 2j and 2j + 1 step at s₁ and s₂, with output weights +h and −h."""
    steps = np.asarray(steps, dtype=np.float64).reshape(-1, 2)
    heights = np.asarray(heights, dtype=np.float64).reshape(-1)
    if len(steps) != len(heights):
        raise ValueError("one height per bump is needed")
    s = steps.reshape(-1)
    v = np.stack([heights, -heights], axis=1).reshape(-1)
    return OneHiddenLayer(np.full(s.size, w), -w * s, v)


#: how far outside [0, 1] the challenge's outermost steps sit
OVERHANG = 0.05


def challenge_network(heights, w: float = STEEP) -> OneHiddenLayer:
    """The challenge's network: N bumps on the equal bins [j/N, (j+1)/N) with the given heights. The
    outermost steps sit just outside [0, 1] (at −0.05 and 1.05) so the first and last bumps are at full
    height at x = 0 and x = 1 instead of half-way up a step."""
    heights = np.asarray(heights, dtype=np.float64).reshape(-1)
    edges = bin_edges(len(heights))
    edges[0], edges[-1] = -OVERHANG, 1 + OVERHANG
    return bumps_network(np.stack([edges[:-1], edges[1:]], axis=1), heights, w)


# --- the challenge's score and its optimum ---------------------------------------------------------

def _check_bumps(n: int) -> None:
    if int(n) != n or not 1 <= n <= MAX_BUMPS:
        raise ValueError(f"the number of bumps must be a whole number from 1 to {MAX_BUMPS}, not {n}")


def average_deviation(heights, target: Target = book_function) -> float:
    """The book's score: with N = len(heights) equal bins over x = 0.00, 0.01, ..., 0.99, the mean over
    those x of |σ⁻¹(f(x)) − h_bin(x)|, where h_bin(x) is the height of the bump x falls in."""
    heights = np.asarray(heights, dtype=np.float64).reshape(-1)
    _check_bumps(len(heights))
    return _deviation(_goal(target), heights)


def fit_heights(n_bumps: int, target: Target = book_function) -> np.ndarray:
    """The heights that minimise :func:`average_deviation`. The score is a sum of absolute deviations
    per bin, so each bin's best height is the median of σ⁻¹(f(x)) over that bin's sample x."""
    _check_bumps(n_bumps)
    return _fit(_goal(target), n_bumps)


def best_scores(max_bumps: int = MAX_BUMPS, target: Target = book_function) -> np.ndarray:
    """The best possible score for N = 1, ..., max_bumps bumps (entry N − 1 is for N bumps)."""
    _check_bumps(max_bumps)
    goal = _goal(target)
    return np.array([_deviation(goal, _fit(goal, n)) for n in range(1, max_bumps + 1)])


def _goal(target: Target) -> np.ndarray:
    """σ⁻¹(f(x)) at the book's sample x."""
    return inverse_sigmoid(target_values(target, SAMPLES))


def _deviation(goal: np.ndarray, heights: np.ndarray) -> float:
    return float(np.mean(np.abs(goal - heights[bin_index(SAMPLES, len(heights))])))


def _fit(goal: np.ndarray, n_bumps: int) -> np.ndarray:
    """Per-bin medians of ``goal``. Bins are runs of consecutive samples; with N ≤ 100 each bin is at
    least 0.01 wide, so it holds at least one sample."""
    bins = bin_index(SAMPLES, n_bumps)
    ordered = goal[np.lexsort((goal, bins))]  # sorted within each bin, bins in order
    counts = np.bincount(bins, minlength=n_bumps)
    starts = np.cumsum(counts) - counts
    return 0.5 * (ordered[starts + (counts - 1) // 2] + ordered[starts + counts // 2])


def network_deviation(net: OneHiddenLayer, target: Target = book_function) -> float:
    """The book's score for any network: mean over x = 0.00..0.99 of |σ⁻¹(f(x)) − z(x)|, z the output
    neuron's weighted input (for the challenge's bumps z ≈ h_bin away from the bin edges)."""
    goal = inverse_sigmoid(target_values(target, SAMPLES))
    return float(np.mean(np.abs(goal - net.z(SAMPLES))))


def random_heights(n_bumps: int, rng: np.random.Generator | None = None, scale: float = 2.0) -> np.ndarray:
    """Heights for a fresh challenge (the book's Reset): uniform in [−scale, scale]."""
    _check_bumps(n_bumps)
    rng = rng or np.random.default_rng()
    return rng.uniform(-scale, scale, n_bumps)


# --- learning the same network by gradient descent --------------------------------------------------

@dataclass(frozen=True)
class LearnConfig:
    """Gradient descent with momentum (chapter 3) on the quadratic cost C = ½·mean (z(x) − σ⁻¹(f(x)))²
    over ``samples`` evenly spaced x in [0, 1): the book's trick, so that σ(z) ≈ f."""

    n_hidden: int = 10
    eta: float = 0.5
    momentum: float = 0.9
    samples: int = 400
    init_steepness: float = 30.0
    seed: int = 0

    def __post_init__(self):
        checks = [(1 <= self.n_hidden <= 2 * MAX_BUMPS, f"n_hidden must be 1 to {2 * MAX_BUMPS}"),
                  (0 < self.eta <= 100 and np.isfinite(self.eta), "η must be positive (and at most 100)"),
                  (0 <= self.momentum < 1, "the momentum μ must be in [0, 1)"),
                  (10 <= self.samples <= 10_000, "samples must be 10 to 10,000"),
                  (self.init_steepness > 0, "init_steepness must be positive")]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    @staticmethod
    def default_eta(n_hidden: int) -> float:
        """A learning rate that is stable for this many hidden neurons (z sums H terms)."""
        return float(min(0.5, 5.0 / n_hidden))


def initial_network(n_hidden: int, rng: np.random.Generator, steepness: float = 30.0) -> OneHiddenLayer:
    """Hidden neurons with |w| = steepness, random signs, steps spread uniformly over [0, 1] and
    small output weights: a start from which gradient descent moves steps and heights."""
    w = steepness * rng.choice([-1.0, 1.0], n_hidden)
    s = rng.uniform(0, 1, n_hidden)
    return OneHiddenLayer(w, -w * s, rng.normal(0, 0.1, n_hidden), 0.0)


def cost_and_gradients(net: OneHiddenLayer, x: np.ndarray, t: np.ndarray):
    """C = ½·mean (z − t)² and its gradients {"w", "b", "v", "b_out"} by backpropagation:
    δ_out = z − t (per sample), ∂C/∂v = mean δ_out·a, δ_hidden = δ_out·v ⊙ σ'(wx + b),
    ∂C/∂w = mean δ_hidden·x, ∂C/∂b = mean δ_hidden (BP1-BP4 for this network)."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    a = net.hidden(x)  # (n, H)
    r = a @ net.v + net.b_out - t  # δ of the output neuron's weighted input, (n,)
    n = x.size
    delta = (r[:, None] * net.v) * a * (1 - a)  # (n, H)
    grads = {"w": x @ delta / n, "b": delta.sum(0) / n, "v": r @ a / n, "b_out": r.sum() / n}
    return 0.5 * float(np.mean(r * r)), grads


@dataclass
class GradientDescent:
    """Trains a :class:`OneHiddenLayer` on a target, one full-batch step per :meth:`step`."""

    target: Target
    config: LearnConfig = field(default_factory=LearnConfig)
    net: OneHiddenLayer | None = None

    def __post_init__(self):
        self.x = (np.arange(self.config.samples) + 0.5) / self.config.samples
        self.t = inverse_sigmoid(target_values(self.target, self.x))
        if self.net is None:
            self.net = initial_network(self.config.n_hidden, np.random.default_rng(self.config.seed),
                                       self.config.init_steepness)
        self._velocity = {k: 0.0 * np.asarray(getattr(self.net, k)) for k in ("w", "b", "v", "b_out")}
        self.steps = 0
        self.cost = float("nan")
        self.eta = self.config.eta

    def step(self) -> float:
        """One step of momentum gradient descent: v ← μv − η∇C, p ← p + v. Returns the cost before the
        step; raises FloatingPointError if it is no longer finite (η too large)."""
        cost, grads = cost_and_gradients(self.net, self.x, self.t)
        if not np.isfinite(cost) or cost > 1e8:
            raise FloatingPointError(f"gradient descent diverged after {self.steps} steps; try a smaller η")
        mu = self.config.momentum
        for k, g in grads.items():
            self._velocity[k] = mu * self._velocity[k] - self.eta * g
        self.net.w += self._velocity["w"]
        self.net.b += self._velocity["b"]
        self.net.v += self._velocity["v"]
        self.net.b_out += float(self._velocity["b_out"])
        self.steps += 1
        self.cost = cost
        return cost

    def run(self, n_steps: int) -> float:
        for _ in range(n_steps):
            self.step()
        return self.cost


# --- two inputs: towers ---------------------------------------------------------------------------

def tower_weighted_output(x, y, x_steps, y_steps, h: float, w: float = STEEP):
    """An x-bump plus a y-bump of height h: ≈ 2h inside the tower, ≈ h on the two cross arms, 0 else."""
    return bump(x, *x_steps, h, w) + bump(y, *y_steps, h, w)


def tower(x, y, x_steps, y_steps, h: float = 10.0, b: float | None = None, w: float = STEEP):
    """The tower neuron σ(h·(x-bump + y-bump) + b), b = −3h/2 by default: ≈ σ(h/2) inside the
    tower, σ(−h/2) on the arms and σ(−3h/2) outside, so ≈ 1 inside and ≈ 0 elsewhere for large h."""
    b = -1.5 * h if b is None else b
    return sigmoid(tower_weighted_output(x, y, x_steps, y_steps, h, w) + b)


def grid_coords(resolution: int = 100):
    """The sample grid of the 2-D score: the centres of an r×r grid of pixels on [0, 1]²,
    x, y = (k + ½)/r, as (X, Y) of shape (r, r) with rows along y (row-major images). Centres rather
    than k/r keep the samples off the towers' edges, where a step is only half-way up."""
    s = (np.arange(resolution) + 0.5) / resolution
    return np.meshgrid(s, s)


def tower_grid_z(heights, x, y, h: float = 20.0, w: float = STEEP) -> np.ndarray:
    """The output neuron's weighted input z = Σᵢⱼ cᵢⱼ Tᵢⱼ(x, y) for an n×n grid of towers, tower (i, j)
    on [j/n, (j+1)/n) × [i/n, (i+1)/n) (row i along y) with output weight cᵢⱼ = heights[i, j].

    The network: 2 inputs → n + 1 x-steps and n + 1 y-steps → n² tower neurons (weights ±h, bias
    −3h/2) → output σ(z). As in :func:`challenge_network` the outermost steps sit just outside [0, 1].
    ``x`` and ``y`` are 1-D: the result has shape (len(y), len(x))."""
    heights = np.asarray(heights, dtype=np.float64)
    n = heights.shape[0]
    if heights.shape != (n, n) or n < 1:
        raise ValueError("the tower heights must be a square n×n array")
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    edges = np.arange(n + 1) / n
    edges[0], edges[-1] = -OVERHANG, 1 + OVERHANG
    sx = step(x[None, :], edges[:, None], w)  # (n + 1, len(x)): the x-step neurons
    sy = step(y[None, :], edges[:, None], w)  # (n + 1, len(y))
    bx = h * (sx[:-1] - sx[1:])  # (n, len(x)): weighted x-bumps
    by = h * (sy[:-1] - sy[1:])  # (n, len(y))
    z = np.zeros((y.size, x.size))
    for i in range(n):  # one row of towers at a time keeps memory at n·len(x)·len(y)
        t = sigmoid(by[i][:, None, None] + bx.T[None, :, :] - 1.5 * h)  # (len(y), len(x), n): row i's towers
        z += t @ heights[i]
    return z


def fit_tower_heights(n: int, target: Target2D, resolution: int = 100) -> np.ndarray:
    """The best output weight per tower for the 2-D score: the median of σ⁻¹(f) over the samples of
    each cell of an n×n grid (the 2-D analogue of :func:`fit_heights`)."""
    if int(n) != n or not 1 <= n <= resolution:
        raise ValueError(f"the grid size must be a whole number from 1 to {resolution}, not {n}")
    X, Y = grid_coords(resolution)
    goal = inverse_sigmoid(target_values(target, X, Y))
    col, row = bin_index(X, n), bin_index(Y, n)
    cell = (row * n + col).ravel()
    order = np.argsort(cell, kind="stable")
    groups = np.split(goal.ravel()[order], np.flatnonzero(np.diff(cell[order])) + 1)
    present = np.unique(cell)
    heights = np.zeros(n * n)
    heights[present] = [np.median(g) for g in groups]
    return heights.reshape(n, n)


def grid_deviation(z: np.ndarray, target: Target2D, resolution: int = 100) -> float:
    """The 2-D score: mean over the sample grid of |σ⁻¹(f(x, y)) − z(x, y)|; ``z`` from
    :func:`tower_grid_z` on ``grid_coords(resolution)``."""
    X, Y = grid_coords(resolution)
    return float(np.mean(np.abs(inverse_sigmoid(target_values(target, X, Y)) - z)))


#: targets offered by the app, as formulas the user can read and edit (``core.formula`` syntax)
PRESETS_1D = {
    "The book's f(x)": "0.2 + 0.4*x**2 + 0.3*x*sin(15*x) + 0.05*cos(50*x)",
    "Sine wave": "0.5 + 0.35*sin(2*pi*x)",
    "Gaussian bump": "0.1 + 0.8*exp(-(x - 0.5)**2 / 0.01)",
    "Step": "0.2 if x < 0.5 else 0.8",
    "Sawtooth": "0.15 + 0.7*((3*x) % 1)",
    "Tent |x − ½|": "0.1 + 1.6*abs(x - 0.5)",
    "Chirp": "0.5 + 0.4*sin(30*x**2)",
}
PRESETS_2D = {
    "Hill with ripples": "0.2 + 0.6*exp(-((x - 0.6)**2 + (y - 0.45)**2)/0.08) + 0.1*sin(9*x)*cos(7*y)",
    "Gaussian peak": "0.1 + 0.8*exp(-((x - 0.5)**2 + (y - 0.5)**2)/0.03)",
    "Saddle": "0.5 + 0.35*(2*x - 1)*(2*y - 1)",
    "Ripples": "0.5 + 0.4*cos(12*hypot(x - 0.5, y - 0.5))",
    "Diagonal ramp": "0.1 + 0.4*(x + y)",
    "Checkerboard": "0.2 + 0.6*((floor(4*x) + floor(4*y)) % 2)",
}
