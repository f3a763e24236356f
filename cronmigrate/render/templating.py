"""Jinja2 for text people read (bash, HCL, README): StrictUndefined, explicit quoting."""

from __future__ import annotations

import json
import shlex
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import jinja2


def hcl_string(value: str) -> str:
    """A Terraform (HCL) quoted string: JSON escapes, plus ${ and %{ escaped."""
    quoted = json.dumps(value, ensure_ascii=False)
    return quoted.replace("${", "$${").replace("%{", "%%{")


def templates() -> Traversable:
    """templates/: inside the installed package, or beside it in a source checkout."""
    try:
        return resources.files("cronmigrate.templates")
    except ModuleNotFoundError:  # `python -m pytest` in a checkout imports the source tree
        return Path(__file__).resolve().parents[2] / "templates"


def _load(name: str) -> str:
    return templates().joinpath(name).read_text(encoding="utf-8")


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_load),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["sh"] = shlex.quote
    env.filters["hcl"] = hcl_string
    env.filters["json"] = lambda v: json.dumps(v, ensure_ascii=False)
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)


def read(name: str) -> str:
    return _load(name)
