"""The bash runtime layer: ``layers/bash-runtime/`` and its zip: the bootstrap, the AWS calls,
and the time zone files the jobs use."""

from __future__ import annotations

from collections.abc import Iterable

from cronmigrate.deploy.names import LAYER_DIR, LAYER_ZIP
from cronmigrate.render import Artifact, Artifacts, zips
from cronmigrate.schedule.timezones import zone_file
from cronmigrate.shipped import runtime_file


def bootstrap_text() -> str:
    return runtime_file("bootstrap")


AWS_SH = "cronmigrate/aws.sh"  # /opt/cronmigrate/aws.sh on Lambda: the guard, secrets
# /opt/cronmigrate/zoneinfo on Lambda. provided.al2023 has no time zone database
# (aws/aws-lambda-dotnet#1620: "tzdb is not installed" on provided.al2023), so a job's
# function.sh points TZDIR here when /usr/share/zoneinfo lacks its zone.
ZONEINFO = "cronmigrate/zoneinfo"
# /opt/cronmigrate/python-runtime: the exec wrapper of Python jobs' functions; python-bin:
# `python` and `python3` for them (the runtime's python3 comes first on their PATH).
PYTHON_WRAPPER = "cronmigrate/python-runtime"
PYTHON_BIN = "cronmigrate/python-bin"


def render(zones: Iterable[str] = ("UTC",)) -> Artifacts:
    files: list[tuple[str, bytes, int]] = [
        ("bootstrap", bootstrap_text().encode(), 0o755),
        (AWS_SH, runtime_file("aws.sh").encode(), 0o644),
        (PYTHON_WRAPPER, runtime_file("python-runtime").encode(), 0o755),
        (f"{PYTHON_BIN}/python", runtime_file("python-shim").encode(), 0o755),
        (f"{PYTHON_BIN}/python3", runtime_file("python-shim").encode(), 0o755),
    ]
    for zone in sorted(set(zones)):
        data = zone_file(zone)
        if data is not None:
            files.append((f"{ZONEINFO}/{zone}", data, 0o644))
    # A layer's files land in /opt: the runtime is /opt/bootstrap.
    out: Artifacts = {f"{LAYER_DIR}/{name}": Artifact(data, mode) for name, data, mode in files}
    out[LAYER_ZIP] = Artifact(zips.build(files))
    return out
