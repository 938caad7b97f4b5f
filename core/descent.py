"""Chapter 1's gradient descent in two dimensions: a ball rolling down a cost surface C(v₁, v₂).

Each step moves the ball by Δv = −η ∇C (chapter 1, equation 10). Chapter 3's momentum variation keeps
a velocity: v → μ v − η ∇C, then the position moves by it (equations 107 and 108). Three surfaces:

- :class:`Bowl`, the book's C = v₁² + v₂²: a step multiplies v by 1 − 2η, so η < ½ descends smoothly,
  ½ < η < 1 overshoots and oscillates in, and η > 1 diverges.
- :class:`Valley`, a long narrow valley C = a v₁² + c v₂² (a ≪ c): an η small enough not to bounce
  across the valley crawls along it, which momentum fixes.
- :class:`Regression`, the mean quadratic cost of a straight line y = v₁ x + v₂ over a small data
  set; stochastic gradient descent estimates ∇C from a mini-batch of m points (chapter 1, equation 18).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

#: a ball farther than this from the origin has diverged: the path stops there
ESCAPE = 1e3


@dataclass(frozen=True)
class Bowl:
    """C(v) = v₁² + v₂², ∇C = (2v₁, 2v₂)."""

    name: str = "bowl"
    title: str = "C = v₁² + v₂²"
    extent: float = 2.0  # the view spans [−extent, extent] in both directions

    def cost(self, v1, v2):
        return np.square(v1) + np.square(v2)

    def gradient(self, v) -> np.ndarray:
        return 2.0 * np.asarray(v, dtype=np.float64)

    def quadratic(self) -> tuple[np.ndarray, np.ndarray, float]:
        """(H, v*, C*) with C(v) = ½ (v − v*)ᵀ H (v − v*) + C*."""
        return 2.0 * np.eye(2), np.zeros(2), 0.0


@dataclass(frozen=True)
class Valley:
    """C(v) = a v₁² + c v₂², a long valley along v₁ when a ≪ c; ∇C = (2a v₁, 2c v₂)."""

    a: float = 0.05
    c: float = 1.0
    name: str = "valley"
    title: str = "C = 0.05 v₁² + v₂²"
    extent: float = 2.0

    def cost(self, v1, v2):
        return self.a * np.square(v1) + self.c * np.square(v2)

    def gradient(self, v) -> np.ndarray:
        v = np.asarray(v, dtype=np.float64)
        return np.array([2 * self.a * v[0], 2 * self.c * v[1]])

    def quadratic(self) -> tuple[np.ndarray, np.ndarray, float]:
        return np.diag([2 * self.a, 2 * self.c]), np.zeros(2), 0.0


@dataclass(frozen=True)
class Regression:
    """C(v) = (1/2n) Σᵢ (v₁ xᵢ + v₂ − yᵢ)², the quadratic cost of the line y = v₁ x + v₂ on n points."""

    x: np.ndarray
    y: np.ndarray
    name: str = "regression"
    title: str = "C = (1/2n) Σ (v₁x + v₂ − y)²"
    extent: float = 2.0

    def cost(self, v1, v2):
        """C from the data's moments (a quadratic in v), so a whole grid costs a few array passes:
        ½ (v₁² ⟨x²⟩ + 2 v₁v₂ ⟨x⟩ + v₂² − 2 v₁ ⟨xy⟩ − 2 v₂ ⟨y⟩ + ⟨y²⟩)."""
        x, y = self.x, self.y
        xx, xm, xy, ym, yy = np.mean(x * x), np.mean(x), np.mean(x * y), np.mean(y), np.mean(y * y)
        v1, v2 = np.asarray(v1, dtype=np.float64), np.asarray(v2, dtype=np.float64)
        return 0.5 * (v1 * v1 * xx + 2 * v1 * v2 * xm + v2 * v2 - 2 * v1 * xy - 2 * v2 * ym + yy)

    def gradient(self, v, indices=None) -> np.ndarray:
        """∇C over all n points, or estimated from the points ``indices`` (a mini-batch)."""
        x, y = (self.x, self.y) if indices is None else (self.x[indices], self.y[indices])
        residual = v[0] * x + v[1] - y
        return np.array([np.mean(residual * x), np.mean(residual)])

    def quadratic(self) -> tuple[np.ndarray, np.ndarray, float]:
        """H = [[⟨x²⟩, ⟨x⟩], [⟨x⟩, 1]]; the minimum v* is the least-squares line."""
        hessian = np.array([[np.mean(self.x * self.x), np.mean(self.x)], [np.mean(self.x), 1.0]])
        best = np.linalg.solve(hessian, [np.mean(self.x * self.y), np.mean(self.y)])
        return hessian, best, float(self.cost(*best))

    def batch_gradients(self, v, m: int, draws: int, rng: np.random.Generator) -> np.ndarray:
        """``draws`` independent mini-batch estimates of ∇C at v, each from m points drawn without
        replacement: (draws, 2). Their spread shrinks as m grows (like 1/√m)."""
        n = len(self.x)
        m = int(np.clip(m, 1, n))
        picks = np.argsort(rng.random((draws, n)), axis=1)[:, :m]  # each row: m distinct points
        residual = v[0] * self.x[picks] + v[1] - self.y[picks]  # (draws, m)
        return np.stack([np.mean(residual * self.x[picks], axis=1), np.mean(residual, axis=1)], axis=1)


def regression_set(n: int = 40, slope: float = 0.8, intercept: float = -0.5, noise: float = 0.3,
                   seed: int = 0) -> Regression:
    """n points near the line y = slope·x + intercept, x uniform in [−1.5, 1.5], Gaussian noise."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.5, 1.5, n)
    y = slope * x + intercept + noise * rng.standard_normal(n)
    return Regression(x, y)


@dataclass
class Ball:
    """The ball's position, its velocity (for momentum) and every position it has had."""

    position: np.ndarray
    velocity: np.ndarray = field(default_factory=lambda: np.zeros(2))
    path: list = field(default_factory=list)

    def __post_init__(self):
        self.position = np.asarray(self.position, dtype=np.float64).copy()
        if not self.path:
            self.path = [self.position.copy()]

    @property
    def escaped(self) -> bool:
        """True once the ball has left every sensible range (η too large: divergence)."""
        return not np.all(np.isfinite(self.position)) or float(np.abs(self.position).max()) > ESCAPE

    def step(self, gradient: np.ndarray, eta: float, mu: float = 0.0) -> np.ndarray:
        """One step: velocity → μ·velocity − η∇C, position → position + velocity (μ = 0 is plain
        gradient descent, Δv = −η∇C). Returns the step Δv taken; a ball that escaped stays put."""
        if self.escaped:
            return np.zeros(2)
        self.velocity = mu * self.velocity - eta * np.asarray(gradient, dtype=np.float64)
        self.position = self.position + self.velocity
        self.path.append(self.position.copy())
        return self.velocity.copy()


def cost_grid(surface, n: int = 161, span: float | None = None) -> np.ndarray:
    """C on an n × n grid over [−span, span]² (default: the surface's extent), rows = v₂ (bottom
    first), columns = v₁."""
    span = surface.extent if span is None else span
    axis = np.linspace(-span, span, n)
    v1, v2 = np.meshgrid(axis, axis)
    return surface.cost(v1, v2)


def descend(surface, start, eta: float, steps: int, mu: float = 0.0) -> np.ndarray:
    """The ball's path from ``start`` over ``steps`` steps with the full gradient: (k, 2), k ≤ steps + 1
    (it stops early when the ball escapes)."""
    ball = Ball(start)
    for _ in range(int(steps)):
        if ball.escaped:
            break
        ball.step(surface.gradient(ball.position), eta, mu)
    return np.array(ball.path)


class Regime(NamedTuple):
    name: str  # "slow", "good", "overshoot" or "divergence"
    rate: float  # the worst factor by which the distance to the minimum shrinks per step (> 1: grows)
    steps: float  # steps to shrink it a hundredfold (inf when it never does)


#: more steps than this to get a hundred times closer is "slow"
SLOW_STEPS = 40


def regime(surface, eta: float, mu: float = 0.0) -> Regime:
    """What gradient descent with rate η (and momentum μ) does on a quadratic surface, from the
    eigenvalues λ of its Hessian. Along each eigenvector the distance x and velocity u follow
    u → μu − ηλx, x → x + u: a linear map whose eigenvalues r solve r² − (1 − ηλ + μ) r + μ = 0.
    The largest |r| is the worst rate; negative or complex r mean the ball overshoots the minimum."""
    hessian, _, _ = surface.quadratic()
    worst, overshoots = 0.0, False
    for lam in np.linalg.eigvalsh(hessian):
        roots = np.roots([1.0, -(1.0 - eta * lam + mu), mu])
        worst = max(worst, float(np.max(np.abs(roots))))
        overshoots |= bool(np.any(np.abs(roots.imag) > 1e-12) or np.any(roots.real < -1e-12))
    steps = math.log(100.0) / -math.log(worst) if 0 < worst < 1 else (0.0 if worst == 0 else math.inf)
    if worst >= 1:
        name = "divergence"
    elif overshoots:
        name = "overshoot"
    elif steps > SLOW_STEPS:
        name = "slow"
    else:
        name = "good"
    return Regime(name, worst, steps)


def contour(surface, level: float, points: int = 120) -> np.ndarray:
    """The closed curve C(v) = level of a quadratic surface, an ellipse around the minimum: (points, 2)
    (empty below the minimum's cost)."""
    hessian, best, lowest = surface.quadratic()
    if level <= lowest:
        return np.zeros((0, 2))
    values, vectors = np.linalg.eigh(hessian)
    angle = np.linspace(0.0, 2 * np.pi, points)
    circle = np.stack([np.cos(angle), np.sin(angle)])  # (2, points)
    radii = np.sqrt(2.0 * (level - lowest) / values)  # ½ λ r² = level − C*
    return (best[:, None] + vectors @ (radii[:, None] * circle)).T
