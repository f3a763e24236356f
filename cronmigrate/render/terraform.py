"""Terraform: ``terraform/versions.tf``, ``variables.tf``, ``main.tf``, ``outputs.tf``.

HCL is text that people read and edit, so it comes from Jinja templates; every string
goes through the ``hcl`` filter (JSON escapes, ``${`` and ``%{`` doubled).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from cronmigrate import __version__
from cronmigrate import aws_facts as aws
from cronmigrate.deploy.jobs import DeployJob, Deployment
from cronmigrate.render import Artifact, Artifacts
from cronmigrate.render.cloudformation import description, input_document, schedule_name
from cronmigrate.render.functions import job_zip, secret_variables
from cronmigrate.render.templating import render as render_template

FILES = ("versions.tf", "variables.tf", "main.tf", "outputs.tf")


@dataclass(frozen=True)
class _Schedule:
    expression: str
    timezone: str
    name: str
    suffix: str


@dataclass(frozen=True)
class _Job:
    job: DeployJob

    @property
    def tf(self) -> str:
        return _tf_name(self.job.key)

    def __getattr__(self, name: str) -> object:
        return getattr(self.job, name)

    @property
    def schedule(self) -> str:
        return self.job.plan.job.schedule_text

    @property
    def timezone(self) -> str:
        return self.job.plan.timezone

    @property
    def description(self) -> str:
        return description(self.job)

    @property
    def input(self) -> str:
        return input_document(self.job)

    @property
    def state(self) -> str:
        return "ENABLED" if self.job.settings.enabled else "DISABLED"

    @property
    def zip_name(self) -> str:
        return job_zip(self.job).removeprefix("dist/")

    @property
    def role_prefix(self) -> str:
        return self.job.function_name[:32] + "-"

    @property
    def scheduler_role_prefix(self) -> str:
        return self.job.function_name[:28] + "-sch-"

    @property
    def extra_policy(self) -> str:
        doc = {"Version": "2012-10-17", "Statement": list(self.job.settings.iam_statements)}
        return json.dumps(doc, separators=(",", ":"), sort_keys=True)

    @property
    def secret_parameters(self) -> list[str]:
        return [p for _, p in secret_variables(self.job)]

    @property
    def instances_text(self) -> str:
        return ", ".join(self.job.settings.instances)

    @property
    def instance_tag(self) -> tuple[str, str] | None:
        first = self.job.settings.instances[0] if self.job.settings.instances else ""
        if not first.startswith("tag:"):
            return None
        key, value = first[len("tag:") :].split("=", 1)
        return key, value

    @property
    def definition_path(self) -> str:
        from cronmigrate.render.runcommand import definition_path

        return definition_path(self.job)

    @property
    def locked(self) -> bool:
        return self.job.settings.lock == "dynamodb"

    @property
    def alerts_tf(self) -> str:
        return _tf_name(self.job.alerts_id) if self.job.alerts_id else ""

    @property
    def schedules(self) -> list[_Schedule]:
        return [
            _Schedule(
                s.expression, s.timezone, schedule_name(self.job, i), "" if i == 0 else f"_{i + 1}"
            )
            for i, s in enumerate(self.job.schedules)
        ]


def _tf_name(name: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", name.lower())


@dataclass(frozen=True)
class _Topic:
    tf: str
    addresses: tuple[str, ...]


def render(deployment: Deployment) -> Artifacts:
    topics: dict[str, _Topic] = {}
    for j in deployment.jobs:
        if j.alerts_id and j.alerts_id not in topics:
            topics[j.alerts_id] = _Topic(_tf_name(j.alerts_id), j.mailto)
    context = {
        "topics": list(topics.values()),
        "locked": any(j.settings.lock == "dynamodb" for j in deployment.jobs),
        "version": __version__,
        "files": ", ".join(deployment.plan.files) or "-",
        "jobs": [_Job(j) for j in deployment.jobs],
        "target": deployment.target.value,
        "runtime": aws.RUNTIME,
        "layer_description": f"cronmigrate {__version__} bash runtime (Runtime API 2018-06-01)",
    }
    return {
        f"terraform/{name}": Artifact.text(render_template(f"terraform/{name}.j2", **context))
        for name in FILES
    }
