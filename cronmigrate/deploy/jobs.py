"""Plan → the jobs to deploy (pure data): each job the plan calls migratable, with the name,
settings, command, bundle and schedules the plan decided for it; nothing is read again."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from cronmigrate.analysis.bundle import BundledFile
from cronmigrate.diagnostics import Diagnostic, Severity
from cronmigrate.plan.identity import logical_id, short_hash
from cronmigrate.plan.model import JobPlan, Plan
from cronmigrate.schedule.model import EventBridgeSchedule, Status, Trigger
from cronmigrate.settings import JobSettings, Settings


@dataclass(frozen=True)
class DeployJob:
    plan: JobPlan
    key: str  # job name without the prefix: stable, readable, unique
    function_name: str
    logical_id: str  # CloudFormation/Terraform base name
    settings: JobSettings
    command: str  # rewritten to the bundled scripts
    bundle: tuple[BundledFile, ...]
    schedules: tuple[EventBridgeSchedule, ...]
    target: str = "lambda"  # or "runcommand": the job stays on its server
    server_source: str = ""  # /etc/cron.d/x:3, the line on the server

    vendored: tuple[tuple[str, bytes, int], ...] = ()  # requirements: (path, bytes, mode)

    @property
    def runcommand(self) -> bool:
        return self.target == "runcommand"

    @property
    def python(self) -> bool:
        """It runs Python: its function is on Lambda's Python runtime."""
        return self.plan.analysis is not None and self.plan.analysis.python

    @property
    def source(self) -> str:
        """The job's line as cron sees it on the server (names, descriptions, events)."""
        return self.server_source or self.plan.job.location.short

    @property
    def mailto(self) -> tuple[str, ...]:
        """MAILTO's e-mail addresses: what cron mailed them reaches them through SNS."""
        return mail_addresses(self.plan.job.env("MAILTO"))

    @property
    def timezone(self) -> str:
        """The job's TZ: the crontab's TZ line, else its schedule's zone (CRON_TZ or
        --timezone), so that `date` in the job tells the time cron ran it at."""
        return self.plan.job.env("TZ") or self.plan.timezone

    @property
    def mail_topic_id(self) -> str | None:
        """Logical id of the SNS topic the runtime mails this job's output to, as cron mailed
        MAILTO (one per distinct MAILTO); None when nothing is mailed (no address,
        ``mail: none``, or a job left on its server)."""
        if not self.mailto or self.settings.mail == "none" or self.runcommand:
            return None
        return f"Alerts{short_hash(','.join(self.mailto), 8)}"

    @property
    def failure_topic_id(self) -> str:
        """Where Lambda's on-failure destination and the Errors alarm publish: the
        deployment's failure topic (``notify:``). A failure the runtime reports itself
        (the job's exit status, the deadline) is mailed by it to MAILTO; this topic also
        hears of the ones it cannot (a crash, a run Lambda dropped)."""
        return FAILURE_TOPIC


FAILURE_TOPIC = "FailureTopic"


def mail_addresses(mailto: str | None) -> tuple[str, ...]:
    parts = re.split(r"[,\s]+", mailto or "")
    return tuple(sorted({p for p in parts if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", p)}))


_TZ_ASSIGNMENT = re.compile(rb"\bTZ=[\"']?:?([A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*)")


def zones_used(jobs: tuple[DeployJob, ...]) -> tuple[str, ...]:
    """Zone names the Lambda jobs need: each job's TZ, and literal ``TZ=Zone/Name`` in its
    command and bundled scripts (provided.al2023 has no zone database, so the runtime layer
    ships these files)."""
    found: set[str] = {"UTC"}
    for job in jobs:
        if job.runcommand:
            continue
        found.add(job.timezone.lstrip(":"))
        texts = [job.command.encode("utf-8", "surrogateescape")]
        texts += [c for f in job.bundle if not (c := f.content()).startswith(b"\x7fELF")]
        for text in texts:
            found.update(m.decode("ascii") for m in _TZ_ASSIGNMENT.findall(text))
    return tuple(sorted(found))


@dataclass(frozen=True)
class Deployment:
    plan: Plan
    settings: Settings
    jobs: tuple[DeployJob, ...]
    skipped: tuple[Diagnostic, ...]  # jobs not generated, and why
    trigger: Trigger
    host: str = ""  # --host: the server's name where several share one account


def build(
    plan: Plan,
    settings: Settings,
    host: str = "",
    vendored: Mapping[str, tuple[tuple[str, bytes, int], ...]] | None = None,
) -> Deployment:
    """Every job the plan calls migratable; a refused job is listed with its first error;
    ``vendored``: the installed requirements of Python jobs, by function."""
    jobs: list[DeployJob] = []
    skipped: list[Diagnostic] = []
    for jp in plan.jobs:
        if jp.status is Status.REFUSED:
            why = next(r for r in jp.translation.reasons if r.severity is Severity.ERROR)
            skipped.append(why._replace(message=f"not generated: {why.message}"))
            continue
        if jp.status is Status.DISABLED:
            continue  # a migrated job (cutover) runs on AWS: it is generated again
        found = jp.analysis
        jobs.append(
            DeployJob(
                plan=jp,
                key=jp.key,
                function_name=jp.function,
                logical_id=logical_id(jp.key),
                settings=jp.settings,
                command=found.command if found is not None else jp.job.command,
                bundle=found.bundle if found is not None else (),
                schedules=jp.translation.schedules,
                target=jp.target,
                server_source=jp.source,
                vendored=(vendored or {}).get(jp.function, ()),
            )
        )
    return Deployment(plan, settings, tuple(jobs), tuple(skipped), plan.trigger, host)
