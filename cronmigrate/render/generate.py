"""Plan → deployable artifact tree (pure: the writer writes it).

crontab → jobs (:mod:`cronmigrate.deploy.jobs`) → the neutral stack
(:mod:`cronmigrate.deploy.stack`) → one writer per form.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cronmigrate.deploy import jobs, stack
from cronmigrate.deploy.jobs import Deployment
from cronmigrate.deploy.settings import Settings
from cronmigrate.plan.model import Plan
from cronmigrate.render import (
    Artifacts,
    cloudformation,
    functions,
    readme,
    runtime,
    statemachine,
    terraform,
)

IAC_CHOICES = ("sam", "cloudformation", "terraform")


def generate(
    plan: Plan, settings: Settings, root: Path, iac: set[str], target_default: str = "lambda"
) -> tuple[Artifacts, Deployment]:
    deployment = jobs.build(plan, settings, root, target_default)
    artifacts: Artifacts = {}
    artifacts.update(runtime.render())
    artifacts.update(functions.render(deployment))
    zips = {
        p: hashlib.sha256(a.content).hexdigest() for p, a in artifacts.items() if p.endswith(".zip")
    }
    infra = stack.build(deployment, zips)
    artifacts.update(statemachine.render(infra))
    if iac & {"sam", "cloudformation"}:
        artifacts.update(cloudformation.render(infra, iac))
    if "terraform" in iac:
        artifacts.update(terraform.render(infra, ", ".join(plan.files) or "-"))
    artifacts.update(readme.render(deployment, infra, iac))
    return artifacts, deployment
