"""The builder (deploy/stack.py, deploy/iam.py): from a plan to the neutral model, in process.
What each resource may do is decided here, once, for every output form."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from cronmigrate import settings as config
from cronmigrate.deploy import iam, jobs, stack
from cronmigrate.deploy.infra import (
    ACCOUNT_ID,
    Alarm,
    Arn,
    Function,
    Permission,
    Queue,
    Ref,
    Role,
    Schedule,
    Stack,
    Statement,
    Subscription,
    Table,
    Topic,
    Value,
)
from cronmigrate.errors import CronmigrateError
from cronmigrate.plan.build import PlanOptions, build_plan
from cronmigrate.schedule.model import Trigger
from cronmigrate.settings import JobSettings, Settings
from tests.helpers import ROOT, generated_into


def _deployment(
    tmp_path: Path, text: str, settings: Settings | None = None, **kw: object
) -> jobs.Deployment:
    tab = tmp_path / "crontab"
    tab.write_text(text)
    s = settings or Settings()
    options = PlanOptions(root=tmp_path, settings=s, analyse=False, **kw)  # type: ignore[arg-type]
    return jobs.build(build_plan([str(tab)], options), s)


def _built(deployment: jobs.Deployment) -> Stack:
    zips = {"dist/bash-runtime-layer.zip": "0" * 64}
    zips |= {f"dist/{j.key}.zip": "1" * 64 for j in deployment.jobs}
    return stack.build(deployment, zips)


def test_trust_policies_name_their_service_and_the_account() -> None:
    (lam,) = iam.trust("lambda.amazonaws.com")
    assert lam == Statement(("sts:AssumeRole",), (), None, principal="lambda.amazonaws.com")
    (sch,) = iam.trust("scheduler.amazonaws.com", source_account=True)
    assert sch.condition == {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}


def test_each_function_may_write_its_own_logs_and_claim_its_own_runs(tmp_path: Path) -> None:
    built = _built(_deployment(tmp_path, "0 3 * * * echo a\n5 3 * * * echo b\n"))
    functions = [r for r in built.all_resources() if isinstance(r, Function)]
    assert len(functions) == 2
    for fn in functions:
        role = built.by_id()[fn.role.id]
        assert isinstance(role, Role)
        assert role.trust == iam.trust("lambda.amazonaws.com")
        policies = {p.name: p.statements for p in role.policies}
        (logs,) = policies["write-own-logs"]
        assert logs.resources == (Ref(fn.log_group.id, "log_streams"),)
        (claim,) = policies["claim-own-runs"]
        assert claim.condition == {
            "ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{fn.name}#*"]}
        }
        assert fn.environment[0] == ("CRONMIGRATE_TIMEOUT", "900")


def test_the_scheduler_role_invokes_exactly_its_groups_functions(tmp_path: Path) -> None:
    built = _built(_deployment(tmp_path, "0 3 * * * echo a\n"))
    (group,) = built.groups
    roles = [r for r in group.resources if isinstance(r, Role) and r.id.endswith("SchedulerRole")]
    (role,) = roles
    assert role.trust == iam.trust("scheduler.amazonaws.com", source_account=True)
    actions = {a: s.resources for s in role.policies[0].statements for a in s.actions}
    fn = next(r for r in group.resources if isinstance(r, Function))
    assert actions["lambda:InvokeFunction"] == (Ref(fn.id),)
    assert actions["sqs:SendMessage"] == (Ref(stack.DLQ_ID),)
    (schedule,) = [r for r in group.resources if isinstance(r, Schedule)]
    assert (schedule.expression, schedule.timezone) == ("cron(0 3 * * ? *)", "UTC")
    assert schedule.flexible_window == "OFF" and schedule.role == Ref(role.id)


def test_base_resources_and_their_settings(tmp_path: Path) -> None:
    built = _built(_deployment(tmp_path, "0 3 * * * echo a\n"))
    kinds = {type(r) for r in built.resources}
    assert {Table, Topic, Queue, Alarm} <= kinds
    table = next(r for r in built.resources if isinstance(r, Table))
    assert table.billing_mode == "PAY_PER_REQUEST"
    queue = next(r for r in built.resources if isinstance(r, Queue))
    assert queue.managed_sse and queue.retention_seconds == 1_209_600


def test_settings_shape_the_model(tmp_path: Path) -> None:
    s = Settings(
        defaults=JobSettings(lock="none", memory=512),
        dead_letter=False,
        error_alarms=False,
    )
    built = _built(_deployment(tmp_path, "0 3 * * * echo a\n", s))
    assert not any(isinstance(r, Table | Queue | Alarm) for r in built.all_resources())
    fn = next(r for r in built.all_resources() if isinstance(r, Function))
    assert fn.memory == 512 and not any(k == "CRONMIGRATE_LOCK_TABLE" for k, _ in fn.environment)


def test_rules_get_one_permission_per_rule(tmp_path: Path) -> None:
    built = _built(_deployment(tmp_path, "0 3 1 * 1 echo a\n", trigger=Trigger.RULES))
    perms = [r for r in built.all_resources() if isinstance(r, Permission)]
    assert len(perms) == 2  # day-of-month OR day-of-week: two rules
    assert len({p.statement_id for p in perms}) == 2


def test_secrets_are_read_from_their_own_parameters(tmp_path: Path) -> None:
    s = Settings(defaults=JobSettings(kms_key="arn:aws:kms:us-east-1:123456789012:key/k"))
    built = _built(_deployment(tmp_path, "API_TOKEN=abc\n0 3 * * * echo a\n", s))
    role = next(r for r in built.all_resources() if isinstance(r, Role) and r.id.endswith("Role")
                and r.trust == iam.trust("lambda.amazonaws.com"))  # fmt: skip
    read = {p.name: p.statements for p in role.policies}["read-own-secrets"]
    assert read[0].actions == ("ssm:GetParameter",)
    (arn,) = read[0].resources
    assert isinstance(arn, Arn) and arn.template.endswith("/API_TOKEN")
    assert read[1].condition == {
        "StringEquals": {"kms:ViaService": Arn("ssm.{region}.amazonaws.com")}
    }


def test_instances_statement_by_tag_or_by_id() -> None:
    def job(instances: tuple[str, ...]) -> object:
        class J:
            settings = JobSettings(instances=instances)

        return J()

    tag = iam.instances_statement(job(("tag:Name=web-1",)))  # type: ignore[arg-type]
    assert tag.condition == {"StringEquals": {"ssm:resourceTag/Name": "web-1"}}
    ids = iam.instances_statement(job(("i-0123456789abcdef0",)))  # type: ignore[arg-type]
    assert ids.condition is None
    assert ids.resources == (
        Arn("arn:{partition}:ec2:{region}:{account}:instance/i-0123456789abcdef0"),
    )


def test_a_name_used_twice_is_an_error(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        f"jobs:\n  {tmp_path.name}/crontab:1:\n    name: same\n"
        f"  {tmp_path.name}/crontab:2:\n    name: same\n".replace(f"{tmp_path.name}/", "")
    )
    tab = tmp_path / "crontab"
    tab.write_text("0 3 * * * echo a\n0 4 * * * echo b\n")
    s = config.load(str(cfg))
    with pytest.raises(CronmigrateError, match="already used by the job at"):
        build_plan([str(tab)], PlanOptions(root=tmp_path, settings=s, analyse=False))


def _function(built: Stack, line: int) -> tuple[Function, Role]:
    for fn in (r for r in built.all_resources() if isinstance(r, Function)):
        if fn.source.endswith(f":{line}"):
            role = next(
                r for r in built.all_resources() if isinstance(r, Role) and Ref(r.id) == fn.role
            )
            return fn, role
    raise AssertionError(line)


def _publishes(role: Role) -> set[Value]:
    return {
        res
        for p in role.policies
        for st in p.statements
        if "sns:Publish" in st.actions
        for res in st.resources
    }


MAILED = (  # a system crontab: with a user field
    "MAILTO=a@example.com, b@example.com\n0 3 * * * root echo one\n"
    'MAILTO=""\n5 3 * * * root echo two\n'
)


def test_mailto_gets_a_topic_the_runtime_publishes_to(tmp_path: Path) -> None:
    built = _built(_deployment(tmp_path, MAILED))
    one, one_role = _function(built, 2)
    env = dict(one.environment)
    topic = env["CRONMIGRATE_MAIL_TOPIC"]
    assert isinstance(topic, Ref) and topic.id.startswith("Alerts")
    assert env["CRONMIGRATE_MAIL"] == "output"
    subject = env["CRONMIGRATE_MAIL_SUBJECT"]
    assert isinstance(subject, str) and subject.startswith("Cron <root@")
    assert subject.endswith("> echo one")
    # its role may publish to that topic and to the failure topic (the on-failure
    # destination publishes with the function's role), nothing else
    assert _publishes(one_role) == {topic, Ref(jobs.FAILURE_TOPIC)}
    assert one.on_failure == Ref(jobs.FAILURE_TOPIC)
    # the topic's subscribers are MAILTO's addresses; notify: addresses are the failure
    # topic's (no address hears of one run twice)
    subs = {(r.topic, r.endpoint) for r in built.all_resources() if isinstance(r, Subscription)}
    assert subs == {(topic, "a@example.com"), (topic, "b@example.com")}
    # MAILTO= (empty): nothing mailed, no topic, no permission
    two, two_role = _function(built, 4)
    assert not any(k.startswith("CRONMIGRATE_MAIL") for k, _ in two.environment)
    assert _publishes(two_role) == {Ref(jobs.FAILURE_TOPIC)}


@pytest.mark.parametrize(("mail", "topic"), [("failures", True), ("none", False)])
def test_the_mail_setting(tmp_path: Path, mail: str, topic: bool) -> None:
    s = Settings(defaults=JobSettings(mail=mail), notify=("ops@example.com",))
    built = _built(_deployment(tmp_path, MAILED, s))
    one, _ = _function(built, 2)
    env = dict(one.environment)
    assert ("CRONMIGRATE_MAIL_TOPIC" in env) is topic
    if topic:
        assert env["CRONMIGRATE_MAIL"] == mail
    topics = {r.id for r in built.all_resources() if isinstance(r, Topic)}
    assert any(t.startswith("Alerts") for t in topics) is topic
    assert jobs.FAILURE_TOPIC in topics
    subs = {(r.topic, r.endpoint) for r in built.all_resources() if isinstance(r, Subscription)}
    assert (Ref(jobs.FAILURE_TOPIC), "ops@example.com") in subs


def test_mail_subject_is_sns_safe(tmp_path: Path) -> None:
    long = "x" * 300
    built = _built(_deployment(tmp_path, f"MAILTO=a@example.com\n0 3 * * * root echo é{long}\n"))
    (fn,) = [r for r in built.all_resources() if isinstance(r, Function)]
    subject = dict(fn.environment)["CRONMIGRATE_MAIL_SUBJECT"]
    assert isinstance(subject, str)
    assert len(subject + " (failed)") <= 100 and subject.isascii() and subject.endswith("...")


def test_mail_setting_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "cronmigrate.yaml"
    path.write_text("defaults:\n  mail: always\n")
    with pytest.raises(config.ConfigError, match=r"cronmigrate.yaml:2:3: mail must be output"):
        config.load(str(path))


def refs(values: tuple[Value, ...]) -> set[str]:
    """The ids of the resources a statement names (all of them references here)."""
    out = {v.id for v in values if isinstance(v, Ref)}
    assert len(out) == len(values)
    return out


def test_per_group_roles_keep_each_stack_to_its_own_resources() -> None:
    """roles: per-group: one execution role per nested stack, used by exactly its functions,
    whose statements name exactly that stack's log groups, guard keys and topics."""
    with tempfile.TemporaryDirectory() as tmp:
        gen = generated_into(Path(tmp) / "out", config=str(ROOT / "tests/data/per-group.yaml"))
    st = gen.stack
    assert st.roles == "per-group" and "roles: per-group" in st.roles_reason
    for group in st.groups:
        fns = [r for r in group.resources if isinstance(r, Function)]
        roles = [r for r in group.resources if isinstance(r, Role)]
        roles = [r for r in roles if r.id.endswith("FunctionRole")]
        if not fns:
            continue
        (role,) = roles
        assert {f.role.id for f in fns} == {role.id}
        by_name = {p.name: p.statements for p in role.policies}
        (logs,) = by_name["write-own-logs"]
        assert refs(logs.resources) == {f.log_group.id for f in fns}
        (claim,) = by_name["claim-own-runs"]
        condition: Any = claim.condition
        keys = condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
        assert sorted(keys) == sorted(f"{f.name}#*" for f in fns)
        publish = by_name["notify-on-failure"][0]
        assert refs(publish.resources) == {f.on_failure.id for f in fns if f.on_failure}
    per_job = [r for r in st.all_resources() if isinstance(r, Role) and r.id.endswith("Role")
               and not r.id.endswith(("FunctionRole", "SchedulerRole"))]  # fmt: skip
    assert per_job == []
