"""The canonical configs exist twice: ``configs/`` for users of a checkout (the README's commands)
and ``simsuite/configs/`` inside the package (``simsuite run --all``, ``simsuite reproduce``, sweeps
of an installed copy). The package's folder is the source; the two must hold the same files, byte
for byte, or a checkout and an install would run different cases under the same name."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.toml"))}


def test_checkout_configs_equal_the_packaged_ones():
    packaged, checkout = _tree(ROOT / "simsuite" / "configs"), _tree(ROOT / "configs")
    assert len(packaged) >= 20
    assert sorted(checkout) == sorted(packaged), "a config is in one folder only"
    differ = [name for name in packaged if checkout[name] != packaged[name]]
    assert not differ, f"configs/ and simsuite/configs/ differ in {differ}: copy the package's"
