"""Jinja2 for text people read (bash, HCL, README): StrictUndefined, explicit quoting."""

from __future__ import annotations

import json
import shlex
from functools import cache

import jinja2

from cronmigrate.shipped import read


def hcl_string(value: str) -> str:
    """A Terraform (HCL) quoted string: JSON escapes, plus ${ and %{ escaped."""
    quoted = json.dumps(value, ensure_ascii=False)
    return quoted.replace("${", "$${").replace("%{", "%%{")


def _load(name: str) -> str:
    return read(name)


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
