"""``cronmigrate.yaml``: defaults and per-job overrides, read with ruamel.yaml.

Every problem is reported as ``FILE:LINE:COL: message`` (a :class:`ConfigError`).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cronmigrate import aws_facts as aws
from cronmigrate.aws_facts import PRICES
from cronmigrate.errors import CronmigrateError
from cronmigrate.shipped import read

DEFAULT_PATH = "cronmigrate.yaml"
MAIL_CHOICES = ("output", "failures", "none")


class ConfigError(CronmigrateError):
    exit_code = 2


@dataclass(frozen=True)
class JobSettings:
    memory: int = 128
    timeout: int = 900
    architecture: str | None = None  # None: from the job's compiled programs, else x86_64
    log_retention_days: int = 30
    layers: tuple[str, ...] = ()  # layer version ARNs
    provides: tuple[str, ...] = ()  # the programs those layers provide (layers: provides:)
    accept_missing: bool = False  # generate the job even when a program is missing (CM517)
    requirements: tuple[str, ...] = ()  # Python distributions (name==version) for its zip
    subnet_ids: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    iam_statements: tuple[dict[str, Any], ...] = ()
    enabled: bool = True
    delivery_retries: int = 3
    max_event_age_seconds: int = 3600
    function_retries: int = 0
    lock: str = "dynamodb"  # the duplicate-delivery guard: dynamodb or none
    mail: str = "output"  # what reaches MAILTO: output (as cron), failures, none
    lock_ttl_days: int = 7
    target: str | None = None  # lambda or runcommand (None: --target-default, else lambda)
    instances: tuple[str, ...] = ()  # runcommand: instance ids, or "tag:cronmigrate:target=x"
    execution_timeout: int = 3600  # runcommand: seconds the command may run
    max_concurrency: str = "1"
    max_errors: str = "0"
    name: str | None = None  # per job only
    kms_key: str | None = None  # the KMS key of the job's SecureString parameters
    expected_duration: int = 10  # seconds a run takes, for the cost estimate of plan

    def to_json(self) -> dict[str, Any]:
        """As recorded in the job index (the next generate says which changed)."""
        doc: dict[str, Any] = json.loads(json.dumps(dataclasses.asdict(self), sort_keys=True))
        return doc


@dataclass(frozen=True)
class Settings:
    name_prefix: str = "cron-"
    defaults: JobSettings = field(default_factory=JobSettings)
    jobs: dict[str, JobSettings] = field(default_factory=dict)  # by job name or FILE:LINE
    path: str | None = None
    lint: dict[str, Any] = field(default_factory=dict)  # cronmigrate lint's settings
    job_where: dict[str, str] = field(default_factory=dict)  # jobs: key → file:line:col
    notify: tuple[str, ...] = ()  # e-mail addresses told of every failure
    dead_letter: bool = True  # an SQS queue for runs EventBridge could not deliver
    error_alarms: bool = True  # a CloudWatch alarm on each function's Errors
    prices: dict[str, float] = field(default_factory=dict)  # overrides of aws_facts.PRICES
    # The tag key only administrators may set, that runcommand jobs' tag targets should use:
    # whoever may set a target's tag decides where a root command runs.
    target_tag_key: str = "cronmigrate:target"
    # Execution roles: one per function (per-job), one per nested stack (per-group), or
    # per-job while the deployment's roles fit in aws_facts.ROLES_BUDGET (auto).
    roles: str = "auto"

    def key_for(self, source: str, names: Sequence[str] = ()) -> str | None:
        """The ``jobs:`` key that names this job: FILE:LINE with the crontab's path on the
        server (``/etc/cron.d/x:3``; ``etc/cron.d/x:3`` reads the same), or one of its names
        (the name it keeps, the name its identity gives), with or without the prefix."""
        for key in (source, source.lstrip("/"), *names, *(self.name_prefix + n for n in names)):
            if key in self.jobs:
                return key
        return None

    def for_job(self, source: str, names: Sequence[str] = ()) -> JobSettings:
        key = self.key_for(source, names)
        return self.jobs[key] if key is not None else self.defaults


_INT_RANGES = {
    "memory": (aws.MEMORY_MIN_MB, aws.MEMORY_MAX_MB),
    "timeout": (1, aws.TIMEOUT_MAX_S),
    "delivery_retries": (0, aws.SCHEDULER_RETRIES_MAX),
    "max_event_age_seconds": (aws.EVENT_AGE_MIN_S, aws.EVENT_AGE_MAX_S),
    "function_retries": (0, aws.ASYNC_RETRIES_MAX),
    "lock_ttl_days": (1, 365),
    "execution_timeout": (1, 172_800),
    "expected_duration": (1, 900),
}
_LISTS = {"layers", "iam_statements"}
_STATEMENT_KEYS = {"Sid", "Effect", "Action", "Resource", "Condition"}
_LINT_KEYS = {"select", "extend-select", "ignore", "fail-on", "show-info", "timezone", "format"}


def _where(path: str, node: Any, key: str | None = None) -> str:
    lc = getattr(node, "lc", None)
    if lc is None:
        return path
    line, col = lc.key(key) if key is not None and key in node else (lc.line, lc.col)
    return f"{path}:{line + 1}:{col + 1}"


def _job_settings(path: str, node: Any, base: JobSettings, per_job: bool) -> JobSettings:
    if node is None:
        return base
    if not isinstance(node, dict):
        raise ConfigError(f"{_where(path, node)}: expected a mapping of settings")
    known = {f.name for f in dataclasses.fields(JobSettings)} - ({"name"} if not per_job else set())
    known = (known | {"vpc"}) - {"provides"}  # provides: is said under each layer
    values: dict[str, Any] = {}
    for key, value in node.items():
        at = _where(path, node, key)
        if key not in known or key in {"subnet_ids", "security_group_ids"}:
            raise ConfigError(f"{at}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
        if key in _INT_RANGES:
            lo, hi = _INT_RANGES[key]
            if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
                raise ConfigError(f"{at}: {key} must be a whole number from {lo} to {hi}")
            values[key] = value
        elif key == "architecture":
            if value not in aws.ARCHITECTURES:
                raise ConfigError(
                    f"{at}: architecture must be one of {', '.join(aws.ARCHITECTURES)}"
                )
            values[key] = value
        elif key == "log_retention_days":
            if value not in aws.LOG_RETENTION_DAYS:
                raise ConfigError(
                    f"{at}: log_retention_days must be one of CloudWatch Logs' values "
                    f"({', '.join(map(str, aws.LOG_RETENTION_DAYS))})"
                )
            values[key] = value
        elif key == "target":
            if value not in ("lambda", "runcommand"):
                raise ConfigError(f"{at}: target must be lambda or runcommand")
            values[key] = value
        elif key == "instances":
            ok = isinstance(value, list) and all(
                isinstance(v, str)
                and (re.fullmatch(r"i-[0-9a-f]{8,17}", v) or re.fullmatch(r"tag:[^=\s]+=[^\s]+", v))
                for v in value
            )
            if not ok or not value:
                raise ConfigError(
                    f"{at}: instances are instance ids (i-0123456789abcdef0) or one tag:KEY=VALUE"
                )
            tags = [v for v in value if v.startswith("tag:")]
            if tags and len(value) > 1:
                raise ConfigError(f"{at}: give either one tag:KEY=VALUE or instance ids")
            values[key] = tuple(value)
        elif key in ("max_concurrency", "max_errors"):
            if not re.fullmatch(r"[0-9]+%?", str(value)):
                raise ConfigError(f"{at}: {key} is a number or a percentage")
            values[key] = str(value)
        elif key == "lock":
            if value not in ("dynamodb", "none"):
                raise ConfigError(f"{at}: lock must be dynamodb or none")
            values[key] = value
        elif key == "mail":
            if value not in MAIL_CHOICES:
                raise ConfigError(
                    f"{at}: mail must be output (every run that writes output, as cron), "
                    "failures (failed runs only) or none"
                )
            values[key] = value
        elif key == "kms_key":
            if not isinstance(value, str) or not re.fullmatch(
                r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+", value
            ):
                raise ConfigError(
                    f"{at}: kms_key must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)"
                )
            values[key] = value
        elif key in ("enabled", "accept_missing"):
            if not isinstance(value, bool):
                raise ConfigError(f"{at}: {key} must be true or false")
            values[key] = value
        elif key == "requirements":
            pins = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.!+_-]+")
            if not isinstance(value, list) or not all(
                isinstance(v, str) and pins.fullmatch(v) for v in value
            ):
                raise ConfigError(
                    f"{at}: requirements are pinned Python distributions, name==version "
                    "(e.g. requests==2.32.3), dependencies included: the zip is the same at "
                    "every generate"
                )
            values[key] = tuple(sorted(value, key=str.lower))
        elif key == "name":
            if not isinstance(value, str) or not value or set(value) - set(aws.FUNCTION_NAME_CHARS):
                raise ConfigError(f"{at}: name must be letters, digits, '-' and '_'")
            values[key] = value
        elif key in _LISTS:
            if not isinstance(value, list):
                raise ConfigError(f"{at}: {key} must be a list")
            if key == "layers":
                arns, provides = _layers(at, value)
                values["layers"], values["provides"] = arns, provides
                continue
            if key == "iam_statements":
                for st in value:
                    if not isinstance(st, dict) or not {"Effect", "Action", "Resource"} <= set(st):
                        raise ConfigError(
                            f"{at}: each IAM statement needs Effect, Action and Resource"
                        )
                    if set(st) - _STATEMENT_KEYS:
                        raise ConfigError(
                            f"{at}: an IAM statement takes "
                            f"{', '.join(sorted(_STATEMENT_KEYS))}, not "
                            f"{', '.join(sorted(set(st) - _STATEMENT_KEYS))}"
                        )
                values[key] = tuple(_plain(v) for v in value)
            else:
                values[key] = tuple(value)
        elif key == "vpc":
            if not isinstance(value, dict) or set(value) - {"subnet_ids", "security_group_ids"}:
                raise ConfigError(f"{at}: vpc takes subnet_ids and security_group_ids")
            for sub in ("subnet_ids", "security_group_ids"):
                items = value.get(sub) or []
                if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                    raise ConfigError(f"{_where(path, value, sub)}: {sub} must be a list of ids")
                values[sub] = tuple(items)
            if bool(values["subnet_ids"]) != bool(values["security_group_ids"]):
                raise ConfigError(f"{at}: a VPC needs both subnet_ids and security_group_ids")
    return dataclasses.replace(base, **values)


def _layers(at: str, items: list[Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``layers:`` items: a layer version ARN, or ``{arn: …, provides: [php, …]}`` saying
    which programs the layer puts on the function's PATH (/opt/bin)."""
    arns: list[str] = []
    provides: set[str] = set()
    for item in items:
        arn: Any = item
        names: Any = []
        if isinstance(item, dict):
            if set(item) - {"arn", "provides"} or "arn" not in item:
                raise ConfigError(f"{at}: a layer is an ARN or {{arn: …, provides: [program, …]}}")
            arn, names = item["arn"], item.get("provides") or []
            if not isinstance(names, list) or not all(
                isinstance(n, str) and re.fullmatch(r"[A-Za-z0-9._+-]+", n) for n in names
            ):
                raise ConfigError(f"{at}: provides: is a list of program names (php, mysqldump)")
        if not isinstance(arn, str) or not arn.startswith("arn:"):
            raise ConfigError(f"{at}: layers must be layer version ARNs (arn:aws:lambda:…)")
        arns.append(arn)
        provides.update(names)
    return tuple(arns), tuple(sorted(provides))


def _plain(value: Any) -> Any:
    """ruamel's commented containers → plain dicts and lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load(path: str | None) -> Settings:
    """Read ``path`` (or ./cronmigrate.yaml when it exists); defaults otherwise."""
    # ruamel.yaml loads in ~40 ms: only when there is a file to read (lint does without it)
    from ruamel.yaml import YAML  # noqa: PLC0415
    from ruamel.yaml.error import YAMLError  # noqa: PLC0415

    if path is None:
        if not Path(DEFAULT_PATH).is_file():
            return Settings()
        path = DEFAULT_PATH
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    try:
        data = YAML(typ="rt").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}: invalid YAML: {problem}") from None
    if data is None:
        return Settings(path=path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1:1: expected a mapping at the top level")
    top = {"name_prefix", "defaults", "jobs", "lint", "notify", "dead_letter", "error_alarms"}
    top |= {"prices", "target_tag_key", "roles"}
    for key in data:
        if key not in top:
            raise ConfigError(
                f"{_where(path, data, key)}: unknown key {key!r} (known: {', '.join(sorted(top))})"
            )
    for key in ("dead_letter", "error_alarms"):
        if key in data and not isinstance(data[key], bool):
            raise ConfigError(f"{_where(path, data, key)}: {key} must be true or false")
    notify = data.get("notify") or []
    if not isinstance(notify, list) or not all(
        isinstance(a, str) and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", a) for a in notify
    ):
        raise ConfigError(f"{_where(path, data, 'notify')}: notify is a list of e-mail addresses")
    lint = data.get("lint") or {}
    if not isinstance(lint, dict):
        raise ConfigError(f"{_where(path, data, 'lint')}: lint must be a mapping")
    for key in lint:
        if key not in _LINT_KEYS:
            raise ConfigError(
                f"{_where(path, lint, key)}: unknown lint setting {key!r} "
                f"(known: {', '.join(sorted(_LINT_KEYS))})"
            )
    prefix = data.get("name_prefix", "cron-")
    if (
        not isinstance(prefix, str)
        or set(prefix) - set(aws.FUNCTION_NAME_CHARS)
        or len(prefix) > 20
    ):
        raise ConfigError(
            f"{_where(path, data, 'name_prefix')}: name_prefix must be up to 20 "
            "letters, digits, '-' or '_'"
        )
    defaults = _job_settings(path, data.get("defaults"), JobSettings(), per_job=False)
    jobs: dict[str, JobSettings] = {}
    job_map = data.get("jobs") or {}
    if not isinstance(job_map, dict):
        raise ConfigError(f"{_where(path, data, 'jobs')}: jobs must be a mapping")
    key_at: dict[str, str] = {}
    for key, node in job_map.items():
        jobs[str(key)] = _job_settings(path, node, defaults, per_job=True)
        key_at[str(key)] = _where(path, job_map, key)
    prices = data.get("prices") or {}
    if not isinstance(prices, dict) or not all(
        k in PRICES and isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
        for k, v in prices.items()
    ):
        raise ConfigError(
            f"{_where(path, data, 'prices')}: prices maps names of cronmigrate's price list "
            f"({', '.join(sorted(PRICES))}) to USD amounts"
        )
    tag_key = data.get("target_tag_key", "cronmigrate:target")
    if (
        not isinstance(tag_key, str)
        or not re.fullmatch(r"[^=\s]{1,128}", tag_key)
        or (tag_key.lower().startswith("aws:"))
    ):
        raise ConfigError(
            f"{_where(path, data, 'target_tag_key')}: target_tag_key is a tag key (up to 128 "
            "characters, no '=' or space, not starting with aws:)"
        )
    roles = data.get("roles", "auto")
    if roles not in ("auto", "per-job", "per-group"):
        raise ConfigError(f"{_where(path, data, 'roles')}: roles is auto, per-job or per-group")
    return Settings(
        prefix,
        defaults,
        jobs,
        path,
        _plain(lint),
        key_at,
        tuple(sorted(set(notify))),
        data.get("dead_letter", True),
        data.get("error_alarms", True),
        {str(k): float(v) for k, v in prices.items()},
        tag_key,
        roles,
    )


def template_text() -> str:
    """The commented cronmigrate.yaml that ``init-config`` writes."""
    return read("cronmigrate.yaml")
