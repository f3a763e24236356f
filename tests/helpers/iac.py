"""Reading generated output with the real tools: cfn-lint, the SAM transform, python-hcl2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import hcl2
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else name


def cfn_lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("cfn-lint"), *map(str, paths)], capture_output=True, text=True, check=False
    )


def types_of(resources: dict[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in resources.values():
        out[r["Type"]] = out.get(r["Type"], 0) + 1
    return out


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


def sam_transform(path: Path) -> dict[str, Any]:
    """What `sam deploy` does: upload local CodeUri/ContentUri (here: point them at S3),
    then run the SAM transform."""
    tpl = yaml_parse(path.read_text())
    for res in tpl["Resources"].values():
        for key in ("CodeUri", "ContentUri"):
            if key in res["Properties"]:
                assert (path.parent / res["Properties"][key]).is_file()
                res["Properties"][key] = f"s3://example-bucket/{res['Properties'][key]}"
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    out: dict[str, Any] = transform(tpl, {"AWS::Region": "us-east-1"}, _NoManagedPolicies())
    return out


def unquote(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def terraform_resources(tf_dir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """{resource type: {name: body}} from every .tf file, quotes stripped."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for f in sorted(tf_dir.glob("*.tf")):
        with f.open() as fh:
            doc = hcl2.load(fh)
        for block in doc.get("resource", []):
            for rtype, bodies in block.items():
                for name, body in bodies.items():
                    out.setdefault(unquote(rtype), {})[unquote(name)] = body
    return out
