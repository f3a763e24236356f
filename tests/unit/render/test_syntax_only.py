"""The writers only write syntax: no IAM action, condition key, service principal or AWS
setting is decided in ``cronmigrate/render/``; every one is a field of the neutral model,
filled by the builder (``deploy/stack.py``, ``deploy/iam.py``)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.helpers import ROOT

RENDER = ROOT / "cronmigrate" / "render"
IAM_ACTION = re.compile(r"^[a-z0-9-]+:[A-Z*][A-Za-z*]*$")  # sts:AssumeRole, lambda:Invoke…
CONDITION_KEY = re.compile(r"^(aws|ssm|dynamodb|kms|sqs|sns|lambda|states|s3):[A-Za-z]+(/.*)?$")
PRINCIPAL = re.compile(r"\.amazonaws\.com$")
# Values of AWS settings the builder chooses (billing mode, alarm comparison, missing data,
# flexible window, log format, state machine type).
SETTINGS = {
    "PAY_PER_REQUEST",
    "PROVISIONED",
    "GreaterThanThreshold",
    "notBreaching",
    "breaching",
    "STANDARD",
    "EXPRESS",
    "FLEXIBLE",
    "Text",
    "JSON",
}


def _strings(path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append((node.lineno, node.value))
    return out


def test_writers_hold_no_aws_decision() -> None:
    offenders = []
    for path in sorted(RENDER.glob("*.py")):
        for line, text in _strings(path):
            if (
                IAM_ACTION.match(text)
                or CONDITION_KEY.match(text)
                or PRINCIPAL.search(text)
                or text in SETTINGS
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    assert offenders == []


def test_the_check_sees_a_decision_where_there_is_one(tmp_path: Path) -> None:
    """The patterns catch what the writers used to hold."""
    sample = tmp_path / "w.py"
    sample.write_text(
        'T = {"Action": "sts:AssumeRole", "Principal": "lambda.amazonaws.com"}\n'
        'C = {"StringEquals": {"aws:SourceAccount": 1}}\nB = "PAY_PER_REQUEST"\n'
    )
    texts = [t for _, t in _strings(sample)]
    assert any(IAM_ACTION.match(t) for t in texts)
    assert any(PRINCIPAL.search(t) for t in texts)
    assert any(CONDITION_KEY.match(t) for t in texts)
    assert "PAY_PER_REQUEST" in texts


def test_no_writer_imports_the_builders() -> None:
    """The writers see the model only (import-linter checks the same in .ci/run)."""
    for path in sorted(RENDER.glob("*.py")):
        if path.name in {"generate.py", "functions.py", "readme.py", "jobs_index.py"}:
            continue  # the pipeline and the per-job artifacts, not syntax writers
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(
                    ("cronmigrate.deploy.stack", "cronmigrate.deploy.iam", "cronmigrate.plan")
                ), f"{path.name} imports {node.module}"
