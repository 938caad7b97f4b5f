"""Typed formulas such as ``0.5 + 0.3*sin(8*x)``, parsed safely into NumPy functions.

The text is parsed with :mod:`ast` and compiled into a tree of small closures; only whitelisted
names, operators and NumPy functions are accepted, so nothing is ever passed to ``eval`` or
``exec`` and a formula cannot reach attributes, imports or the file system. Numbers are evaluated
as float64 (so ``9**9**9`` overflows to ``inf`` instead of building a huge integer). Anything
refused raises :class:`ValueError` with a message a user can act on.
"""
from __future__ import annotations

import ast
import operator
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy.special import expit

MAX_LENGTH = 500
MAX_NODES = 400

CONSTANTS = {"pi": np.pi, "e": np.e}

#: name -> (numpy function, number of arguments)
FUNCTIONS: dict[str, tuple[Callable, int]] = {
    "sin": (np.sin, 1), "cos": (np.cos, 1), "tan": (np.tan, 1),
    "asin": (np.arcsin, 1), "acos": (np.arccos, 1), "atan": (np.arctan, 1),
    "arcsin": (np.arcsin, 1), "arccos": (np.arccos, 1), "arctan": (np.arctan, 1), "atan2": (np.arctan2, 2),
    "sinh": (np.sinh, 1), "cosh": (np.cosh, 1), "tanh": (np.tanh, 1),
    "exp": (np.exp, 1), "log": (np.log, 1), "log2": (np.log2, 1), "log10": (np.log10, 1),
    "sqrt": (np.sqrt, 1), "abs": (np.abs, 1), "sign": (np.sign, 1),
    "floor": (np.floor, 1), "ceil": (np.ceil, 1), "round": (np.round, 1),
    "min": (np.minimum, 2), "max": (np.maximum, 2), "hypot": (np.hypot, 2),
    "clip": (np.clip, 3), "where": (np.where, 3),
    "sigmoid": (expit, 1), "step": (lambda z: np.heaviside(z, 0.5), 1),
}

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.Pow: operator.pow, ast.Mod: operator.mod, ast.FloorDiv: operator.floordiv}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_COMPARE = {ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater, ast.GtE: np.greater_equal,
            ast.Eq: np.equal, ast.NotEq: np.not_equal}
_SYMBOL = {ast.BitXor: "^ (use ** for powers)", ast.BitAnd: "&", ast.BitOr: "|", ast.LShift: "<<",
           ast.RShift: ">>", ast.MatMult: "@", ast.Invert: "~", ast.Not: "not", ast.Is: "is",
           ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}

Env = dict[str, np.ndarray]
Node = Callable[[Env], np.ndarray]


@dataclass(frozen=True)
class Formula:
    """A parsed formula: call it with arrays for its variables, e.g. ``formula(x=xs)``.

    The result is a float64 array with the broadcast shape of the variables (a constant formula
    gives a constant array)."""

    text: str
    variables: tuple[str, ...]
    _root: Node = field(repr=False, compare=False)

    def __call__(self, **values) -> np.ndarray:
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise TypeError(f"the formula needs values for {', '.join(missing)}")
        env = {name: np.asarray(values[name], dtype=np.float64) for name in self.variables}
        shape = np.broadcast_shapes(*(a.shape for a in env.values())) if env else ()
        with np.errstate(all="ignore"):
            out = self._root(env)
        return np.broadcast_to(np.asarray(out, dtype=np.float64), shape).copy()


def parse_formula(text: str, variables: tuple[str, ...] = ("x",)) -> Formula:
    """Parse ``text`` as a formula in ``variables``; raise ValueError with a readable reason if it is
    empty, malformed or uses anything outside the whitelist (see ``allowed_names``)."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("the formula is empty: type an expression such as 0.5 + 0.3*sin(8*x)")
    text = text.strip()
    if len(text) > MAX_LENGTH:
        raise ValueError(f"the formula is too long ({len(text)} characters; at most {MAX_LENGTH})")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        col = f" at column {exc.offset}" if exc.offset else ""
        raise ValueError(f"the formula is not a valid expression{col}: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise ValueError("the formula is nested too deeply") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ValueError(f"the formula is too complex (more than {MAX_NODES} parts)")
    for name in variables:
        if name in CONSTANTS or name in FUNCTIONS:
            raise ValueError(f"{name!r} cannot be a variable: it is a constant or function name")
    try:
        root = _Compiler(tuple(variables)).compile(tree.body)
    except RecursionError:
        raise ValueError("the formula is nested too deeply") from None
    return Formula(text, tuple(variables), root)


def allowed_names(variables: tuple[str, ...] = ("x",)) -> str:
    """The names a formula may use, for help texts and error messages."""
    return (f"variables {', '.join(variables)}; constants {', '.join(CONSTANTS)}; "
            f"functions {', '.join(sorted(FUNCTIONS))}")


class _Compiler:
    def __init__(self, variables: tuple[str, ...]):
        self.variables = variables

    def compile(self, node: ast.AST) -> Node:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise ValueError(f"{_describe(node)} is not allowed in a formula")
        return method(node)

    def _Constant(self, node: ast.Constant) -> Node:
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ValueError(f"{node.value!r} is not a number; a formula may only contain numbers")
        try:
            value = np.float64(node.value)
        except OverflowError:  # an integer literal beyond float64 (about 1.8e308)
            raise ValueError(f"the number {str(node.value)[:12]}… is too large (at most about 1.8e308)") from None
        return lambda env: value

    def _Name(self, node: ast.Name) -> Node:
        name = node.id
        if name in self.variables:
            return lambda env: env[name]
        if name in CONSTANTS:
            value = np.float64(CONSTANTS[name])
            return lambda env: value
        if name in FUNCTIONS:
            raise ValueError(f"{name} is a function: write {name}(…)")
        raise ValueError(f"unknown name {name!r}; you can use {allowed_names(self.variables)}")

    def _BinOp(self, node: ast.BinOp) -> Node:
        op = _BINARY.get(type(node.op))
        if op is None:
            raise ValueError(f"the operator {_SYMBOL.get(type(node.op), type(node.op).__name__)} is not allowed")
        left, right = self.compile(node.left), self.compile(node.right)
        return lambda env: op(left(env), right(env))

    def _UnaryOp(self, node: ast.UnaryOp) -> Node:
        op = _UNARY.get(type(node.op))
        if op is None:
            raise ValueError(f"the operator {_SYMBOL.get(type(node.op), type(node.op).__name__)} is not allowed")
        operand = self.compile(node.operand)
        return lambda env: op(operand(env))

    def _Compare(self, node: ast.Compare) -> Node:
        """``a < b <= c`` gives 1.0 where true and 0.0 where false (handy for steps)."""
        parts = [self.compile(node.left)] + [self.compile(c) for c in node.comparators]
        ops = []
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise ValueError(f"the comparison {_SYMBOL.get(type(op), type(op).__name__)} is not allowed")
            ops.append(_COMPARE[type(op)])

        def compare(env):
            values = [p(env) for p in parts]
            result = np.ones(np.broadcast(*values).shape, dtype=bool)
            for op, a, b in zip(ops, values, values[1:]):
                result = result & op(a, b)
            return result.astype(np.float64)
        return compare

    def _BoolOp(self, node: ast.BoolOp) -> Node:
        parts = [self.compile(v) for v in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or

        def boolean(env):
            result = parts[0](env) != 0
            for p in parts[1:]:
                result = combine(result, p(env) != 0)
            return np.asarray(result, dtype=np.float64)
        return boolean

    def _IfExp(self, node: ast.IfExp) -> Node:
        """``a if condition else b``, element-wise."""
        test, body, orelse = self.compile(node.test), self.compile(node.body), self.compile(node.orelse)
        return lambda env: np.where(test(env) != 0, body(env), orelse(env))

    def _Call(self, node: ast.Call) -> Node:
        if not isinstance(node.func, ast.Name):
            raise ValueError(f"{_describe(node.func)} cannot be called; call a function by name, e.g. sin(x)")
        name = node.func.id
        if name not in FUNCTIONS:
            if name in self.variables or name in CONSTANTS:
                raise ValueError(f"{name} is not a function (write {name}*(…) to multiply)")
            raise ValueError(f"unknown function {name!r}; the functions are {', '.join(sorted(FUNCTIONS))}")
        if node.keywords:
            raise ValueError(f"{name}() takes no keyword arguments")
        func, arity = FUNCTIONS[name]
        if len(node.args) != arity:
            raise ValueError(f"{name}() takes {arity} argument{'s' if arity != 1 else ''}, got {len(node.args)}")
        args = [self.compile(a) for a in node.args]
        if name == "where":
            return lambda env: np.where(args[0](env) != 0, args[1](env), args[2](env))
        return lambda env: func(*(a(env) for a in args))


def _describe(node: ast.AST) -> str:
    kinds = {ast.Attribute: "attribute access (a.b)", ast.Call: "the result of a call",
             ast.Subscript: "indexing (a[i])", ast.Lambda: "lambda",
             ast.List: "a list", ast.Tuple: "a tuple (check the commas)", ast.Dict: "a dict", ast.Set: "a set",
             ast.JoinedStr: "an f-string", ast.NamedExpr: "assignment (:=)", ast.Starred: "*unpacking",
             ast.ListComp: "a comprehension", ast.GeneratorExp: "a comprehension", ast.Await: "await"}
    return kinds.get(type(node), type(node).__name__)
