"""``requirements:`` of a Python job: the distributions pip installs into its zip (``python/``,
on the job's PYTHONPATH), for Lambda's Python and the function's CPU, at generate time.

Reproducible: every requirement is pinned (``name==version``, checked when the settings are
read), dependencies included and installed with ``--no-deps`` (a missing one is an error that
names it), wheels only (``--only-binary=:all:``: nothing is compiled here for another
machine), no byte code (``--no-compile``); the zip's entries are sorted and dated like every
other. pip needs the package index (PyPI, or the index pip is configured with).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

from cronmigrate import aws_facts as aws
from cronmigrate.errors import CronmigrateError

# manylinux tags a wheel may carry and still load on AL2023 (glibc 2.34), newest first.
_PLATFORMS = {
    "x86_64": ("manylinux_2_34", "manylinux_2_28", "manylinux_2_17", "manylinux2014"),
    "arm64": ("manylinux_2_34", "manylinux_2_28", "manylinux_2_17", "manylinux2014"),
}
_MACHINE = {"x86_64": "x86_64", "arm64": "aarch64"}


class VendorError(CronmigrateError):
    exit_code = 1


class Vendored(NamedTuple):
    files: tuple[tuple[str, bytes, int], ...]  # (path under python/, content, mode)
    modules: frozenset[str]  # the top-level modules the distributions provide


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def install(requirements: tuple[str, ...], architecture: str, owner: str) -> Vendored:
    """Install ``requirements`` for Lambda's Python on ``architecture``; ``owner`` names the
    job in messages."""
    platforms = [f"{tag}_{_MACHINE[architecture]}" for tag in _PLATFORMS[architecture]]
    with tempfile.TemporaryDirectory(prefix="cronmigrate-vendor-") as tmp:
        target = Path(tmp) / "python"
        args = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-warn-script-location",
            "--target",
            str(target),
            "--no-deps",
            "--no-compile",
            "--only-binary=:all:",
            "--implementation",
            "cp",
            "--python-version",
            aws.PYTHON_VERSION,
            *(a for p in platforms for a in ("--platform", p)),
            *requirements,
        ]
        done = subprocess.run(args, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["pip failed"])[-1]
            raise VendorError(f"{owner}: requirements: pip could not install them: {last}")
        _check_dependencies(target, owner)
        files = []
        for path in sorted(target.rglob("*")):
            rel = path.relative_to(target).as_posix()
            if not path.is_file() or rel.startswith("bin/") or "__pycache__" in rel:
                continue
            mode = 0o755 if path.stat().st_mode & 0o111 else 0o644
            files.append((rel, path.read_bytes(), mode))
        return Vendored(tuple(files), _modules(target))


def _modules(target: Path) -> frozenset[str]:
    out = set()
    for entry in target.iterdir():
        name = entry.name
        if name.endswith((".dist-info", ".data")) or name in ("bin", "__pycache__"):
            continue
        if entry.is_dir():
            out.add(name)
        elif name.endswith(".py"):
            out.add(name[:-3])
        elif ".so" in name or name.endswith(".pyd"):
            out.add(name.split(".", 1)[0])
    return frozenset(out)


def _check_dependencies(target: Path, owner: str) -> None:
    """Every unconditional dependency of an installed distribution is installed too."""
    installed = {_name(d.name.split("-", 1)[0]) for d in target.glob("*.dist-info")}
    needed: dict[str, set[str]] = {}
    for meta in sorted(target.glob("*.dist-info/METADATA")):
        dist = meta.parent.name.split("-", 1)[0]
        for line in meta.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.startswith("Requires-Dist:") or ";" in line:
                continue  # a marker (an extra, a Python version): not always needed
            req = _name(re.split(r"[\s(<>=!~\[]", line.split(":", 1)[1].strip(), maxsplit=1)[0])
            if req not in installed:
                needed.setdefault(req, set()).add(dist)
    if needed:
        missing = ", ".join(
            f"{r} (for {', '.join(sorted(by))})" for r, by in sorted(needed.items())
        )
        raise VendorError(
            f"{owner}: requirements: pin their dependencies too (name==version): {missing}"
        )
