"""Plan + settings → the jobs to deploy: names, settings, bundles, schedules (pure data)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from cronmigrate import aws_facts as aws
from cronmigrate.analysis.bundle import BundledFile
from cronmigrate.analysis.walker import analyse
from cronmigrate.deploy.names import job_key, job_source, logical_id, short_hash, tf_label
from cronmigrate.deploy.settings import ConfigError, JobSettings, Settings
from cronmigrate.diagnostics import Diagnostic, Severity, rules
from cronmigrate.errors import CronmigrateError
from cronmigrate.plan.model import JobPlan, Plan
from cronmigrate.schedule.model import EventBridgeSchedule, Status, Trigger


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

    @property
    def runcommand(self) -> bool:
        return self.target == "runcommand"

    @property
    def source(self) -> str:
        """The job's line as cron sees it on the server (names, descriptions, events)."""
        return self.server_source or self.plan.job.location.short

    @property
    def mailto(self) -> tuple[str, ...]:
        """MAILTO's e-mail addresses: failures go to them through an SNS topic."""
        return mail_addresses(self.plan.job.env("MAILTO"))

    @property
    def timezone(self) -> str:
        """The job's TZ: the crontab's TZ line, else its schedule's zone (CRON_TZ or
        --timezone), so that `date` in the job tells the time cron ran it at."""
        return self.plan.job.env("TZ") or self.plan.timezone

    @property
    def alerts_id(self) -> str | None:
        """Logical id of the SNS topic for this job's MAILTO (shared by equal MAILTOs)."""
        return f"Alerts{short_hash(','.join(self.mailto), 8)}" if self.mailto else None

    @property
    def failure_topic_id(self) -> str:
        """Where the job's failures are published: its MAILTO's topic, else the
        deployment's (cron mailed the local user when MAILTO was unset)."""
        return self.alerts_id or FAILURE_TOPIC


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


def _settings_for(
    jp: JobPlan, settings: Settings, root: Path, used: set[str], host: str
) -> tuple[str, JobSettings]:
    key = job_key(jp, settings.name_prefix, root, host=host)
    source = job_source(jp, root)
    matched = settings.key_for(key, source)
    if matched is not None:
        used.add(matched)
    js = settings.jobs[matched] if matched is not None else settings.defaults
    return (js.name or key), js


def build(
    plan: Plan, settings: Settings, root: Path, target_default: str = "lambda", host: str = ""
) -> Deployment:
    jobs: list[DeployJob] = []
    skipped: list[Diagnostic] = []
    names: dict[str, str] = {}
    ids: dict[str, str] = {}
    labels: dict[str, str] = {}  # Terraform labels: lower case, so "aB" and "ab" are one
    used: set[str] = set()
    for jp in plan.jobs:
        job = jp.job
        key, js = _settings_for(jp, settings, root, used, host)
        target = js.target or target_default
        errors = [r for r in jp.translation.reasons if r.severity is Severity.ERROR]
        stays = (
            target == "runcommand"
            and errors
            and all(rules.BY_CODE[e.code] in rules.LAMBDA_ONLY for e in errors)
        )
        if jp.status in (Status.REFUSED, Status.DISABLED, Status.MIGRATED) and not stays:
            if jp.status is Status.REFUSED:
                why = errors[0]  # a refused job has an error finding: its reason
                skipped.append(why._replace(message=f"not generated: {why.message}"))
            continue
        function_name = f"{settings.name_prefix}{key}"
        if len(function_name) > aws.FUNCTION_NAME_MAX:
            raise CronmigrateError(
                f"{job.location.short}: function name {function_name!r} is "
                f"longer than {aws.FUNCTION_NAME_MAX} characters"
            )
        lid = logical_id(key)
        digits = 6
        while (
            not js.name
            and (function_name in names or lid in ids or tf_label(key) in labels)
            and digits < 16
        ):
            digits += 2  # a generated name another job has: a longer hash for this one
            key = job_key(jp, settings.name_prefix, root, digits, host)
            function_name, lid = f"{settings.name_prefix}{key}", logical_id(key)
        for table, value in ((names, function_name), (ids, lid), (labels, tf_label(key))):
            if value in table:
                raise CronmigrateError(
                    f"{job.location.short}: the name {value!r} "
                    f"is already used by the job at {table[value]}; set another name in the "
                    "config file"
                )
            table[value] = job.location.short
        placed = _place(jp, key, js, function_name, lid, target, root)
        if isinstance(placed, Diagnostic):
            skipped.append(placed)
            del names[function_name], ids[lid], labels[tf_label(key)]
        else:
            jobs.append(placed)
    unused = [k for k in settings.jobs if k not in used]
    if unused:  # a typo, or a path as typed instead of as on the server: say so
        where = settings.job_where.get(unused[0], settings.path or "cronmigrate.yaml")
        raise ConfigError(
            f"{where}: jobs: {unused[0]!r} matches no job (keys are job names or "
            "FILE:LINE with the crontab's path on the server, e.g. /etc/cron.d/backup:3)"
        )
    return Deployment(plan, settings, tuple(jobs), tuple(skipped), plan.trigger, host)


def _place(
    jp: JobPlan,
    key: str,
    js: JobSettings,
    function_name: str,
    lid: str,
    target: str,
    root: Path,
) -> DeployJob | Diagnostic:
    """The job as deployed, or why it is not generated."""
    job = jp.job
    bundle: tuple[BundledFile, ...] = ()
    if target == "runcommand":
        if not js.instances:
            return rules.RUNCOMMAND_INSTANCES.at(
                "not generated: target runcommand needs instances "
                "(instances: [tag:Name=web-1] in cronmigrate.yaml)",
                job.location,
                job.raw,
            )
        command = job.command
    else:
        found = analyse(job, root, js.architecture)
        errors = [f for f in found.findings if f.severity is Severity.ERROR]
        if errors:
            return errors[0]._replace(message=f"not generated: {errors[0].message}")
        arch = js.architecture or found.architecture or "x86_64"
        js = dataclasses.replace(js, architecture=arch)
        command, bundle = found.command, found.bundle
    return DeployJob(
        plan=jp,
        key=key,
        function_name=function_name,
        logical_id=lid,
        settings=js,
        command=command,
        bundle=bundle,
        schedules=jp.translation.schedules,
        target=target,
        server_source=job_source(jp, root),
    )
