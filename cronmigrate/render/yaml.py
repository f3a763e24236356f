"""YAML for CloudFormation and SAM templates, in the block style people read.

The templates are plain data (mappings with string keys, lists, strings, integers,
booleans), so a small emitter writes them directly: ruamel.yaml's round-trip emitter took
~20 s for 1,000 jobs (two templates of ~350,000 nodes each), this takes well under one.
It is checked against ruamel.yaml's reader (tests/unit/render/test_yaml.py, hypothesis):
every document reads back equal, under YAML 1.2 and 1.1 rules alike.

Strings are written plain only when no YAML reader could take them for anything else:
a YAML 1.1 reader (CloudFormation) reads ``OFF`` as false, ``2010-09-09`` as a date,
``0777`` as a number; those and anything with YAML syntax in it are double-quoted, with
JSON's escapes (which are YAML's).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

Doc = dict[str, Any]

# A plain scalar that every reader takes as this string: a conservative character set,
# not starting with a YAML indicator, no ": " or " #", no surrounding spaces. (In block
# context, flow indicators such as "{" or "," are ordinary characters after the first.)
_PLAIN = re.compile(r"^[A-Za-z0-9_/.$(][A-Za-z0-9_/.$(){}:*?@,+=<>~\-\[\]!%&|' ]*\Z")
_YAML11_SPECIAL = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|null|Null|NULL|~|[-+]?[0-9_.:,]+(?:[eE][-+]?[0-9]+)?|[-+]?\.?[0-9].*|\.inf|\.Inf|\.INF"
    r"|\.nan|\.NaN|\.NAN|=|<<)\Z"
)


def scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"no YAML form for {value!r} (templates hold no null)")
    return _string(value)


@lru_cache(maxsize=65536)  # templates repeat their keys and many values
def _string(value: str) -> str:
    if (
        _PLAIN.match(value)
        and not _YAML11_SPECIAL.match(value)
        and ": " not in value
        and " #" not in value
        and not value.endswith((" ", ":"))
    ):
        return value
    return _NOT_PRINTABLE.sub(_escape, json.dumps(value, ensure_ascii=False))


# YAML's printable set (YAML 1.2, 5.1) less what YAML 1.1 takes for a line break (U+0085,
# U+2028, U+2029): anything else is written as an escape.
_NOT_PRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def _emit(value: Any, indent: int, out: list[str]) -> None:
    """``value`` under a key or dash already written; ``indent``: its block's column."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            out.append(" {}\n")
            return
        out.append("\n")
        for k, v in value.items():
            out.append(f"{pad}{scalar(k)}:")
            _emit(v, indent + 2, out)
        return
    if isinstance(value, list):
        if not value:
            out.append(" []\n")
            return
        out.append("\n")
        for item in value:
            # "- " at the block's column, the item's own content two further
            out.append(f"{pad}-")
            if isinstance(item, dict) and item:
                first = True
                for k, v in item.items():
                    out.append(f" {scalar(k)}:" if first else f"{pad}  {scalar(k)}:")
                    _emit(v, indent + 4, out)
                    first = False
            else:
                _emit(item, indent + 2, out)
        return
    out.append(f" {scalar(value)}\n")


def dump(doc: Doc, comment: str) -> str:
    out = [f"# {line}\n" if line else "#\n" for line in comment.splitlines()]
    for k, v in doc.items():
        out.append(f"{scalar(k)}:")
        _emit(v, 2, out)
    return "".join(out)
