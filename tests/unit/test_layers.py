"""Every module of the package is in the layer contract that .ci/run checks with import-linter
(pyproject.toml): a module outside it could import anything."""

from __future__ import annotations

import tomllib

from tests.helpers import ROOT


def _layers() -> list[str]:
    doc = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in doc["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [m.strip() for layer in contract["layers"] for m in layer.split("|")]


def test_every_module_is_in_a_layer() -> None:
    layers = _layers()
    package = ROOT / "cronmigrate"
    outside = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] in ("__init__", "__main__") and len(parts) <= 2:
            continue  # the package itself and `python -m cronmigrate`
        dotted = ".".join(p for p in parts if p != "__init__")
        if not any(dotted == m or dotted.startswith(m + ".") for m in layers):
            outside.append(dotted)
    assert outside == []
