"""One function per job: ``functions/<job>/function.sh``, bundled scripts, ``dist/<job>.zip``."""

from __future__ import annotations

from cronmigrate import __version__
from cronmigrate.deploy.jobs import DeployJob, Deployment
from cronmigrate.deploy.names import HANDLER, JobIds, is_variable, secret_variables
from cronmigrate.render import Artifact, Artifacts, zips
from cronmigrate.render.runtime import PYTHON_BIN, ZONEINFO
from cronmigrate.render.templating import render as render_template


def environment(job: DeployJob) -> tuple[list[tuple[str, str | None]], list[str]]:
    """The job's environment as cron gives it (crontab lines + cron's defaults), adapted
    to Lambda: HOME is /tmp unless the crontab sets it, /opt/bin (layers) ends PATH; a Python
    job finds the runtime's python3 (/var/lang/bin) and the distributions of its
    requirements: (its zip's python/)."""
    cron = job.plan.job
    env: dict[str, str] = {}
    skipped: list[str] = []
    for name, value in cron.environment:
        if is_variable(name):
            env[name] = value
        elif name not in skipped:
            skipped.append(name)
    env.setdefault("SHELL", "/bin/sh")
    extra = f":/var/lang/bin:/opt/{PYTHON_BIN}" if job.python else ""
    env["PATH"] = env.get("PATH", "/usr/bin:/bin") + extra + ":/opt/bin"
    env.setdefault("HOME", "/tmp")
    user = cron.user or "cron"
    env.setdefault("LOGNAME", user)
    env.setdefault("USER", user)
    secret = {name for name, _ in secret_variables(job)}
    out: list[tuple[str, str | None]] = [(k, None if k in secret else v) for k, v in env.items()]
    return sorted(out), skipped


def handler_text(job: DeployJob) -> str:
    env, skipped = environment(job)
    cron = job.plan.job
    return render_template(
        "function.sh.j2",
        version=__version__,
        name=job.function_name,
        source=job.source,
        schedule=cron.schedule_text,
        timezone=job.plan.timezone,
        schedules=job.schedules,
        environment=env,
        skipped=skipped,
        command=job.command,
        stdin=cron.stdin,
        lock=job.settings.lock == "dynamodb",
        secrets=secret_variables(job),
        lock_ttl_days=job.settings.lock_ttl_days,
        tz=None if any(k == "TZ" for k, _ in env) else job.timezone,
        vendored=bool(job.vendored),
        zoneinfo=ZONEINFO,
    )


def render_job(job: DeployJob) -> Artifacts:
    text = handler_text(job).encode("utf-8", "surrogateescape")
    entries = [(HANDLER, text, 0o755)]
    ids = JobIds(job)
    out: Artifacts = {f"{ids.dir}/{HANDLER}": Artifact(text, 0o755)}
    for f in job.bundle:
        data = f.content()
        mode = 0o755 if f.executable else 0o644
        entries.append((f.archive_path, data, mode))
        out[f"{ids.dir}/{f.archive_path}"] = Artifact(data, mode)
    if job.vendored:
        entries += [(f"python/{path}", data, mode) for path, data, mode in job.vendored]
        pins = "".join(f"{r}\n" for r in job.settings.requirements)
        out[f"{ids.dir}/requirements.txt"] = Artifact.text(pins)
    out[ids.zip] = Artifact(zips.build(entries))
    return out


def render(deployment: Deployment) -> Artifacts:
    out: Artifacts = {}
    for job in deployment.jobs:
        if not job.runcommand:
            out.update(render_job(job))
    return out
