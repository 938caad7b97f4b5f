"""The steps of backpropagation on one example, and each step's equation with its numbers plugged in
(rich text for the backprop page). The numbers come from :func:`core.backprop_trace.trace`.

Steps, for a network with layers 1…L: forward 1, …, forward L; BP1 (δᴸ); BP2 for L−1 down to 1;
then BP3 and BP4 (the gradients of every bias and weight).
"""
from __future__ import annotations

from typing import NamedTuple

from app import theme
from app.principles.common import matrix, vector
from core.backprop_trace import LayerTrace


class Step(NamedTuple):
    kind: str  # "forward", "BP1", "BP2", "BP3/BP4"
    layer: int  # 1 = the first hidden layer; 0 for BP3/BP4 (every layer)

    @property
    def title(self) -> str:
        if self.kind == "forward":
            return f"Forward, layer {self.layer}"
        if self.kind == "BP3/BP4":
            return "BP3 and BP4: the gradients"
        return f"{self.kind}: δ of layer {self.layer}"


def steps(layers: int) -> list[Step]:
    """Every step for a network with ``layers`` weight layers."""
    out = [Step("forward", l) for l in range(1, layers + 1)]
    out.append(Step("BP1", layers))
    out += [Step("BP2", l) for l in range(layers - 1, 0, -1)]
    out.append(Step("BP3/BP4", 0))
    return out


def revealed(step_list: list[Step], index: int) -> tuple[int, set[int], bool]:
    """What the diagram may show after step ``index``: the last layer with z and a, the layers with δ,
    and whether the gradients are known."""
    done = step_list[: index + 1]
    forward = max((s.layer for s in done if s.kind == "forward"), default=0)
    deltas = {s.layer for s in done if s.kind in ("BP1", "BP2")}
    gradients = any(s.kind == "BP3/BP4" for s in done)
    if gradients:
        deltas = set(range(1, forward + 1))
    return forward, deltas, gradients


def _sup(symbol: str, layer) -> str:
    return f"{symbol}<sup>{layer}</sup>"


def _line(text: str) -> str:
    return f"<div style='margin: 2px 0'>{text}</div>"


def _name(text: str) -> str:
    return f"<span style='color:{theme.ACCENT}'>{text}</span>"


def equation(step: Step, records: list[LayerTrace], y, cost_name: str) -> str:
    """The step's equation in the book's notation, then with this example's numbers."""
    L = len(records)
    if step.kind == "forward":
        l, r = step.layer, records[step.layer - 1]
        a_prev = "x" if l == 1 else _sup("a", l - 1)
        return "".join([
            _line(_name(f"{_sup('z', l)} = {_sup('w', l)} {a_prev} + {_sup('b', l)}") +
                  f"  <span style='color:{theme.MUTED}'>(equation 25)</span>"),
            _line(f"  = {matrix(r.w)} · {vector(r.a_in)} + {vector(r.b)}"),
            _line(f"  = {vector(r.z)}"),
            _line(_name(f"{_sup('a', l)} = σ({_sup('z', l)})") + f" = {vector(r.a)}")])
    if step.kind == "BP1":
        r = records[-1]
        if cost_name == "cross-entropy":
            return "".join([
                _line(_name(f"BP1: {_sup('δ', L)} = {_sup('a', L)} − y") +
                      f"  <span style='color:{theme.MUTED}'>(cross-entropy: σ′ cancels, equation 66)</span>"),
                _line(f"  = {vector(r.a)} − {vector(y)}"),
                _line(f"  = {vector(r.delta)}")])
        return "".join([
            _line(_name(f"BP1: {_sup('δ', L)} = ∇<sub>a</sub>C ⊙ σ′({_sup('z', L)}) = "
                        f"({_sup('a', L)} − y) ⊙ σ′({_sup('z', L)})")),
            _line(f"  = ({vector(r.a)} − {vector(y)}) ⊙ {vector(r.sigma_prime)}"),
            _line(f"  = {vector(r.a - y)} ⊙ {vector(r.sigma_prime)}"),
            _line(f"  = {vector(r.delta)}")])
    if step.kind == "BP2":
        l = step.layer
        r, after = records[l - 1], records[l]
        carried = after.w.T @ after.delta
        return "".join([
            _line(_name(f"BP2: {_sup('δ', l)} = (({_sup('w', l + 1)})<sup>T</sup> {_sup('δ', l + 1)}) ⊙ "
                        f"σ′({_sup('z', l)})")),
            _line(f"  = ({matrix(after.w.T)} · {vector(after.delta)}) ⊙ {vector(r.sigma_prime)}"),
            _line(f"  = {vector(carried)} ⊙ {vector(r.sigma_prime)}"),
            _line(f"  = {vector(r.delta)}")])
    lines = [_line(_name("BP3: ∂C/∂b<sup>l</sup><sub>j</sub> = δ<sup>l</sup><sub>j</sub>    "
                         "BP4: ∂C/∂w<sup>l</sup><sub>jk</sub> = a<sup>l−1</sup><sub>k</sub> δ<sup>l</sup><sub>j</sub>"))]
    for l, r in enumerate(records, 1):
        a_prev = "x" if l == 1 else _sup("a", l - 1)
        lines.append(_line(f"∂C/∂{_sup('b', l)} = {_sup('δ', l)} = {vector(r.nabla_b)}"))
        lines.append(_line(f"∂C/∂{_sup('w', l)} = {_sup('δ', l)} ({a_prev})<sup>T</sup> = {vector(r.delta)} "
                           f"{vector(r.a_in)}<sup>T</sup> = {matrix(r.nabla_w, 4)}"))
    return "".join(lines)
