"""The bash runtime layer: ``layers/bash-runtime/bootstrap`` and its zip."""

from __future__ import annotations

from cronmigrate.deploy.names import LAYER_DIR, LAYER_ZIP
from cronmigrate.render import Artifact, Artifacts, zips
from cronmigrate.shipped import runtime_file


def bootstrap_text() -> str:
    return runtime_file("bootstrap")


AWS_SH = "cronmigrate/aws.sh"  # /opt/cronmigrate/aws.sh on Lambda: the guard, secrets


def render() -> Artifacts:
    text = bootstrap_text().encode()
    guard = runtime_file("aws.sh").encode()
    # A layer's files land in /opt: the runtime is /opt/bootstrap.
    return {
        f"{LAYER_DIR}/bootstrap": Artifact(text, 0o755),
        f"{LAYER_DIR}/{AWS_SH}": Artifact(guard, 0o644),
        LAYER_ZIP: Artifact(zips.build([("bootstrap", text, 0o755), (AWS_SH, guard, 0o644)])),
    }
