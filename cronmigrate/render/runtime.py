"""The bash runtime layer: ``layers/bash-runtime/bootstrap`` and its zip."""

from __future__ import annotations

from cronmigrate.render import Artifact, Artifacts, zips
from cronmigrate.render.templating import read

LAYER_DIR = "layers/bash-runtime"
LAYER_ZIP = "dist/bash-runtime-layer.zip"


def bootstrap_text() -> str:
    return read("runtime/bootstrap")


GUARD = "cronmigrate/guard.sh"  # /opt/cronmigrate/guard.sh on Lambda


def render() -> Artifacts:
    text = bootstrap_text().encode()
    guard = read("runtime/guard.sh").encode()
    # A layer's files land in /opt: the runtime is /opt/bootstrap.
    return {
        f"{LAYER_DIR}/bootstrap": Artifact(text, 0o755),
        f"{LAYER_DIR}/{GUARD}": Artifact(guard, 0o644),
        LAYER_ZIP: Artifact(zips.build([("bootstrap", text, 0o755), (GUARD, guard, 0o644)])),
    }
