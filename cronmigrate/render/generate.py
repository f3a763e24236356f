"""Plan → deployable artifact tree (pure: the writer writes it).

crontab → jobs (:mod:`cronmigrate.deploy.jobs`) → the neutral stack
(:mod:`cronmigrate.deploy.stack`) → one writer per form.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import NamedTuple

from cronmigrate.deploy import jobs, names, stack
from cronmigrate.deploy.infra import Stack, StateMachine
from cronmigrate.deploy.jobs import Deployment
from cronmigrate.errors import CronmigrateError
from cronmigrate.plan.model import Plan
from cronmigrate.render import (
    Artifact,
    Artifacts,
    cloudformation,
    functions,
    jobs_index,
    limits,
    readme,
    runtime,
    scanner,
    terraform,
)
from cronmigrate.settings import Settings

IAC_CHOICES = ("sam", "cloudformation", "terraform")


class Generated(NamedTuple):
    artifacts: Artifacts
    deployment: Deployment
    stack: Stack
    warnings: tuple[str, ...]  # account quotas a deployment passes


def generate(
    plan: Plan,
    settings: Settings,
    iac: set[str],
    host: str = "",
    vendored: Mapping[str, tuple[tuple[str, bytes, int], ...]] | None = None,
) -> Generated:
    """The output tree of ``plan`` (built with these ``settings``, and ``--root``, ``--host``
    and ``--target-default`` in its options): every job it calls migratable; ``vendored``:
    each Python job's installed requirements (by function)."""
    deployment = jobs.build(plan, settings, host, vendored or {})
    artifacts: Artifacts = {}
    artifacts.update(runtime.render(jobs.zones_used(deployment.jobs)))
    artifacts.update(functions.render(deployment))
    zips = {
        p: hashlib.sha256(a.content).hexdigest() for p, a in artifacts.items() if p.endswith(".zip")
    }
    infra = stack.build(deployment, zips)
    problems = limits.stack_problems(infra)
    if problems:  # never hand AWS what it refuses
        raise CronmigrateError("generated output AWS would refuse: " + "; ".join(problems))
    # The Run Command jobs' state machine definitions, shared by the three forms.
    artifacts.update(
        {
            r.definition_path: Artifact.text(json.dumps(r.definition, indent=2) + "\n")
            for r in infra.all_resources()
            if isinstance(r, StateMachine)
        }
    )
    if iac & {"sam", "cloudformation"}:
        artifacts.update(cloudformation.render(infra, iac))
    if "terraform" in iac:
        files = ", ".join(plan.server_files) or "-"
        artifacts.update(terraform.render(infra, files, names.lock_table(host)))
    artifacts.update(readme.render(deployment, infra, iac))
    artifacts.update(scanner.render(infra.all_resources(), iac))
    artifacts.update(jobs_index.render(deployment, infra))
    return Generated(artifacts, deployment, infra, tuple(limits.quota_warnings(infra)))
