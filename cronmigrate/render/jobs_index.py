"""``cronmigrate-jobs.json`` (:mod:`cronmigrate.jobindex`): each job's name and identity, its
line, schedules, settings and what ``cronmigrate run`` needs to run it on this machine as
Lambda would (its zip, handler, timeout, environment, the event its schedule sends), read
from the same model the templates are written from. Paths are the crontabs' paths on the
server: the same input gives the same file from any working directory."""

from __future__ import annotations

import base64
import json
from typing import Any

from cronmigrate.deploy import names
from cronmigrate.deploy.infra import Function, Rule, Schedule, Stack, StateMachine
from cronmigrate.deploy.jobs import Deployment
from cronmigrate.deploy.statemachine import script
from cronmigrate.jobindex import INDEX, SCHEMA_VERSION
from cronmigrate.plan.groups import groups_of, previous_groups
from cronmigrate.render import Artifact, Artifacts


def _deployed(
    fn: Function | None,
    triggers: list[Schedule | Rule],
    machine: StateMachine | None,
) -> dict[str, Any]:
    """What `cronmigrate status` finds in the account when the job is deployed as generated:
    its function (the code's SHA-256 as Lambda reports it: base64) or state machine, and its
    schedules or rules, each with the settings the templates give it."""
    out: dict[str, Any] = {"function": None, "state_machine": None}
    if fn is not None:
        out["function"] = {
            "name": fn.name,
            "code_sha256": base64.b64encode(bytes.fromhex(fn.code.sha256)).decode(),
            "runtime": fn.runtime,
            "handler": fn.handler,
            "memory": fn.memory,
            "timeout": fn.timeout,
            "architecture": fn.architecture,
            "layers": [str(x) for x in fn.layers if isinstance(x, str)],  # besides the runtime's
            "environment": {k: v for k, v in fn.environment if isinstance(v, str)},
        }
    if machine is not None:
        out["state_machine"] = {"name": machine.name}
    out["triggers"] = [
        {
            "kind": "schedule" if isinstance(t, Schedule) else "rule",
            "name": t.name,
            "expression": t.expression,
            "timezone": t.timezone if isinstance(t, Schedule) else "UTC",
            "enabled": t.enabled,
            "input": t.input if isinstance(t, Schedule) else None,
            "retry": list(t.retry) if t.retry is not None else None,
            "dead_letter": t.dead_letter is not None,
        }
        for t in triggers
    ]
    return out


def render(deployment: Deployment, stack: Stack) -> Artifacts:
    resources = stack.all_resources()
    functions = {r.name: r for r in resources if isinstance(r, Function)}
    machines = {r.name: r for r in resources if isinstance(r, StateMachine)}
    triggers: dict[str, list[Schedule | Rule]] = {}
    by_id = {r.id: r for r in resources if isinstance(r, Function | StateMachine)}
    for r in resources:
        if isinstance(r, Schedule | Rule):
            target = by_id.get(r.target.id)
            if target is not None:
                triggers.setdefault(target.name, []).append(r)
    plan = deployment.plan
    jobs = []
    grouped = groups_of(deployment.jobs, previous_groups(deployment.plan.previous))
    group_of = {j.key: g for g, members in grouped.items() for j in members}
    for job in deployment.jobs:
        jp = job.plan
        entry: dict[str, object] = {
            "function": job.function_name,
            "key": job.key,
            "group": group_of[job.key],  # its nested stack (docs/stacks.md)
            "identity": jp.identity.to_json() if jp.identity is not None else None,
            "source": job.source,
            "crontab": plan.on_server(jp.job.location.path),
            "line": jp.job.location.line,
            "cron": jp.job.schedule_text,
            "settings_key": jp.settings_key,
            "settings": job.settings.to_json(),
            "target": job.target,
            "schedules": [s.to_json() for s in job.schedules],
            "event": json.loads(names.input_document(job)),
        }
        entry["deployed"] = _deployed(
            functions.get(job.function_name),
            sorted(triggers.get(job.function_name, []), key=lambda t: t.name),
            machines.get(job.function_name),
        )
        if job.runcommand:
            entry["script"] = script(job)
            entry["instances"] = list(job.settings.instances)
        else:
            fn = functions[job.function_name]
            entry.update(
                zip=fn.code.path,
                layer_zip=names.LAYER_ZIP,
                handler=fn.handler,
                runtime=fn.runtime,
                timeout=fn.timeout,
                memory=fn.memory,
                architecture=fn.architecture,
                # a value only known once deployed (a table's name) is null
                environment={k: v if isinstance(v, str) else None for k, v in fn.environment},
                lock=job.settings.lock == "dynamodb",
                secrets=[n for n, _ in names.secret_variables(job)],
            )
        jobs.append(entry)
    # The job each settings key matched: a FILE:LINE key whose line later holds another
    # command stops the next generate instead of moving the settings to that command.
    settings_keys = {
        jp.settings_key: {
            "identity": jp.identity.to_json() if jp.identity is not None else None,
            "key": jp.key,
            "function": jp.function,
        }
        for jp in plan.jobs
        if jp.settings_key is not None
    }
    # What `cronmigrate cutover` checks before it comments the jobs out: the crontabs as they
    # were when this directory was generated (standard input has no file to check).
    crontabs = {c.server_path: c.sha256 for c in plan.crontabs if c.server_path != "<stdin>"}
    doc = {
        "schema_version": SCHEMA_VERSION,
        "name_prefix": plan.name_prefix,
        "crontabs": crontabs,
        "settings_keys": settings_keys,
        "jobs": jobs,
    }
    # Indented, but each job on one line: json's C encoder writes a job fast (the indented
    # form goes through its pure-Python encoder: seconds for 5,000 jobs), and a job's change
    # is still one line of a diff.
    head = json.dumps({k: v for k, v in doc.items() if k != "jobs"}, indent=2, sort_keys=True)
    rows = ",\n".join("    " + json.dumps(j, sort_keys=True) for j in jobs)
    text = head[:-2] + ',\n  "jobs": [\n' + rows + ("\n  ]\n}\n" if jobs else "]\n}\n")
    return {INDEX: Artifact.text(text)}
