"""A small HCL (Terraform) writer: blocks, attributes, objects and lists as data, written in
``terraform fmt``'s layout (two-space indent, ``=`` aligned within a run of one-line
attributes). Strings are escaped for HCL: JSON escapes, ``${`` and ``%{`` doubled, so a
value can never become a template interpolation by accident.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Expr(NamedTuple):
    """An HCL expression written as it is: ``aws_iam_role.x.arn``, ``var.tags``."""

    text: str


class Block(NamedTuple):
    type: str
    labels: tuple[str, ...]
    body: tuple[tuple[str, Any], ...]  # (name, value); a Block value is a nested block
    comment: str = ""


class Comment(NamedTuple):
    text: str


def string(value: str) -> str:
    quoted = json.dumps(value, ensure_ascii=False)
    return quoted.replace("${", "$${").replace("%{", "%%{")


def template(parts: list[str | Expr]) -> Expr:
    """A quoted template: literal parts escaped, expressions interpolated."""
    out = []
    for p in parts:
        out.append(f"${{{p.text}}}" if isinstance(p, Expr) else string(p)[1:-1])
    return Expr('"' + "".join(out) + '"')


def _key(name: str) -> str:
    return name if _IDENT.match(name) else string(name)


def value(v: Any, indent: int) -> str:
    pad = "  " * indent
    if isinstance(v, Expr):
        return v.text
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return string(v)
    if v is None:
        return "null"
    if isinstance(v, list | tuple):
        items = [value(x, indent + 1) for x in v]
        one = "[" + ", ".join(items) + "]"
        if "\n" not in one and len(one) + len(pad) < 100:
            return one
        return "[\n" + "".join(f"{pad}  {x},\n" for x in items) + pad + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        rows = [(_key(k), value(x, indent + 1)) for k, x in v.items()]
        return "{\n" + _attributes(rows, indent + 1) + pad + "}"
    raise TypeError(f"no HCL form for {v!r}")


def _attributes(rows: list[tuple[str, str]], indent: int) -> str:
    """Attribute lines, ``=`` aligned within each run of one-line values."""
    pad = "  " * indent
    out: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(k) for k, _ in run), default=0)
        out.extend(f"{pad}{k.ljust(width)} = {v}\n" for k, v in run)
        run.clear()

    for k, v in rows:
        if "\n" in v:
            flush()
            out.append(f"{pad}{k} = {v}\n")
        else:
            run.append((k, v))
    flush()
    return "".join(out)


def block(b: Block, indent: int = 0) -> str:
    pad = "  " * indent
    head = " ".join([b.type, *(string(label) for label in b.labels)])
    text = f"{pad}# {b.comment}\n" if b.comment else ""
    if not b.body:
        return f"{text}{pad}{head} {{}}\n"
    text += f"{pad}{head} {{\n"
    rows: list[tuple[str, str]] = []
    parts: list[str] = []

    def flush() -> None:
        if rows:
            parts.append(_attributes(rows, indent + 1))
            rows.clear()

    for name, v in b.body:
        if isinstance(v, Block):
            flush()
            parts.append(block(v, indent + 1))
        elif isinstance(v, Comment):
            flush()
            parts.append(f"{pad}  # {v.text}\n")
        else:
            rows.append((name, value(v, indent + 1)))
    flush()
    body = "\n".join(parts)  # a blank line around each nested block
    return text + body + pad + "}\n"


def document(header: str, blocks: list[Block]) -> str:
    parts = [f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines()]
    for b in blocks:
        parts += ["\n", block(b)]
    return "".join(parts)
