"""Plan → deployable artifact tree (pure: the writer writes it)."""

from __future__ import annotations

from pathlib import Path

from cronmigrate.deploy import jobs as deploy
from cronmigrate.deploy.jobs import Deployment
from cronmigrate.deploy.settings import Settings
from cronmigrate.plan.model import Plan
from cronmigrate.render import (
    Artifacts,
    cloudformation,
    functions,
    readme,
    runcommand,
    runtime,
    terraform,
)

IAC_CHOICES = ("sam", "cloudformation", "terraform")


def generate(
    plan: Plan, settings: Settings, root: Path, iac: set[str], target_default: str = "lambda"
) -> tuple[Artifacts, Deployment]:
    deployment = deploy.build(plan, settings, root, target_default)
    artifacts: Artifacts = {}
    artifacts.update(runtime.render())
    artifacts.update(functions.render(deployment))
    zips = {p: a for p, a in artifacts.items() if p.startswith("dist/")}
    artifacts.update(runcommand.render(list(deployment.jobs)))
    if iac & {"sam", "cloudformation"}:
        artifacts.update(cloudformation.render(deployment, zips, iac))
    if "terraform" in iac:
        artifacts.update(terraform.render(deployment))
    artifacts.update(readme.render(deployment, zips, iac))
    return artifacts, deployment
