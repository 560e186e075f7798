"""Fuzzing (issue 8, reliability): hostile configs and hostile formulas.

* Configs: hypothesis mutates the canonical configs of each model (wrong types, NaN, ±inf, huge numbers,
  empty and unicode strings, unknown and unicode keys, deeply nested tables, dropped keys, random model /
  initial-condition / potential names) and runs ``simsuite validate`` in-process on the TOML file. It must
  never raise, must exit 0 or 2, and an exit-2 message must start with the file and name a key.
* Formulas: a list of hostile strings goes through :func:`simsuite.expressions.evaluate` and through the
  formula keys of the configs (Klein–Gordon ``expression`` initial condition and ``custom`` potential, NLSE
  ``expression``); nothing may execute (no file appears, the variables are not modified), and the error
  says what is not allowed. Random strings of Python tokens only ever give numbers or ExpressionError,
  quickly.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
import time
import typing
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from simsuite.cli import main
from simsuite.config import describe, tomllib
from simsuite.expressions import ExpressionError, evaluate
from simsuite.models import get_model, model_names

from .conftest import CONFIGS

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # overflow in fuzzed physics

MODELS = ("nlse", "klein_gordon", "couzin")
PREFIX = {"nlse": "nlse_", "klein_gordon": "kg_", "couzin": "couzin_"}
CANONICAL = {
    model: [
        tomllib.loads(p.read_text(encoding="utf-8"))
        for p in sorted(CONFIGS.glob(PREFIX[model] + "*.toml"))
    ]
    for model in MODELS
}
# SIMSUITE_FUZZ_EXAMPLES=20000 for a longer hunt (never fewer than 1000 per model)
FUZZ = settings(
    max_examples=max(1000, int(os.environ.get("SIMSUITE_FUZZ_EXAMPLES", "1000"))),
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


# --------------------------------------------------------------------------------------------------
# A tiny TOML writer (enough for any nesting of tables, arrays and scalars, unicode keys included)
# --------------------------------------------------------------------------------------------------
def _toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{_toml_string(str(k))} = {_toml_value(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    raise TypeError(f"cannot write {value!r} as TOML")  # pragma: no cover - test bug


def toml_dumps(raw: dict) -> str:
    """``raw`` as TOML: plain keys first, then one ``[a."b".c]`` header per (sub-)table."""
    lines = [f"{_toml_string(k)} = {_toml_value(v)}" for k, v in raw.items() if not _is_table(v)]
    for key, value in raw.items():
        if _is_table(value):
            _write_table(lines, [key], value)
    return "\n".join(lines) + "\n"


def _is_table(value) -> bool:
    return isinstance(value, dict)


def _write_table(lines: list[str], path: list[str], table: dict) -> None:
    lines.append("[" + ".".join(_toml_string(p) for p in path) + "]")
    lines += [f"{_toml_string(k)} = {_toml_value(v)}" for k, v in table.items() if not _is_table(v)]
    for key, value in table.items():
        if _is_table(value):
            _write_table(lines, [*path, key], value)


def test_toml_writer_round_trips_the_canonical_configs():
    for configs in CANONICAL.values():
        for raw in configs:
            assert tomllib.loads(toml_dumps(raw)) == raw
    odd = {
        "ключ": {"a.b": [1, [2.5, 'x\x00\n"\\'], {"é": True}], "": {"deep": {"er": -0.0}}},
        "t": dt.datetime(2024, 1, 2, 3, 4, 5),
    }
    assert tomllib.loads(toml_dumps(odd)) == odd


# --------------------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------------------
TEXT = st.characters(blacklist_categories=("Cs",))  # TOML (UTF-8) cannot hold lone surrogates
SPECIAL = [
    math.nan,
    math.inf,
    -math.inf,
    1e300,
    -1e300,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    5e-324,
    -5e-324,
    1e-300,
    0.0,
    -0.0,
    -1.0,
    10**400,
    2**70,
    -(2**70),
    2**63 - 1,
    -(2**63),
    2**40,
    10**12,
    10**8,
    10**7 + 1,
    2**24 + 1,
    2**31,
    0,
    -1,
    1,
    2,
    "",
    " ",
    "ü",
    "名前",
    "\u202e",
    "\x00",
    "nan",
    "inf",
    "1e999",
    "-",
    ".",
    "/",
    "..",
    True,
    False,
    [],
    {},
    [1, 2],
    [[[]]],
    {"a": 1},
    dt.datetime(1979, 5, 27, 7, 32),
    dt.date(1979, 5, 27),
    dt.time(7, 32),
]
SCALARS = st.one_of(
    st.sampled_from(SPECIAL),
    st.integers(-(2**20), 2**20),  # larger sizes come from SPECIAL: 2**24 + 1, 10**7 + 1, 10**8 ...
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(TEXT, max_size=12),
    st.booleans(),
)
KEYS = st.one_of(
    st.text(TEXT, max_size=8),
    st.sampled_from(["ü", "名前", "ключ", "a.b", "", " ", "\x00", "type", "n", "x_min", "🐟"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=8,
)


def _ic_registry(model: str) -> dict[str, type]:
    """The initial-condition classes of ``model`` by type name."""
    return typing.get_type_hints(get_model(model).config_class)["initial_condition"].registry


def _documented_keys(model: str) -> list[tuple[str, str | None, str, type]]:
    """(section, initial-condition type or None, key, Python type) of every documented key."""
    out = []
    hints = typing.get_type_hints(get_model(model).config_class)
    for row in describe(get_model(model).config_class):
        head, _, key = row.key.rpartition(".")
        ic_type = None
        if "[" in head:
            head, _, rest = head.partition("[")
            ic_type = rest.rstrip("]")
        if key == "type" and ic_type is None and head == "initial_condition":
            kind: type = str
        elif ic_type is not None:
            kind = typing.get_type_hints(_ic_registry(model)[ic_type])[_field_name(key)]
        else:
            kind = typing.get_type_hints(hints[head])[_field_name(key)]
        out.append((head, ic_type, key, kind))
    return out


def _field_name(key: str) -> str:
    return "lambda_" if key == "lambda" else key


DOCUMENTED = {model: _documented_keys(model) for model in MODELS}
ALL_NAMES = sorted(
    set(model_names())
    | {t for m in MODELS for t in _ic_registry(m)}
    | {"linear", "phi4", "sine_gordon", "custom"}
)


def _plausible(kind: type) -> st.SearchStrategy:
    """A value of the right type, in a range where the physics mostly works."""
    if kind is bool:
        return st.booleans()
    if kind is int:
        return st.integers(-3, 5000)
    if kind is float:
        return st.one_of(st.floats(-100.0, 100.0), st.sampled_from([0.0, 0.5, 1.0, 1e-6, 1e6]))
    return st.one_of(st.text(TEXT, max_size=12), st.sampled_from(ALL_NAMES + FORMULAS))


# strings for the formula keys (and the comma-separated lists of [diagnostics])
FORMULAS = [
    "exp(-x**2)",
    "1/cosh(x)*exp(0.5j*x)",
    "x*0",
    "1j*x",
    "x**x",
    "exp(x)",
    "1e999",
    "sin(phi)",
    "1 - cos(phi)",
    "phi**3 - phi",
    "0.25*(phi**2 - 1)**2",
    "phi % 1j",
    "0.5, 2",
    "1, nan",
    "inf",
]


EXTREME_FLOATS = [
    1e300,
    -1e300,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    1e154,
    1e-154,
    5e-324,
    -5e-324,
    1e-300,
    2.2250738585072014e-308,
]
EXTREME_INTS = [
    2**70,
    -(2**70),
    2**63 - 1,
    -(2**63),
    10**12,
    10**8,
    10**7 + 1,
    2**24 + 1,
    2**31,
    10**400,  # beyond the float range
    -(10**400),
]


def _extreme(kind: type) -> st.SearchStrategy:
    """A value of the right type at the edge of what it can hold."""
    if kind is int:
        return st.sampled_from(EXTREME_INTS)
    if kind is float:
        return st.one_of(
            st.sampled_from(EXTREME_FLOATS + [math.nan, math.inf, -math.inf]),
            st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: abs(v) > 1e100),
        )
    return _plausible(kind)


def _leaves(raw: dict, path=()) -> list[tuple]:
    out = []
    for key, value in raw.items():
        out.append((*path, key))
        if isinstance(value, dict):
            out += _leaves(value, (*path, key))
    return out


def _set(raw: dict, path: tuple, value) -> None:
    node = raw
    for part in path[:-1]:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = node[part] = {}
        node = nxt
    node[path[-1]] = value


def _drop(raw: dict, path: tuple) -> None:
    node = raw
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]


# how often each mutation is drawn: mostly documented keys, so that many configs get past the
# loader into the model's checks and initial conditions
OPERATIONS = (
    ["documented"] * 8
    + ["replace"] * 2
    + ["ic_type", "add_key", "add_section", "nest", "drop", "rename", "not_a_table"]
)


@st.composite
def mutated_configs(draw, model: str) -> dict:
    raw = copy.deepcopy(draw(st.sampled_from(CANONICAL[model])))
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(OPERATIONS))
        leaves = _leaves(raw)
        if op == "replace" and leaves:
            _set(raw, draw(st.sampled_from(leaves)), draw(VALUES))
        elif op == "documented":  # any documented key, nasty or plausible value
            head, ic_type, key, kind = draw(st.sampled_from(DOCUMENTED[model]))
            value = draw(st.one_of(VALUES, _plausible(kind), _plausible(kind), _extreme(kind)))
            if ic_type is not None:
                if draw(st.booleans()) or not isinstance(raw.get(head), dict):
                    raw[head] = {"type": ic_type}
                else:
                    raw[head]["type"] = ic_type
            _set(raw, (head, key), value)
        elif op == "ic_type":  # another registered type, with or without its old keys
            new = {"type": draw(st.sampled_from(sorted(_ic_registry(model))))}
            if draw(st.booleans()) and isinstance(raw.get("initial_condition"), dict):
                new = {**raw["initial_condition"], **new}
            raw["initial_condition"] = new
        elif op == "add_key":
            section = draw(st.one_of(st.sampled_from(sorted(raw) or ["model"]), KEYS))
            _set(raw, (section, draw(KEYS)), draw(VALUES))
        elif op == "add_section":
            raw[draw(KEYS)] = draw(st.dictionaries(KEYS, VALUES, max_size=3))
        elif op == "nest":  # a deep tower of tables (TOML headers) or inline arrays
            depth = draw(st.integers(1, 60))
            inner = draw(SCALARS)
            for _ in range(depth):
                inner = {draw(KEYS): inner} if draw(st.booleans()) else [inner]
            target = draw(st.sampled_from(leaves)) if leaves else ("model",)
            _set(raw, target, inner)
        elif op == "drop" and leaves:
            _drop(raw, draw(st.sampled_from(leaves)))
        elif op == "rename":
            which = draw(
                st.sampled_from(
                    [("model", "name"), ("initial_condition", "type"), ("potential", "name")]
                )
            )
            _set(
                raw, which, draw(st.one_of(st.text(TEXT, max_size=12), st.sampled_from(ALL_NAMES)))
            )
        elif op == "not_a_table":
            raw[draw(st.sampled_from(sorted(raw) or ["model"]))] = draw(SCALARS)
    if draw(st.integers(0, 9)):  # mostly keep the model, else most configs stop at model.name
        if not isinstance(raw.get("model"), dict):
            raw["model"] = {}
        raw["model"]["name"] = model
    return raw


# --------------------------------------------------------------------------------------------------
# Running validate in-process
# --------------------------------------------------------------------------------------------------
def _validate(path: Path, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["validate", str(path)])  # any exception fails the test: never a traceback
    out, err = capsys.readouterr()
    return code, out, err


def _key_names(raw) -> set[str]:
    """Every dotted path of ``raw`` and every documented key and section of every model."""
    names = {"TOML", "file"}
    for path in _leaves(raw) if isinstance(raw, dict) else []:
        names.update(".".join(map(str, path[: i + 1])) for i in range(len(path)))
    for model in MODELS:
        for head, _, key, _ in DOCUMENTED[model]:
            names.update((head, f"{head}.{key}"))
    return names


def _assert_names_a_key(err: str, path: Path, raw) -> None:
    lead = f"simsuite: error: {path}: "
    assert err.startswith(lead), err
    assert "Traceback" not in err
    rest = err[len(lead) :]
    named = [k for k in _key_names(raw) if rest.startswith(k + " = ") or rest.startswith(k + ":")]
    assert named, f"the message names no key of the config: {err!r}"


def _fuzz_validate(raw: dict, folder: Path, capsys) -> None:
    path = folder / "fuzz.toml"
    path.write_text(toml_dumps(raw), encoding="utf-8")
    code, out, err = _validate(path, capsys)
    assert code in (0, 2), (code, out, err)
    if code == 2:
        _assert_names_a_key(err, path, raw)
        event(err[len(f"simsuite: error: {path}: ") :].split(" ")[0][:30])
    else:
        event("valid")
        assert "valid" in out


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(raw=mutated_configs("nlse"))
def test_fuzzed_nlse_configs_exit_0_or_2(raw, fuzz_dir, capsys):
    _fuzz_validate(raw, fuzz_dir, capsys)


@FUZZ
@given(raw=mutated_configs("klein_gordon"))
def test_fuzzed_klein_gordon_configs_exit_0_or_2(raw, fuzz_dir, capsys):
    _fuzz_validate(raw, fuzz_dir, capsys)


@FUZZ
@given(raw=mutated_configs("couzin"))
def test_fuzzed_couzin_configs_exit_0_or_2(raw, fuzz_dir, capsys):
    _fuzz_validate(raw, fuzz_dir, capsys)


@pytest.mark.parametrize("model", MODELS)
def test_canonical_configs_validate(model, fuzz_dir, capsys):
    for raw in CANONICAL[model]:
        path = fuzz_dir / "canonical.toml"
        path.write_text(toml_dumps(raw), encoding="utf-8")
        assert _validate(path, capsys)[0] == 0


# --------------------------------------------------------------------------------------------------
# TOML that does not parse
# --------------------------------------------------------------------------------------------------
BROKEN = [
    b"[model\nname = 'nlse'\n",
    b"[model]\nname = 'nlse'\n[model]\nname = 'nlse'\n",
    b"[model]\nname = 'nlse'\nname = 'kg'\n",
    b"[model]\nname = nlse\n",
    b"[model]\nname = 'nlse\n",
    b"= 1\n",
    b"[model]\nname = 'nlse'\n[grid]\nn_points = 1_\n",
    b"\xff\xfe[model]\n",
    b"[model]\nname = '\xc3\x28'\n",
    b"[model]\nname = 'nlse'\n[grid]\nx_min = " + b"[" * 5000 + b"]" * 5000 + b"\n",
    b"[model]\nname = 'nlse'\n[grid]\nx_min = " + b"{a = " * 3000 + b"1" + b"}" * 3000 + b"\n",
    b"[model]\nname = 'nlse'\n[grid]\nx_min = " + b"[" * 100000 + b"\n",
    b"\x00\x01\x02",
    b"[model]\nname = 'nlse'\n[time]\nt_final = " + b"9" * 5000 + b"\n",  # int beyond 4300 digits
]


@pytest.mark.parametrize("text", BROKEN, ids=range(len(BROKEN)))
def test_unparsable_toml_exits_2_naming_the_file(text, fuzz_dir, capsys):
    path = fuzz_dir / "broken.toml"
    path.write_bytes(text)
    code, _, err = _validate(path, capsys)
    assert code == 2
    assert err.startswith(f"simsuite: error: {path}: TOML: malformed") or err.startswith(
        f"simsuite: error: {path}: file: cannot be read"
    ), err


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    model=st.sampled_from(MODELS),
    data=st.data(),
    junk=st.text(TEXT, min_size=1, max_size=6),
)
def test_corrupted_toml_text_exits_0_or_2(model, data, junk, fuzz_dir, capsys):
    text = toml_dumps(data.draw(st.sampled_from(CANONICAL[model])))
    where = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.booleans())
    text = text[:where] if cut else text[:where] + junk + text[where:]
    path = fuzz_dir / "corrupt.toml"
    path.write_text(text, encoding="utf-8")
    code, _, err = _validate(path, capsys)
    assert code in (0, 2)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        assert code == 2 and err.startswith(f"simsuite: error: {path}: TOML: malformed"), err
        return
    if code == 2:
        _assert_names_a_key(err, path, raw)


# --------------------------------------------------------------------------------------------------
# Hostile formulas
# --------------------------------------------------------------------------------------------------
# (formula, fragment of the ExpressionError message) — or (formula, None) for the harmless ones, which
# evaluate to a number or an array (inf/nan allowed) without running anything.
HOSTILE = [
    ("__import__('os').system('touch PWNED')", "not attribute access"),
    ("__import__('os')", "function '__import__' is not allowed"),
    ("open('PWNED', 'w')", "function 'open' is not allowed"),
    ("open('PWNED', 'w').write('x')", "attribute access"),
    ("().__class__.__bases__[0].__subclasses__()", "attribute access"),
    ("x.__class__.__mro__[-1].__subclasses__()", "attribute access"),
    ("x.__class__", "attribute access"),
    ("x.real", "attribute access"),
    ("x.conjugate()", "attribute access"),
    ("np.sin(x)", "attribute access"),
    ("[x for x in ()]", "comprehensions"),
    ("(x for x in ())", "comprehensions"),
    ("{x for x in ()}", "comprehensions"),
    ("{x: 1 for x in ()}", "comprehensions"),
    ("lambda: 1", "lambda"),
    ("(lambda: open('PWNED', 'w'))()", "lambda"),
    ('exec(\'open("PWNED", "w")\')', "function 'exec' is not allowed"),
    ("eval('1')", "function 'eval' is not allowed"),
    ("compile('1', '', 'eval')", "function 'compile' is not allowed"),
    ("globals()", "function 'globals' is not allowed"),
    ("locals()", "function 'locals' is not allowed"),
    ("vars()", "function 'vars' is not allowed"),
    ("getattr(x, 'y')", "function 'getattr' is not allowed"),
    ("setattr(x, 'y', 1)", "function 'setattr' is not allowed"),
    ("type(x)", "function 'type' is not allowed"),
    ("breakpoint()", "function 'breakpoint' is not allowed"),
    ("__builtins__", "dunder names"),
    ("__builtins__['open']('PWNED', 'w')", "subscripts"),
    ("__name__", "dunder names"),
    ("x[0]", "subscripts"),
    ("x[::-1]", "subscripts"),
    ("f'{x}'", "f-strings"),
    ('f\'{open("PWNED", "w")}\'', "f-strings"),
    ("(y := 1)", "assignment (:=)"),
    ("sin(*x)", "starred arguments"),
    ("sin(**{'x': 1})", "keyword arguments"),
    ("sin(x=1)", "keyword arguments"),
    ("sin(x, x)", "takes 1 argument, not 2"),  # NumPy's positional out= would overwrite x
    ("maximum(x, x, x)", "takes 2 arguments, not 3"),
    ("sin()", "takes 1 argument, not 0"),
    ("sin(x)(x)", "only the whitelisted functions can be called"),
    ("import os", "cannot parse"),
    ("x = 1", "cannot parse"),
    ("'abc'", "only numeric literals"),
    ("b'abc'", "only numeric literals"),
    ("None", "only numeric literals"),
    ("True + 1", "only numeric literals"),
    ("...", "only numeric literals"),
    ("x if x else 1", "conditional expressions"),
    ("x < 1", "comparisons"),
    ("x and 1", "and/or"),
    ("not x", "operator 'not'"),
    ("~x", "operator '~'"),
    ("x // 1", "operator '//'"),
    ("x @ x", "operator '@'"),
    ("x << 1", "operator '<<'"),
    ("[x, x]", "lists"),
    ("(x, x)", "tuples"),
    ("{'a': x}", "dicts"),
    ("await x", "await"),
    ("(yield)", "yield"),
    ("*x", "cannot parse"),
    ("y + 1", "unknown name 'y'"),
    ("\u0435xp(x)", "function '\u0435xp' is not allowed"),  # Cyrillic е: a lookalike, not exp
    ("ｏｐｅｎ('PWNED', 'w')", "function 'open' is not allowed"),  # NFKC-normalised to open
    ("x\x00", "cannot parse"),
    ("x\x00 + open('PWNED', 'w')", "cannot parse"),
    ("", "non-empty string"),
    ("   ", "non-empty string"),
    ("(" * 10000, "longer than"),
    ("(" * 1000, "cannot parse"),
    ("-" * 1999 + "x", "nested too deeply"),
    ("x" + "+x" * 600, "nested too deeply"),
    ("x" * 2001, "longer than"),
    ("sin(" * 150 + "x" + ")" * 150, "nested too deeply"),
    ("1j % 2", "cannot evaluate"),
    ("arctan2(1j, x)", "cannot evaluate"),
    ("heaviside(1j, x)", "cannot evaluate"),
    # harmless: plain numbers, however large; literals are float64, so no big-integer work
    ("9**9**9**9", None),
    ("10**10**10", None),
    ("1" + "**9" * 50, None),
    ("1" + "0" * 1500, None),
    ("-x**x**x", None),
    ("ｓｉｎ(ｘ)", None),  # fullwidth letters: Python normalises identifiers (NFKC) to sin(x)
    ("1e999 - 1e999", None),
    ("x % 0", None),
]


@pytest.fixture
def empty_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("text", "fragment"), HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_formulas_run_nothing(text, fragment, empty_cwd):
    x = np.linspace(-3.0, 3.0, 7)
    before = x.copy()
    if fragment is None:
        value = evaluate(text, {"x": x})
        assert isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.number)
    else:
        with pytest.raises(ExpressionError) as info:
            evaluate(text, {"x": x})
        assert fragment in str(info.value)
        assert len(str(info.value)) < 2500
    assert np.array_equal(x, before)  # nothing wrote into the variables
    assert list(empty_cwd.iterdir()) == []  # nothing created a file


FORMULA_KEYS = [
    ("klein_gordon", "initial_condition", "phi", {"type": "expression"}),
    ("klein_gordon", "initial_condition", "phi_t", {"type": "expression"}),
    ("klein_gordon", "potential", "V", {"name": "custom"}),
    ("klein_gordon", "potential", "dV", {"name": "custom"}),
    ("nlse", "initial_condition", "psi", {"type": "expression"}),
]


@pytest.mark.parametrize(("text", "fragment"), HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_formulas_in_configs_exit_2_and_run_nothing(text, fragment, empty_cwd, capsys):
    folder = empty_cwd / "cfg"
    folder.mkdir()
    for model, section, key, extra in FORMULA_KEYS:
        raw = copy.deepcopy(CANONICAL[model][0])
        if model == "klein_gordon":
            raw["grid"] = {**raw["grid"], "boundary": "periodic", "winding": 0}
            raw["potential"] = {"name": "linear", "mass": 1.0}
            raw["initial_condition"] = {"type": "gaussian"}
        raw["grid"].pop("fit_periods", None)
        raw[section] = {**extra, key: text}
        path = folder / "formula.toml"
        path.write_text(toml_dumps(raw), encoding="utf-8")
        code, _, err = _validate(path, capsys)
        if fragment is None:
            assert code in (0, 2)
        else:
            assert code == 2
            assert f"{section}.{key} = " in err, err
        if code == 2:
            _assert_names_a_key(err, path, raw)
        assert sorted(os.listdir(empty_cwd)) == ["cfg"]
        assert sorted(os.listdir(folder)) == ["formula.toml"]


TOKENS = [
    "x",
    "1",
    "0",
    "9",
    "2.5",
    "1e308",
    "1e-320",
    "1j",
    "pi",
    "e",
    "+",
    "-",
    "*",
    "/",
    "**",
    "%",
    "//",
    "(",
    ")",
    ",",
    " ",
    "sin",
    "exp",
    "log",
    "sqrt",
    "sech",
    "arctan2",
    "maximum",
    "heaviside",
    "abs",
    "sign",
    "real",
    "conj",
    "__import__",
    "__class__",
    "__builtins__",
    "open",
    "eval",
    "getattr",
    ".",
    "[",
    "]",
    "{",
    "}",
    ":",
    "=",
    ":=",
    "lambda",
    " for ",
    " in ",
    " if ",
    " else ",
    "not ",
    " and ",
    "'os'",
    '"PWNED"',
    "\\",
    "\n",
    "#",
    "\x00",
    "@",
    "~",
    "<",
    "==",
    "*",
    "f'",
    "ｘ",
    "\u0435",
    "_",
    "9**9**9",
    "x**x**x",
]


@settings(
    max_examples=1000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(tokens=st.lists(st.sampled_from(TOKENS), max_size=40))
def test_random_token_strings_give_numbers_or_expression_errors_quickly(tokens, empty_cwd):
    text = "".join(tokens)
    x = np.linspace(-2.0, 2.0, 16)
    before = x.copy()
    started = time.thread_time()
    try:
        value = evaluate(text, {"x": x})
    except ExpressionError as exc:
        assert str(exc)
    else:
        assert isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.number)
    # a guard against hangs (9**9**9 as a big integer would take minutes), not a speed goal: the
    # bound is 20x what any example takes, as CPU time of this thread (load does not count)
    assert time.thread_time() - started < 2.0
    assert np.array_equal(x, before)
    assert list(empty_cwd.iterdir()) == []


# --------------------------------------------------------------------------------------------------
# The command line on hostile paths and damaged files (issue 17): exit 0 or 2, never a traceback,
# and a one-line message naming the file. Each example is a real in-process CLI call (a tiny run,
# restart, analyze or plot), so these use fewer examples: paths 40, checkpoints 40, analyze 40,
# plot 15, sweeps 200 (about 30 s together on the 2-core development machine).
# --------------------------------------------------------------------------------------------------
TINY_RUN = """
[model]
name = "nlse"

[time]
t_final = 0.2
dt = 0.01
n_snapshots = 11

[integrator]
method = "ssf2"

[grid]
x_min = -10.0
x_max = 10.0
n_points = 32

[initial_condition]
type = "single_soliton"
eta = 1.0
x0 = 0.0

[output]
path = "run.nc"
checkpoint_every = 2
"""


def _cli_settings(n: int) -> settings:
    return settings(
        max_examples=n,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


def _cli(argv: list[str], capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(argv)  # any exception fails the test: never a traceback
    return code, capsys.readouterr().err


def _one_line(code: int, err: str, *names: str, allowed=(0, 2)) -> None:
    assert code in allowed, (code, err)
    if code == 0:
        return
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("simsuite: error: "), err
    assert any(name in err for name in names), (names, err)


@pytest.fixture(scope="module")
def cli_dir(tmp_path_factory):
    """A folder with the tiny config, a complete run of it and an incomplete one with a
    checkpoint (interrupted after 6 snapshots)."""
    import simsuite
    from simsuite.io.netcdf import NetCDFWriter

    folder = tmp_path_factory.mktemp("cli")
    config = folder / "tiny.toml"
    config.write_text(TINY_RUN, encoding="utf-8")
    simsuite.run(config, output=folder / "run.nc", progress=False)
    original = NetCDFWriter.append

    def append(self, t, values):
        original(self, t, values)
        if self.n_written == 6:
            raise KeyboardInterrupt

    NetCDFWriter.append = append
    try:
        with pytest.raises(KeyboardInterrupt):
            simsuite.run(config, output=folder / "incomplete.nc", progress=False)
    finally:
        NetCDFWriter.append = original
    return folder


FILE_NAME = st.text(
    st.characters(codec="utf-8", exclude_characters="/\x00", exclude_categories=("Cs",)),
    min_size=1,
    max_size=12,
).filter(lambda s: s not in (".", ".."))
PATH_KINDS = (
    "plain",
    "unicode",
    "deep_missing",
    "directory",
    "device",
    "under_file",
    "deep_under_file",
    "symlink_to_directory",
    "dangling_symlink",
    "symlink_to_file",
    "proc",
)


def _hostile_path(kind: str, name: str, folder: Path) -> str:
    """A path of the given kind inside ``folder`` (``name``: a random file name)."""
    afile = folder / "afile"
    afile.write_text("a file, not a folder")
    if kind == "plain":
        return str(folder / "out.nc")
    if kind == "unicode":
        return str(folder / name)
    if kind == "deep_missing":
        return str(folder / name / "a" / "b" / "out.nc")
    if kind == "directory":
        (folder / name).mkdir(exist_ok=True)
        return str(folder / name)
    if kind == "device":
        return "/dev/null"
    if kind == "under_file":
        return str(afile / name)
    if kind == "deep_under_file":
        return str(afile / name / "out.nc")
    if kind == "symlink_to_directory":
        link = folder / "to_dir"
        link.unlink(missing_ok=True)
        link.symlink_to(folder)
        return str(link)
    if kind == "dangling_symlink":
        link = folder / "dangling"
        link.unlink(missing_ok=True)
        link.symlink_to(folder / "missing" / name)
        return str(link)
    if kind == "symlink_to_file":
        link = folder / "to_file"
        link.unlink(missing_ok=True)
        link.symlink_to(afile / name)
        return str(link)
    return f"/proc/{name}/out.nc"


@_cli_settings(40)
@given(kind=st.sampled_from(PATH_KINDS), name=FILE_NAME, overwrite=st.booleans())
def test_fuzzed_output_paths_exit_0_or_2(kind, name, overwrite, cli_dir, tmp_path_factory, capsys):
    folder = tmp_path_factory.mktemp("paths")
    target = _hostile_path(kind, name, folder)
    argv = ["run", str(cli_dir / "tiny.toml"), "--output", target, "--quiet"]
    code, err = _cli(argv + ["--overwrite"] * overwrite, capsys)
    _one_line(code, err, "tiny.toml")
    event(f"{kind}: exit {code}")
    if code == 0:
        assert Path(target).is_file()


def _damage_bytes(data: bytes, how: str, draw) -> bytes:
    if how == "random":
        return draw(st.binary(max_size=4096))
    if how == "truncate":
        return data[: draw(st.integers(0, len(data) - 1))]
    flips = draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=8))
    out = bytearray(data)
    for i in flips:
        out[i] ^= 0xFF
    return bytes(out)


@_cli_settings(40)
@given(how=st.sampled_from(("random", "truncate", "flip")), data=st.data())
def test_fuzzed_checkpoint_sidecars_exit_0_or_2(how, data, cli_dir, tmp_path_factory, capsys):
    import shutil

    from simsuite.io.checkpoint import checkpoint_path

    folder = tmp_path_factory.mktemp("ckpt")
    out = folder / "incomplete.nc"
    shutil.copy(cli_dir / "incomplete.nc", out)
    real = checkpoint_path(cli_dir / "incomplete.nc").read_bytes()
    checkpoint_path(out).write_bytes(_damage_bytes(real, how, data.draw))
    code, err = _cli(["run", str(cli_dir / "tiny.toml"), "--restart", str(out), "--quiet"], capsys)
    # a flipped byte inside the state array can make a readable but physically wrong state: the
    # run may then fail (exit 1, "run failed") like any blow-up
    allowed = (0, 1, 2) if how == "flip" else (0, 2)
    _one_line(code, err, out.name, allowed=allowed)
    if code == 1:
        assert "run failed" in err
    event(f"{how}: exit {code}")


DAMAGES = ("config_toml", "model", "drop", "zero_snapshots", "nan", "dx", "attrs_text")


def _damaged_output(run: Path, folder: Path, damage: str, draw) -> Path:
    import netCDF4
    import xarray as xr

    bad = folder / f"bad_{damage}.nc"
    with xr.open_dataset(run) as ds:
        ds = ds.load()
    if damage == "zero_snapshots":
        ds.isel(t=slice(0, 0)).to_netcdf(bad)
        return bad
    if damage == "drop":
        names = draw(st.lists(st.sampled_from(sorted(ds.data_vars)), min_size=1, max_size=4))
        ds.drop_vars(sorted(set(names))).to_netcdf(bad)
        return bad
    ds.to_netcdf(bad)
    with netCDF4.Dataset(bad, "a") as nc:
        if damage == "config_toml":
            text = nc.getncattr("config_toml")
            where = draw(st.integers(0, len(text)))
            junk = draw(st.text(TEXT, max_size=8))
            nc.setncattr("config_toml", text[:where] + junk + text[where + len(junk) :])
        elif damage == "model":
            model = draw(st.sampled_from(["couzin", "klein_gordon", "", "nlse2", "ψ"]))
            nc.setncattr("model", model)
        elif damage == "nan":
            name = draw(st.sampled_from(["psi_real", "psi_imag"]))
            index = draw(st.integers(0, nc[name].size - 1))
            values = nc[name][:]
            values.flat[index] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
            nc[name][:] = values
        elif damage == "dx":
            nc.setncattr("dx", draw(st.sampled_from([0.0, -1.0, np.nan, np.inf, "wide", 1e300])))
        else:
            key = draw(st.sampled_from(sorted(nc.ncattrs())))
            nc.setncattr(key, draw(st.text(TEXT, max_size=20)))
    return bad


@_cli_settings(40)
@given(damage=st.sampled_from(DAMAGES), data=st.data())
def test_fuzzed_analyze_inputs_exit_0_or_2(damage, data, cli_dir, tmp_path_factory, capsys):
    folder = tmp_path_factory.mktemp("analyze")
    bad = _damaged_output(cli_dir / "run.nc", folder, damage, data.draw)
    listing = sorted(p.name for p in folder.iterdir())
    code, err = _cli(["analyze", str(bad), "--quiet"], capsys)
    _one_line(code, err, bad.name)
    if code == 2:  # nothing partial remains
        assert sorted(p.name for p in folder.iterdir()) == listing
    event(f"{damage}: exit {code}")


@_cli_settings(15)
@given(damage=st.sampled_from(DAMAGES), data=st.data())
def test_fuzzed_plot_inputs_exit_0_or_2(damage, data, cli_dir, tmp_path_factory, capsys):
    folder = tmp_path_factory.mktemp("plot")
    bad = _damaged_output(cli_dir / "run.nc", folder, damage, data.draw)
    code, err = _cli(["plot", str(bad), "--outdir", str(folder / "figs"), "--quiet"], capsys)
    _one_line(code, err, bad.name)
    event(f"{damage}: exit {code}")


SWEEP_BASE_PATH = CONFIGS / "couzin_swarm.toml"
SWEEP_KEYS = ("zones.delta_r_orientation", "zones.delta_r_attraction", "agents.speed")


@st.composite
def huge_sweeps(draw) -> str:
    """Sweep files of random size: replicates up to 1e12, ranges with num up to 1e15 or tiny
    steps, lists up to 2000 values, grid or zip, carried or not."""
    lines = [f'base = "{SWEEP_BASE_PATH}"']
    if draw(st.booleans()):
        lines.append(f"replicates = {draw(st.integers(-2, 10**12))}")
    carry = draw(st.sampled_from([None, "ascending", "both"]))
    if carry:
        lines.append(f'carry_state = "{carry}"')
    lines.append("[sweep]")
    if draw(st.booleans()):
        lines.append(f'mode = "{draw(st.sampled_from(["grid", "zip"]))}"')
    for key in draw(st.lists(st.sampled_from(SWEEP_KEYS), unique=True, max_size=3)):
        kind = draw(st.sampled_from(["num", "step", "list"]))
        if kind == "num":
            num = draw(st.integers(-1, 10**15))
            lines.append(f'"{key}" = {{start = 0.5, stop = 9.5, num = {num}}}')
        elif kind == "step":
            step = draw(st.sampled_from([1e-300, 1e-12, 1e-3, 0.5, -0.5, 0.0]))
            stop = draw(st.sampled_from([9.5, 1e300]))
            lines.append(f'"{key}" = {{start = 0.5, stop = {stop!r}, step = {step!r}}}')
        else:
            n = draw(st.integers(0, 2000))
            values = ", ".join(f"{0.5 + i * 1e-3:.4f}" for i in range(n))
            lines.append(f'"{key}" = [{values}]')
    return "\n".join(lines) + "\n"


@_cli_settings(200)
@given(text=huge_sweeps(), max_runs=st.integers(1, 20))
def test_fuzzed_sweep_sizes_are_counted_before_expansion(text, max_runs, fuzz_dir):
    from simsuite.config import ConfigError
    from simsuite.sweep.spec import count_runs, load_sweep

    path = fuzz_dir / "sweep.toml"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    try:
        sw = load_sweep(path, outdir=fuzz_dir / "out", max_runs=max_runs)
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: ") and "\n" not in message, message
        event("refused: " + ("max_runs" if "max_runs" in message else exc.key.split(".")[0]))
    else:
        assert len(sw.runs) == count_runs(tomllib.loads(text))[0] <= max_runs
        event("expanded")
    assert time.perf_counter() - started < 2.0
