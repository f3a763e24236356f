"""``README.md`` of the output directory."""

from __future__ import annotations

from cronmigrate import __version__
from cronmigrate import aws_facts as aws
from cronmigrate.deploy.infra import Stack
from cronmigrate.deploy.jobs import Deployment
from cronmigrate.deploy.names import secret_variables
from cronmigrate.plan.report import to_markdown
from cronmigrate.render import Artifact, Artifacts, scanner
from cronmigrate.render.templating import render as render_template
from cronmigrate.schedule.model import Trigger


def render(deployment: Deployment, stack: Stack, iac: set[str]) -> Artifacts:
    n = len(deployment.jobs)
    schedules = sum(len(j.schedules) for j in deployment.jobs)
    trigger = (
        "an EventBridge Scheduler schedule (in the crontab's time zone) with its own "
        "role that may only invoke that function"
        if deployment.trigger is Trigger.SCHEDULER
        else "an EventBridge rule (UTC) allowed to invoke that function"
    )
    retention = sorted({j.settings.log_retention_days for j in deployment.jobs})
    text = render_template(
        "README.md.j2",
        version=__version__,
        files=", ".join(f"`{f}`" for f in deployment.plan.server_files) or "-",
        counts=f"{n} functions, {schedules} schedules; {len(deployment.skipped)} jobs not "
        "generated.",
        runtime=aws.RUNTIME,
        iac=iac,
        retention=", ".join(f"{d} days" for d in retention) or "-",
        trigger=trigger,
        jobs=deployment.jobs,
        secrets=[s for j in deployment.jobs for s in secret_variables(j)],
        skipped=deployment.skipped,
        notify=deployment.settings.notify,
        error_alarms=deployment.settings.error_alarms,
        dead_letter=deployment.settings.dead_letter,
        runcommand=any(j.runcommand for j in deployment.jobs),
        tag_key=deployment.settings.target_tag_key,
        tag_targets=[
            f"`{j.function_name}` (`{j.settings.instances[0]}`)"
            for j in deployment.jobs
            if j.runcommand and j.settings.instances[0].startswith("tag:")
        ],
        scanner_skips=scanner.skips(stack.all_resources(), iac),
        roles=stack.roles,
        roles_reason=stack.roles_reason,
        vpc=[f"`{j.function_name}`" for j in deployment.jobs if j.settings.subnet_ids],
        plan_markdown=to_markdown(deployment.plan, on_server=True)
        .replace("# cronmigrate plan", "", 1)
        .strip(),
    )
    out: Artifacts = {"README.md": Artifact.text(text)}
    return out
