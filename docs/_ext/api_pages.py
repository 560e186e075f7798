"""Sphinx extension: the API reference, generated from the package's public names.

The public API is the list :data:`API` below: for every module in it the extension writes a page
``api/<module>.rst`` (before Sphinx reads the sources) with one ``autosummary`` table per submodule
that defines the names, and ``autosummary`` then writes one page per function, class and constant.
The names come from the module's ``__all__`` (or, for a module without one, its public functions
and classes defined in it), so a new public function gets its page without an edit here.

Every public name must be documented: a function or class without a docstring, or a constant
without a ``#:`` comment, is reported as a warning (``-W`` turns it into an error), as is a name in
``__all__`` that the module does not have.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Section:
    """One page of the API reference: a title, the module, and the prose above its tables."""

    title: str
    module: str
    intro: str = ""


#: The pages of the API reference, in the order of its index.
API: tuple[Section, ...] = (
    Section(
        "Running, loading, sweeping, reproducing",
        "simsuite",
        "The functions a script or notebook calls; the command line (``simsuite run``, "
        "``simsuite sweep``, ``simsuite reproduce``) calls the same ones.",
    ),
    Section("Analysing an output file", "simsuite.analyze"),
    Section("Entropy diagnostics", "simsuite.diagnostics.entropy"),
    Section("Schooling diagnostics", "simsuite.diagnostics.schooling"),
    Section("Figures", "simsuite.plotting"),
    Section("Animations", "simsuite.plotting.animation"),
)


def public_names(module: ModuleType) -> list[str]:
    """The module's ``__all__`` (without dunder names), or its public functions and classes."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return [name for name in names if not name.startswith("__")]
    return [
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == module.__name__
    ]


def attribute_docs(package: ModuleType) -> dict[str, str]:
    """The ``#:`` comments of every module-level constant in ``package`` and its submodules."""
    modules = [package.__name__]
    if hasattr(package, "__path__"):
        prefix = package.__name__ + "."
        modules += [info.name for info in pkgutil.walk_packages(package.__path__, prefix)]
    docs: dict[str, str] = {}
    for name in modules:
        try:
            analyzer = ModuleAnalyzer.for_module(name)
        except Exception:  # a compiled or generated module has no source to analyse
            continue
        for (scope, attribute), lines in analyzer.find_attr_docs().items():
            if not scope and any(line.strip() for line in lines):
                docs.setdefault(attribute, "\n".join(lines))
    return docs


def check_documented(module: ModuleType, names: list[str]) -> None:
    """Warn for every name of ``names`` that ``module`` lacks or that has no documentation."""
    constants = None
    for name in names:
        if not hasattr(module, name):
            logger.warning(f"{module.__name__}.__all__ names {name!r}, which the module lacks")
            continue
        obj = getattr(module, name)
        if inspect.ismodule(obj) or callable(obj):
            documented = bool(inspect.getdoc(obj)) and obj.__doc__ is not None
            if inspect.isclass(obj) and obj.__doc__ is None:
                documented = False
        else:
            constants = constants if constants is not None else attribute_docs(module)
            documented = name in constants
        if not documented:
            logger.warning(f"public {module.__name__}.{name} has no documentation")


def table(module: str, names: list[str]) -> str:
    """An autosummary table of ``module``'s ``names``, each with a page of its own."""
    rows = "\n".join(f"   {name}" for name in names)
    return (
        f".. currentmodule:: {module}\n\n"
        f".. autosummary::\n   :toctree: generated/\n   :nosignatures:\n\n{rows}\n"
    )


def heading(text: str, underline: str) -> str:
    return f"{text}\n{underline * len(text)}\n"


def module_page(section: Section) -> str:
    """The reST page of one API section: the module's docstring, then its names by kind."""
    module = importlib.import_module(section.module)
    names = public_names(module)
    check_documented(module, names)
    groups: dict[str, list[str]] = {}
    submodules: list[ModuleType] = []
    for name in names:
        obj = getattr(module, name, None)
        if inspect.ismodule(obj):
            submodules.append(obj)
        elif inspect.isfunction(obj) or inspect.isclass(obj) or callable(obj):
            groups.setdefault(getattr(obj, "__module__", section.module), []).append(name)
        else:
            groups.setdefault("constants", []).append(name)
    parts = [
        heading(section.title, "="),
        f".. automodule:: {section.module}\n   :no-members:\n",
    ]
    if section.intro:
        parts.append(section.intro + "\n")
    for origin, members in groups.items():
        if origin != "constants" and origin != section.module:
            summary = (inspect.getdoc(importlib.import_module(origin)) or "").split("\n\n")[0]
            parts.append(heading(f"From ``{origin}``", "-"))
            if summary:
                parts.append(" ".join(summary.split()) + "\n")
        elif origin == "constants":
            parts.append(heading("Constants", "-"))
        parts.append(table(section.module, members))
    for submodule in submodules:
        members = public_names(submodule)
        check_documented(submodule, members)
        summary = (inspect.getdoc(submodule) or "").split("\n\n")[0]
        parts.append(heading(f"``{submodule.__name__}``", "-"))
        if summary:
            parts.append(" ".join(summary.split()) + "\n")
        parts.append(table(submodule.__name__, members))
    return "\n".join(parts)


def index_page() -> str:
    entries = "\n".join(f"   {section.module}" for section in API)
    return (
        heading("API reference", "=")
        + "\nEvery public function, class and constant of simsuite, one page each, generated from "
        "their docstrings.\n\n"
        + f".. toctree::\n   :maxdepth: 2\n\n{entries}\n"
    )


def write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` unless it already holds it (Sphinx rereads changed files only)."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def generate(app: Sphinx) -> None:
    folder = Path(app.srcdir) / "api"
    folder.mkdir(exist_ok=True)
    write_if_changed(folder / "index.rst", index_page())
    for section in API:
        write_if_changed(folder / f"{section.module}.rst", module_page(section))


def setup(app: Sphinx) -> dict:
    # before autosummary (priority 500) generates its stubs from these pages
    app.connect("builder-inited", generate, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
