"""YAML for CloudFormation and SAM templates (ruamel.yaml), readable by a YAML 1.1 reader."""

from __future__ import annotations

import io
import re
from typing import Any

Doc = dict[str, Any]


_YAML11_SPECIAL = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|null|Null|NULL|~|[-+]?[0-9_.:]+(?:[eE][-+]?[0-9]+)?|[0-9]{4}-[0-9]{2}-[0-9]{2}.*|\.inf"
    r"|\.nan|)$"
)


def _quote_ambiguous(value: Any) -> Any:
    """Quote strings a YAML 1.1 reader (CloudFormation) would take for a bool, number or
    date: "OFF", "2010-09-09", "0"."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, dict):
        return {k: _quote_ambiguous(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_quote_ambiguous(v) for v in value]
    if isinstance(value, str) and _YAML11_SPECIAL.match(value):
        return DoubleQuotedScalarString(value)
    return value


def dump(doc: Doc, comment: str) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            m = CommentedMap()
            for k, v in value.items():
                m[k] = convert(v)
            return m
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value

    data = convert(_quote_ambiguous(doc))
    data.yaml_set_start_comment(comment)
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()
