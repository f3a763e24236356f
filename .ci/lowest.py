"""Constraints for the lowest supported runtime dependencies: the floor of each range in
pyproject.toml's ``dependencies`` pinned exactly, every other package as constraints.txt pins it.

    python .ci/lowest.py > lowest.txt && pip install -c lowest.txt '.[test]'

.ci/run installs that into a second venv and runs the fast tier there, so that a floor the code
has outgrown is found by CI, not by a user.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def floors() -> dict[str, str]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    out = {}
    for dep in deps:
        m = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*>=\s*([0-9][^,;\s]*)\s*", dep)
        if m is None:
            sys.exit(f"pyproject.toml: {dep!r} has no '>=' floor to test")
        out[canonical(m.group(1))] = m.group(2)
    return out


# Packages released in lockstep with a runtime dependency: at its floor they must be at a
# matching version, so constraints.txt's pins of them (made with its newest release) are left
# for pip to choose (boto3 1.34 needs botocore 1.34 and an awscli built on it).
COMPANIONS = {"boto3": ("botocore", "s3transfer", "awscli")}


def main() -> None:
    low = floors()
    released = {c for name in low for c in COMPANIONS.get(name, ())}
    print("# Lowest runtime dependencies (from pyproject.toml's floors) + constraints.txt's pins.")
    for name, version in sorted(low.items()):
        print(f"{name}=={version}")
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        name = line.split("==", 1)[0]
        if line and not line.startswith("#") and canonical(name) not in set(low) | released:
            print(line)


if __name__ == "__main__":
    main()
