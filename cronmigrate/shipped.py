"""Files shipped with cronmigrate, read with ``importlib.resources``.

- ``templates/`` (top level of the repository, ``cronmigrate.templates`` once installed):
  the Jinja templates and the commented ``cronmigrate.yaml``.
- ``cronmigrate/runtime/``: runtime sources copied into the output as they are.

Kept free of jinja2 so that ``lint`` can read a shipped file without loading it.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def templates() -> Traversable:
    try:
        return resources.files("cronmigrate.templates")
    except ModuleNotFoundError:  # `python -m pytest` in a checkout imports the source tree
        return Path(__file__).resolve().parent.parent / "templates"


def read(name: str) -> str:
    """A file under ``templates/``."""
    return templates().joinpath(name).read_text(encoding="utf-8")


def runtime_file(name: str) -> str:
    """A runtime source: ``bootstrap``, ``aws.sh`` or ``run-parts``."""
    return resources.files("cronmigrate.runtime").joinpath(name).read_text(encoding="utf-8")
