"""Safe evaluation of user formulas such as ``"1/cosh(x)*exp(0.5j*x)"``.

The string is parsed with :mod:`ast` and walked by a small interpreter that knows only arithmetic,
numeric literals, a fixed set of NumPy functions and the names it is given (``x`` …). Nothing is passed to
``eval``: attribute access, subscripts, imports, lambdas, comprehensions, keyword arguments, dunder names
and any name outside the whitelist are rejected before anything is computed. Each function takes exactly
its documented number of positional arguments (so NumPy's positional ``out`` argument cannot be reached:
``sin(x, x)`` would otherwise overwrite ``x``), and every error — while parsing or while computing, e.g.
``1j % 2`` — is an :class:`ExpressionError`.
"""

from __future__ import annotations

import ast
import math
import operator
import warnings
from collections.abc import Callable, Mapping

import numpy as np

MAX_LENGTH = 2000
MAX_DEPTH = 60


def _sech(z):
    return 1.0 / np.cosh(z)


FUNCTIONS: dict[str, Callable] = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "arcsin": np.arcsin,
    "arccos": np.arccos,
    "arctan": np.arctan,
    "arctan2": np.arctan2,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "tanh": np.tanh,
    "sech": _sech,
    "arcsinh": np.arcsinh,
    "arccosh": np.arccosh,
    "arctanh": np.arctanh,
    "exp": np.exp,
    "log": np.log,
    "log10": np.log10,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "sign": np.sign,
    "real": np.real,
    "imag": np.imag,
    "conj": np.conj,
    "minimum": np.minimum,
    "maximum": np.maximum,
    "heaviside": np.heaviside,
}
CONSTANTS: dict[str, float] = {"pi": np.pi, "e": np.e}
# positional arguments of each function (1 unless listed): a second one would be NumPy's ``out``
ARITY: dict[str, int] = {"arctan2": 2, "minimum": 2, "maximum": 2, "heaviside": 2}

# what the rejected node types are called in error messages
_NODE_NAMES = {
    "Attribute": "attribute access (a.b)",
    "Subscript": "subscripts (a[i])",
    "Lambda": "lambda",
    "ListComp": "comprehensions",
    "SetComp": "comprehensions",
    "DictComp": "comprehensions",
    "GeneratorExp": "comprehensions",
    "NamedExpr": "assignment (:=)",
    "JoinedStr": "f-strings",
    "FormattedValue": "f-strings",
    "Compare": "comparisons",
    "BoolOp": "and/or",
    "IfExp": "conditional expressions (a if c else b)",
    "Starred": "starred arguments",
    "List": "lists",
    "Tuple": "tuples",
    "Set": "sets",
    "Dict": "dicts",
    "Await": "await",
    "Yield": "yield",
    "YieldFrom": "yield",
    "Slice": "slices",
    "Call": "the result of a call",
}

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.Mod: operator.mod,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


class ExpressionError(ValueError):
    """The formula uses something outside the whitelist or cannot be parsed."""


def allowed_names() -> str:
    return ", ".join(sorted(FUNCTIONS)) + "; constants " + ", ".join(sorted(CONSTANTS))


_OPERATORS = {
    "FloorDiv": "//",
    "MatMult": "@",
    "LShift": "<<",
    "RShift": ">>",
    "BitOr": "|",
    "BitXor": "^",
    "BitAnd": "&",
    "Invert": "~",
    "Not": "not",
}


def _op(op: ast.AST) -> str:
    name = type(op).__name__
    return repr(_OPERATORS.get(name, name))


def _short(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _what(node: ast.AST) -> str:
    name = type(node).__name__
    return _NODE_NAMES.get(name, name)


def evaluate(text: str, variables: Mapping[str, np.ndarray | float]) -> np.ndarray:
    """Evaluate ``text`` with the given variables; raise :class:`ExpressionError` if it is not allowed.

    Literals become NumPy float64/complex128, so huge powers overflow to inf instead of building huge
    Python integers or raising.
    """
    tree = parse(text, tuple(variables))
    try:
        with np.errstate(all="ignore"):
            return np.asarray(_eval(tree.body, variables))
    except (TypeError, ValueError, ArithmeticError) as exc:  # e.g. 1j % 2, arctan2(1j, x)
        raise ExpressionError(f"cannot evaluate {_short(text)}: {exc}") from None


def parse(text: str, names: tuple[str, ...]) -> ast.Expression:
    """Parse and check ``text``; the names it may use are ``names`` plus the whitelist."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("expression must be a non-empty string")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters")
    try:
        with warnings.catch_warnings():  # e.g. "invalid decimal literal" for 1if: the checks decide
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse {_short(text)}: {exc.msg}") from None
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, parser stack overflow
        raise ExpressionError(f"cannot parse {_short(text)}: {exc}") from None
    _check(tree.body, set(names), 0)
    return tree


def _check(node: ast.AST, names: set[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ExpressionError("expression nested too deeply")
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float, complex)):
            raise ExpressionError(f"only numeric literals are allowed, not {_short(node.value)}")
    elif isinstance(node, ast.Name):
        if node.id.startswith("__"):
            raise ExpressionError(f"dunder names such as {node.id!r} are not allowed")
        if node.id not in names and node.id not in CONSTANTS:
            raise ExpressionError(
                f"unknown name {node.id!r}; variables: {', '.join(sorted(names))}; "
                f"functions: {allowed_names()}"
            )
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise ExpressionError(f"operator {_op(node.op)} is not allowed")
        _check(node.left, names, depth + 1)
        _check(node.right, names, depth + 1)
    elif isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY:
            raise ExpressionError(f"operator {_op(node.op)} is not allowed")
        _check(node.operand, names, depth + 1)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ExpressionError(
                f"only the whitelisted functions can be called, by name, not {_what(node.func)}; "
                f"allowed: {allowed_names()}"
            )
        if node.func.id not in FUNCTIONS:
            raise ExpressionError(
                f"function {node.func.id!r} is not allowed; allowed: {allowed_names()}"
            )
        if node.keywords:
            raise ExpressionError("keyword arguments are not allowed")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise ExpressionError("starred arguments are not allowed")
        arity = ARITY.get(node.func.id, 1)
        if len(node.args) != arity:
            raise ExpressionError(
                f"function {node.func.id!r} takes {arity} argument{'s' if arity > 1 else ''}, "
                f"not {len(node.args)}"
            )
        for arg in node.args:
            _check(arg, names, depth + 1)
    else:
        raise ExpressionError(f"not allowed in an expression: {_what(node)}")


def _eval(node: ast.AST, variables: Mapping[str, np.ndarray | float]):
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, complex):
            return np.complex128(value)
        try:
            return np.float64(value)
        except OverflowError:  # an integer literal beyond the float range (never negative)
            return np.float64(math.inf)
    if isinstance(node, ast.Name):
        return variables[node.id] if node.id in variables else CONSTANTS[node.id]
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_eval(node.left, variables), _eval(node.right, variables))
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_eval(node.operand, variables))
    if isinstance(node, ast.Call):
        return FUNCTIONS[node.func.id](*(_eval(a, variables) for a in node.args))
    raise ExpressionError(f"{type(node).__name__} is not allowed")  # pragma: no cover
