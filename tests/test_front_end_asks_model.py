"""The front end asks the model (issue 19 item 4): ``simsuite plot``, ``simsuite animate`` and the
field diagnostics draw and compute what the model class declares (``figures``, ``animation``,
``field_variables``, ``field_diagnostics``), never by testing a model's name. A new model that
reuses existing figures needs no edit of the front end, and the front end's source holds no
model's name."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from PIL import Image

import simsuite
from simsuite.config import ConfigError
from simsuite.diagnostics.fields import field_of
from simsuite.models.base import Model
from simsuite.plotting import FIGURES, load_output, save_figures, standard_figures
from simsuite.plotting.animation import SCENES, animate
from simsuite.plotting.registry import REGISTRY, figures_of
from simsuite.registry import MODELS, get_model, model_names

SOURCE = Path(simsuite.__file__).resolve().parent
#: The front end: what reads outputs and must not know any model by name.
FRONT_END = [
    *sorted((SOURCE / "plotting").glob("*.py")),
    SOURCE / "diagnostics" / "fields.py",
    SOURCE / "analyze.py",
]


@pytest.fixture
def wave_model():
    """A tiny field model registered for one test (and removed after it): a real field φ that
    reuses the field models' figures and animation."""

    class Wave(Model):
        name = "test_wave"
        state_variables = ("phi", "phi_t")
        field_variables = ("phi",)
        figures = ("spacetime", "snapshots", "invariants")
        animation = "field"

    yield Wave
    MODELS.pop(Wave.name, None)


def _wave_output(path: Path) -> Path:
    """A small output of the test model: a travelling sine on 32 points, 5 snapshots."""
    x = np.linspace(0.0, 2 * np.pi, 32, endpoint=False)
    t = np.linspace(0.0, 1.0, 5)
    phi = np.sin(x[None, :] - t[:, None])
    ds = xr.Dataset(
        {
            "phi": (("t", "x"), phi, {"long_name": "field", "units": "1"}),
            "phi_t": (("t", "x"), -np.cos(x[None, :] - t[:, None])),
            "energy_rel_error": ("t", np.linspace(0.0, 1e-12, 5)),
        },
        coords={"t": ("t", t, {"units": "1"}), "x": x},
        attrs={"model": "test_wave", "label": "test wave", "dx": float(x[1] - x[0])},
    )
    ds.to_netcdf(path)
    return path


def test_a_new_model_is_plotted_without_a_front_end_edit(wave_model, tmp_path):
    ds = load_output(_wave_output(tmp_path / "wave.nc"))
    assert set(standard_figures(ds)) == {"spacetime", "snapshots", "invariants"}
    assert set(FIGURES["test_wave"]) == {"spacetime", "snapshots", "invariants"}
    written = save_figures(ds, tmp_path / "figures", "wave", dpi=30)
    assert sorted(p.name for p in written) == [
        "wave_invariants.png",
        "wave_snapshots.png",
        "wave_spacetime.png",
    ]
    movie = animate(ds, tmp_path / "wave", fmt="gif", dpi=20, progress=False)
    with Image.open(movie) as gif:
        assert gif.n_frames == 5
    field, profile = field_of(ds)
    np.testing.assert_array_equal(field, ds["phi"].values)


def test_a_model_without_animation_is_refused(wave_model, tmp_path):
    wave_model.animation = ""
    ds = load_output(_wave_output(tmp_path / "wave.nc"))
    with pytest.raises(ConfigError, match="has no animation"):
        animate(ds, tmp_path / "wave", fmt="gif", progress=False)


def test_an_unregistered_figure_name_is_named(wave_model):
    wave_model.figures = ("spacetime", "no_such_figure")
    with pytest.raises(KeyError, match="no_such_figure"):
        figures_of(wave_model)


def test_every_model_declares_registered_figures_and_animation():
    for name in model_names():
        model = get_model(name)
        assert model.figures, name
        assert all(figure in REGISTRY for figure in model.figures), name
        assert model.animation in SCENES, name
        names = [figure.file_name for figure in figures_of(model)]
        assert len(names) == len(set(names)), f"{name}: two figures write the same file"


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


@pytest.mark.parametrize("path", FRONT_END, ids=lambda p: str(p.relative_to(SOURCE)))
def test_the_front_end_names_no_model(path):
    named = _string_constants(path) & set(model_names())
    assert not named, f"{path.name} branches on model names {sorted(named)}: ask the model class"


def test_models_import_no_plotting():
    """Models declare figure names; they never import matplotlib or simsuite.plotting."""
    for path in sorted((SOURCE / "models").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                assert not module.startswith(("matplotlib", "simsuite.plotting")), (
                    f"{path.relative_to(SOURCE)} imports {module}"
                )
