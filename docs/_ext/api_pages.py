"""Sphinx extension: the API reference, generated from the package's public names.

The public API is the list :data:`API` below: for every section in it the extension writes a page
``api/<module>.rst`` (at ``config-inited``, before Sphinx lists the source files, so the pages are
read on a first build too) with one ``autosummary`` table per module that defines the names, and
``autosummary`` then writes one page per function, class and constant. The names come from the
module's ``__all__`` (or, for a module without one, its public functions and classes defined in
it), so a new public function gets its page without an edit here. A section may list its names
explicitly instead; the "Supporting types" page lists the classes that public signatures name
(``RunConfig``, ``Report``, ``StandardFigure``) and the type aliases of :data:`ALIASES`. Each
module that defines names of a page gets a ``py:module`` target there, so ``:mod:`` references to
it resolve.

Every public name must be documented: a function or class without a docstring, or a constant
without a ``#:`` comment, is reported as a warning (``-W`` turns it into an error), as is a name in
``__all__`` that the module does not have or that a section with explicit names leaves out.

Two autodoc hooks complete the pages: a constant re-exported by a package gets the ``#:``
comment of the module that defines it (autodoc would show the docstring of ``int`` or ``dict``),
and the classes of :data:`HIDDEN_SIGNATURES` are shown without their constructor's signature.
"""

from __future__ import annotations

import ast
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
    """One page of the API reference: a title, the module, and the prose above its tables.

    ``names`` lists the page's names explicitly, in the order shown, instead of the module's public
    names (every public name must still be among them); a dotted name (``package.module.Name``) is
    documented where it is defined, which is how the supporting types, defined in modules that have
    no page of their own, get pages. ``grouped`` sorts the names under one heading per module that
    defines them; otherwise they form one table. ``page`` is the file name (default: the module).
    """

    title: str
    module: str
    intro: str = ""
    names: tuple[str, ...] = ()
    grouped: bool = True
    page: str = ""

    @property
    def docname(self) -> str:
        return self.page or self.module


#: The pages of the API reference, in the order of its index.
API: tuple[Section, ...] = (
    Section(
        "Running, loading, sweeping, reproducing",
        "simsuite",
        "The functions a script or notebook calls; the command line (``simsuite run``, "
        "``simsuite sweep``, ``simsuite reproduce``) calls the same ones.",
        names=(
            "run",
            "load_config",
            "open_output",
            "sweep",
            "reproduce",
            "ConfigError",
            "RunFailed",
        ),
        grouped=False,
    ),
    Section("Analysing an output file", "simsuite.analyze"),
    Section("Entropy diagnostics", "simsuite.diagnostics.entropy"),
    Section("Schooling diagnostics", "simsuite.diagnostics.schooling"),
    Section("Figures", "simsuite.plotting"),
    Section(
        "Animations",
        "simsuite.plotting.animation",
        names=("animate", "default_format", "scene", "scene_of", "SCENES"),
    ),
    Section(
        "Supporting types",
        "simsuite",
        "The classes and type aliases that the signatures and return values above name. They are "
        "made by simsuite (a config by :func:`simsuite.load_config`, a report by "
        ":func:`simsuite.reproduce`, the figure records by the plotting modules) rather than by "
        "the user, and are not importable from the top-level package.",
        names=(
            "simsuite.config.sections.RunConfig",
            "simsuite.papers.common.Report",
            "simsuite.plotting.registry.StandardFigure",
        ),
        page="types",
    ),
)

#: Type aliases that exist only for type checkers (defined under ``if TYPE_CHECKING:``), so autodoc
#: cannot import them: the page of the module that uses them documents each, by its ``#:`` comment
#: in the module that defines it. Keys: the documented name; values: the defining module.
ALIASES: dict[str, str] = {
    "simsuite.diagnostics.entropy.Result": "simsuite.diagnostics.entropy.arrays",
}


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


def first_paragraph(module: ModuleType) -> str:
    """The first paragraph of the module's docstring, on one line."""
    summary = (inspect.getdoc(module) or "").split("\n\n")[0]
    return " ".join(summary.split())


def module_block(name: str) -> str:
    """A heading for module ``name`` with its summary; ``:mod:`` references land on it."""
    module = importlib.import_module(name)
    summary = first_paragraph(module)
    return (
        heading(f"``{name}``", "-")
        + f"\n.. py:module:: {name}\n   :no-index-entry:\n\n"
        + (summary + "\n" if summary else "")
    )


def alias_block(name: str, origin: str) -> str:
    """A ``py:data`` entry for the type alias ``name`` (dotted) defined in module ``origin``."""
    module, _, short = name.rpartition(".")
    docs = attribute_docs(importlib.import_module(origin))
    if short not in docs:
        logger.warning(f"type alias {name} has no #: comment in {origin}")
    source = inspect.getsource(importlib.import_module(origin))
    value = ""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == short for target in node.targets
        ):
            value = ast.get_source_segment(source, node.value) or ""
    body = "\n".join(
        "   " + line if line.strip() else "" for line in docs.get(short, "").split("\n")
    )
    return (
        f".. py:data:: {short}\n   :module: {module}\n   :value: {value}\n\n{body}\n"
        if value
        else f".. py:data:: {short}\n   :module: {module}\n\n{body}\n"
    )


def explicit_page(section: Section) -> str:
    """A page of names given by their full dotted paths, grouped by the module defining them."""
    parts = [heading(section.title, "="), section.intro + "\n" if section.intro else ""]
    groups: dict[str, list[str]] = {}
    for dotted in section.names:
        module, _, name = dotted.rpartition(".")
        groups.setdefault(module, []).append(name)
    for module, names in groups.items():
        check_documented(importlib.import_module(module), names)
        parts.append(table(module, names))
    aliases = list(ALIASES.items())
    if aliases:
        parts.append(heading("Type aliases", "-"))
        parts.append(
            "Names that only type checkers see (defined under ``if TYPE_CHECKING:``, so they are "
            "not importable); they stand for the types shown.\n"
        )
        parts += [alias_block(name, origin) for name, origin in aliases]
    return "\n".join(parts)


def module_page(section: Section) -> str:
    """The reST page of one API section: the module's docstring, then its names by kind."""
    if any("." in name for name in section.names):
        return explicit_page(section)
    module = importlib.import_module(section.module)
    public = public_names(module)
    names = list(section.names) or public
    for name in public:
        if name not in names:
            logger.warning(f"public {section.module}.{name} is missing from the API page")
    check_documented(module, names)
    own: list[str] = []
    groups: dict[str, list[str]] = {}
    constants: list[str] = []
    submodules: list[ModuleType] = []
    for name in names:
        obj = getattr(module, name, None)
        origin = getattr(obj, "__module__", section.module)
        if inspect.ismodule(obj):
            submodules.append(obj)
        elif not callable(obj):
            constants.append(name)
        elif not section.grouped or origin == section.module:
            own.append(name)
        else:
            groups.setdefault(origin, []).append(name)
    parts = [
        heading(section.title, "="),
        f".. automodule:: {section.module}\n   :no-members:\n",
    ]
    if section.intro:
        parts.append(section.intro + "\n")
    if own:
        parts.append(table(section.module, own))
    for origin, members in groups.items():
        parts.append(module_block(origin))
        parts.append(table(section.module, members))
    if constants:
        parts.append(heading("Constants", "-"))
        parts.append(table(section.module, constants))
    for submodule in submodules:
        members = public_names(submodule)
        check_documented(submodule, members)
        parts.append(module_block(submodule.__name__))
        parts.append(table(submodule.__name__, members))
    return "\n".join(parts)


def section_names(section: Section) -> list[str]:
    """The dotted names a section documents, as cross-reference targets (modules included)."""
    if any("." in name for name in section.names):
        return list(section.names) + list(ALIASES)
    module = importlib.import_module(section.module)
    names = list(section.names) or public_names(module)
    return [f"{section.module}.{name}" for name in names]


def index_entry(section: Section) -> str:
    """One entry of the index: the page's title as a link, its summary, and the names it holds."""
    links = []
    for dotted in section_names(section):
        obj = None
        module_name, _, name = dotted.rpartition(".")
        try:
            obj = getattr(importlib.import_module(module_name), name)
        except (ImportError, AttributeError):
            pass  # a type alias: no runtime object
        role = "mod" if inspect.ismodule(obj) else "obj"
        links.append(f":py:{role}:`~{dotted}`")
    summary = "" if section.names and "." in section.names[0] else section.module
    lines = [f":doc:`{section.docname}`" + (f" (``{summary}``)" if summary else "")]
    if summary:
        lines.append("   " + first_paragraph(importlib.import_module(summary)))
    else:
        lines.append("   " + section.intro.split(". ")[0] + ".")
    lines.append("")
    lines.append("   " + ", ".join(links))
    return "\n".join(lines) + "\n"


def index_page() -> str:
    entries = "\n".join(f"   {section.docname}" for section in API)
    return (
        heading("API reference", "=")
        + "\nEvery public function, class and constant of simsuite, one page each, generated from "
        "their docstrings. Names are shown where they are imported from: the packages re-export "
        "the functions of their modules (``from simsuite.diagnostics.entropy import shannon``), "
        "and the plotting submodules are imported as modules "
        "(``from simsuite.plotting import fields``).\n\n"
        + f".. toctree::\n   :hidden:\n   :maxdepth: 2\n\n{entries}\n\n"
        + "\n".join(index_entry(section) for section in API)
    )


def write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` unless it already holds it (Sphinx rereads changed files only)."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def generate(app: Sphinx, config: object = None) -> None:
    folder = Path(app.srcdir) / "api"
    folder.mkdir(exist_ok=True)
    write_if_changed(folder / "index.rst", index_page())
    for section in API:
        write_if_changed(folder / f"{section.docname}.rst", module_page(section))


def constant_doc(module_name: str, name: str) -> list[str] | None:
    """The ``#:`` comment of constant ``name`` of a module, found in the submodule that defines it.

    Autodoc reads the comments of the module a constant is documented under; a package that
    re-exports a constant (``simsuite.diagnostics.schooling.DEFINITIONS``) has none, so autodoc
    would show the docstring of the value's type (``dict``, ``int``) instead.
    """
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    if not hasattr(module, name):
        return None
    value = getattr(module, name)
    candidates = [module_name]
    if hasattr(module, "__path__"):
        prefix = module_name + "."
        candidates += [info.name for info in pkgutil.walk_packages(module.__path__, prefix)]
    for candidate in candidates:
        submodule = importlib.import_module(candidate)
        if getattr(submodule, name, None) is not value:
            continue
        try:
            docs = ModuleAnalyzer.for_module(candidate).find_attr_docs()
        except Exception:
            continue
        if ("", name) in docs:
            return list(docs[("", name)])
    return None


def document_constant(
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """Give a re-exported constant the ``#:`` comment of the module that defines it."""
    if what != "data":
        return
    module_name, _, attribute = name.rpartition(".")
    doc = constant_doc(module_name, attribute)
    if doc is not None:
        lines[:] = doc


#: Classes shown without their constructor's signature: the user gets them from a function (a config
#: from :func:`simsuite.load_config`) and never calls the class; the signature would only list the
#: section classes, which the config reference documents key by key.
HIDDEN_SIGNATURES = {"simsuite.config.sections.RunConfig"}


def hide_signature(
    app: Sphinx, what: str, name: str, obj: object, options: object, signature: str, ret: str
) -> tuple[str, str] | None:
    return ("", "") if name in HIDDEN_SIGNATURES else None


def setup(app: Sphinx) -> dict:
    # at config-inited, before Sphinx lists the source files: the pages written here are then read
    # on the first build too, and autosummary (at builder-inited) generates its stubs from them
    app.connect("config-inited", generate)
    app.connect("autodoc-process-signature", hide_signature)
    app.connect("autodoc-process-docstring", document_constant)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
