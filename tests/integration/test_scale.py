"""5,000 jobs in one cron.d file (a multi-tenant batch host): generated, every template within
CloudFormation's limits, inside IAM's default quota of 1,000 roles, each nested stack's
functions sharing a role that names that stack's resources only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]  # PyYAML (cfn-lint installs it): its C loader

from cronmigrate import aws_facts as aws
from cronmigrate.plan.groups import GROUP_MAX_JOBS
from tests.helpers import generate_into
from tests.helpers.emulator import deploy, emulator


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    tmp = tmp_path_factory.mktemp("scale")
    tab = tmp / "etc/cron.d/big"  # a cron.d file: a user field
    tab.parent.mkdir(parents=True)
    tab.write_text(
        "".join(f"{i % 60} {(i // 60) % 24} * * * batch echo tenant {i}\n" for i in range(5000))
    )
    out = tmp / "out"
    deployment: Any = generate_into(out, [str(tab)], cwd=tmp, root=tmp, timezone="UTC")
    return out, deployment


def test_five_thousand_jobs_in_one_file(big: tuple[Path, Any]) -> None:
    out, deployment = big
    assert len(deployment.jobs) == 5000
    roles = 0
    functions = 0
    stacks = [p for p in sorted((out / "stacks").glob("*.yaml")) if ".sam." not in p.name]
    templates = [out / "cloudformation.yaml", *stacks]
    for path in templates:
        text = path.read_text()
        assert len(text.encode()) <= aws.CFN_TEMPLATE_S3_MAX, path.name
        doc = yaml.load(text, Loader=yaml.CSafeLoader)  # plain YAML: no short-form tags
        resources = doc["Resources"]
        assert len(resources) <= aws.CFN_RESOURCES_MAX, (path.name, len(resources))
        assert len(doc.get("Outputs", {})) <= aws.CFN_OUTPUTS_MAX, path.name
        assert len(doc.get("Parameters", {})) <= aws.CFN_PARAMETERS_MAX, path.name
        kinds = [r["Type"] for r in resources.values()]
        roles += kinds.count("AWS::IAM::Role")
        functions += kinds.count("AWS::Lambda::Function")
    assert functions == 5000
    assert roles <= aws.IAM_ROLES_DEFAULT
    index = json.loads((out / "cronmigrate-jobs.json").read_text())
    sizes: dict[str, int] = {}
    for job in index["jobs"]:
        sizes[job["group"]] = sizes.get(job["group"], 0) + 1
    assert max(sizes.values()) <= GROUP_MAX_JOBS
    assert len(sizes) == len(list((out / "stacks").glob("*.sam.yaml")))
    readme = (out / "README.md").read_text()
    assert "per-group execution roles" in readme


def test_five_thousand_jobs_deploy_with_the_generated_script(big: tuple[Path, Any]) -> None:
    """deploy-cloudformation.sh, unchanged, on moto's server: the parent and every nested
    stack complete, 5,000 functions, a schedule per job, at most 1,000 roles."""
    out, deployment = big
    index = json.loads((out / "cronmigrate-jobs.json").read_text())
    groups = {j["group"] for j in index["jobs"]}
    with emulator() as aws_:
        deployed = deploy(aws_, out, "cronmigrate-scale")
        assert len(deployed) == len(groups) + 1  # each CREATE_COMPLETE (deploy checks)
        functions = aws_.client("lambda").get_paginator("list_functions")
        names = {f["FunctionName"] for page in functions.paginate() for f in page["Functions"]}
        assert names == {j.function_name for j in deployment.jobs}
        schedules = aws_.client("scheduler").get_paginator("list_schedules")
        assert sum(len(page["Schedules"]) for page in schedules.paginate()) == 5000
        roles = aws_.client("iam").get_paginator("list_roles")
        assert sum(len(page["Roles"]) for page in roles.paginate()) <= aws.IAM_ROLES_DEFAULT
