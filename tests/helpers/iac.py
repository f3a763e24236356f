"""Reading generated output with the real tools: cfn-lint, the SAM transform, python-hcl2."""

from __future__ import annotations

import json
import os
import re
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


SAM_BUCKET = "example-bucket"


def sam_transform(path: Path) -> dict[str, Any]:
    """What `sam deploy` does: upload local CodeUri/ContentUri and nested applications'
    Location (here: point them at S3, keyed by their path in the output directory), then
    run the SAM transform."""
    tpl = yaml_parse(path.read_text())
    out_dir = path.parent.parent if path.parent.name == "stacks" else path.parent
    for res in tpl["Resources"].values():
        for key in ("CodeUri", "ContentUri", "Location"):
            if key in res["Properties"]:
                local = (path.parent / res["Properties"][key]).resolve()
                assert local.is_file(), local
                rel = local.relative_to(out_dir.resolve())
                res["Properties"][key] = (
                    f"https://s3.us-east-1.amazonaws.com/{SAM_BUCKET}/{rel}"
                    if key == "Location"
                    else f"s3://{SAM_BUCKET}/{rel}"
                )
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    out: dict[str, Any] = transform(tpl, {"AWS::Region": "us-east-1"}, _NoManagedPolicies())
    return out


def unquote(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def terraform_roots(tf_dir: Path) -> list[Path]:
    """The base root, then each group's root (``terraform/groups/<name>``)."""
    groups = tf_dir / "groups"
    return [
        tf_dir / "base",
        *(sorted(p for p in groups.iterdir() if p.is_dir()) if groups.is_dir() else []),
    ]


def base_values(tf_dir: Path) -> dict[str, str]:
    """The base root's ``base`` output: {name: HCL expression} that ``var.base.<name>`` stands
    for in a group's root."""
    with (tf_dir / "base/outputs.tf").open() as fh:
        doc = hcl2.load(fh)
    for block in doc.get("output", []):
        for name, body in block.items():
            if unquote(name) == "base":
                return {k: v for k, v in body["value"].items() if k != "__is_block__"}
    return {}


def terraform_text(root: Path, values: dict[str, str]) -> str:
    """A root's .tf files as one text, ``var.base.<name>`` replaced by the base's expression
    (as if every root were one)."""

    def sub(m: re.Match[str]) -> str:
        v = values[m.group(1)]
        inner = v[2:-1] if v.startswith("${") and v.endswith("}") and v.count("${") == 1 else None
        return inner if inner is not None else json.dumps(v)

    text = "".join(
        f.read_text() + "\n" for f in sorted(root.glob("*.tf")) if not f.name.startswith("zz_")
    )
    return re.sub(r"\bvar\.base\.([A-Za-z0-9_]+)", sub, text)


def terraform_resources(tf_dir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """{resource type: {name: body}} from every root's .tf files, quotes stripped."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    values = base_values(tf_dir)
    for root in terraform_roots(tf_dir):
        doc = hcl2.loads(terraform_text(root, values))
        for block in doc.get("resource", []):
            for rtype, bodies in block.items():
                for name, body in bodies.items():
                    out.setdefault(unquote(rtype), {})[unquote(name)] = body
    return out


def templates(out: Path, sam: bool = False) -> list[Path]:
    """The parent template and its nested stacks' templates."""
    main = out / ("template.yaml" if sam else "cloudformation.yaml")
    pattern = "*.sam.yaml" if sam else "*.yaml"
    children = [p for p in sorted((out / "stacks").glob(pattern)) if sam or ".sam." not in p.name]
    return [main, *children]


_NESTED = ("AWS::CloudFormation::Stack", "AWS::Serverless::Application")


def _inline(value: Any, params: dict[str, Any]) -> Any:
    """A nested template's parameter references replaced by what the parent passes."""
    if isinstance(value, dict):
        if set(value) == {"Ref"} and value["Ref"] in params:
            return params[value["Ref"]]
        return {k: _inline(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [_inline(v, params) for v in value]
    return value


def _merge(out: Path, sam: bool, load: Any) -> dict[str, Any]:
    main = out / ("template.yaml" if sam else "cloudformation.yaml")
    parent = load(main)["Resources"]
    merged: dict[str, Any] = {}
    for rid, r in parent.items():
        if r["Type"] not in _NESTED:
            merged[rid] = r
            continue
        props = r["Properties"]
        url = props.get("Location") or props["TemplateURL"]
        if isinstance(url, str):  # SAM, packaged: the URL ends in the path in the output
            path = url.split(f"/{SAM_BUCKET}/", 1)[1]
        else:  # the URL ends in the hashed key; the file is stacks/<name>.yaml
            key = url["Fn::Sub"].rsplit("}", 1)[1]
            path = "stacks/" + key.rsplit("-", 1)[0] + ".yaml"
        for cid, c in load(out / path)["Resources"].items():
            assert cid not in merged, cid
            merged[cid] = _inline(c, props.get("Parameters", {}))
    return merged


def cfn_resources(out: Path) -> dict[str, Any]:
    """Every resource of the CloudFormation output, nested stacks merged into the parent and
    their parameters replaced by what the parent passes: the flat equivalent."""
    return _merge(out, False, lambda p: yaml_parse(p.read_text()))


def sam_resources(out: Path) -> dict[str, Any]:
    """The same for SAM, each template through the real transform first."""
    return _merge(out, True, sam_transform)


def cfn_text(out: Path) -> str:
    return "".join(p.read_text() for p in templates(out))


def cfn_lint_all(out: Path) -> subprocess.CompletedProcess[str]:
    return cfn_lint(*templates(out), *templates(out, sam=True))


def terraform_all(tf_dir: Path) -> str:
    """Every root's generated .tf files, as one text (for searching what was generated)."""
    return "".join(
        f.read_text()
        for root in terraform_roots(tf_dir)
        for f in sorted(root.glob("*.tf"))
        if not f.name.startswith("zz_")
    )
