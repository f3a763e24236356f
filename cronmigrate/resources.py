"""Files shipped in ``templates/``: inside the installed package, or beside it in a checkout.

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
    return templates().joinpath(name).read_text(encoding="utf-8")
