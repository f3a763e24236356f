"""``cronmigrate-jobs.json``: what ``cronmigrate run`` needs to run a generated job on this
machine as Lambda would (its zip, handler, timeout, environment, the event its schedule
sends), read from the same model the templates are written from."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cronmigrate.deploy import names
from cronmigrate.deploy.infra import Function, Stack
from cronmigrate.deploy.jobs import Deployment
from cronmigrate.deploy.statemachine import script
from cronmigrate.jobindex import INDEX, SCHEMA_VERSION
from cronmigrate.render import Artifact, Artifacts


def render(deployment: Deployment, stack: Stack) -> Artifacts:
    functions = {r.name: r for r in stack.all_resources() if isinstance(r, Function)}
    jobs = []
    for job in deployment.jobs:
        entry: dict[str, object] = {
            "function": job.function_name,
            "source": job.source,
            "crontab": job.plan.job.location.path,  # as given to generate
            "line": job.plan.job.location.line,
            "target": job.target,
            "schedules": [s.to_json() for s in job.schedules],
            "event": json.loads(names.input_document(job)),
        }
        if job.runcommand:
            entry["script"] = script(job)
            entry["instances"] = list(job.settings.instances)
        else:
            fn = functions[job.function_name]
            entry.update(
                zip=fn.code.path,
                layer_zip=names.LAYER_ZIP,
                handler=fn.handler,
                timeout=fn.timeout,
                memory=fn.memory,
                architecture=fn.architecture,
                # a value only known once deployed (a table's name) is null
                environment={k: v if isinstance(v, str) else None for k, v in fn.environment},
                lock=job.settings.lock == "dynamodb",
                secrets=[n for n, _ in names.secret_variables(job)],
            )
        jobs.append(entry)
    # What `cronmigrate cutover` checks before it comments the jobs out: the crontabs as they
    # were when this directory was generated.
    crontabs = {}
    for path in deployment.plan.files:
        try:
            crontabs[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            continue  # standard input, or gone
    doc = {"schema_version": SCHEMA_VERSION, "crontabs": crontabs, "jobs": jobs}
    return {INDEX: Artifact.text(json.dumps(doc, indent=2, sort_keys=True) + "\n")}
