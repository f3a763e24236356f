"""The output directory, checked by the real tools: cfn-lint, aws-sam-translator,
shellcheck, python-hcl2; zips; determinism; names; settings."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import hcl2
import pytest

from cronmigrate import aws_facts
from tests.helpers import ROOT, SAMPLES, generate_into, run_cli
from tests.helpers.iac import (
    cfn_lint_all,
    cfn_resources,
    cfn_text,
    sam_resources,
    terraform_all,
    terraform_resources,
    terraform_roots,
    tool,
    types_of,
    unquote,
)

# ------------------------------------------------------------------ the real tools


def test_cfn_lint_clean(samples_out: Path) -> None:
    res = cfn_lint_all(samples_out)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.strip() == ""


def test_sam_transform_matches_cloudformation(samples_out: Path) -> None:
    sam = sam_resources(samples_out)
    cfn = cfn_resources(samples_out)
    assert types_of(sam) == types_of(cfn)

    def functions(res: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
        return {
            r["Properties"]["FunctionName"]: (
                r["Properties"]["MemorySize"],
                r["Properties"]["Timeout"],
                r["Properties"]["Handler"],
                r["Properties"]["Runtime"],
            )
            for r in res.values()
            if r["Type"] == "AWS::Lambda::Function"
        }

    def schedules(res: dict[str, Any]) -> set[tuple[str, str, str]]:
        return {
            (
                r["Properties"]["Name"],
                r["Properties"]["ScheduleExpression"],
                r["Properties"]["ScheduleExpressionTimezone"],
            )
            for r in res.values()
            if r["Type"] == "AWS::Scheduler::Schedule"
        }

    def role_policies(res: dict[str, Any]) -> list[str]:
        return sorted(
            json.dumps(r["Properties"].get("Policies"), sort_keys=True)
            for r in res.values()
            if r["Type"] == "AWS::IAM::Role"
        )

    assert functions(sam) == functions(cfn)
    assert schedules(sam) == schedules(cfn)
    assert role_policies(sam) == role_policies(cfn)
    assert len(functions(cfn)) == 14


def test_terraform_parses_and_matches_cloudformation(samples_out: Path) -> None:
    tf = terraform_resources(samples_out / "terraform")
    cfn = types_of(cfn_resources(samples_out))
    pairs = {
        "aws_sns_topic": "AWS::SNS::Topic",
        "aws_sns_topic_subscription": "AWS::SNS::Subscription",
        "aws_lambda_function": "AWS::Lambda::Function",
        "aws_lambda_layer_version": "AWS::Lambda::LayerVersion",
        "aws_cloudwatch_log_group": "AWS::Logs::LogGroup",
        "aws_iam_role": "AWS::IAM::Role",
        "aws_scheduler_schedule": "AWS::Scheduler::Schedule",
        "aws_lambda_function_event_invoke_config": "AWS::Lambda::EventInvokeConfig",
        "aws_dynamodb_table": "AWS::DynamoDB::Table",
    }
    for tf_type, cfn_type in pairs.items():
        assert len(tf[tf_type]) == cfn[cfn_type], tf_type
    exprs = sorted(unquote(b["schedule_expression"]) for b in tf["aws_scheduler_schedule"].values())
    cfn_exprs = sorted(
        r["Properties"]["ScheduleExpression"]
        for r in cfn_resources(samples_out).values()
        if r["Type"] == "AWS::Scheduler::Schedule"
    )
    assert exprs == cfn_exprs
    for root in terraform_roots(samples_out / "terraform"):
        with (root / "variables.tf").open() as fh:
            assert "variable" in hcl2.load(fh)
        with (root / "outputs.tf").open() as fh:
            assert "output" in hcl2.load(fh)


def test_shellcheck_clean(samples_out: Path) -> None:
    scripts = [
        samples_out / "layers/bash-runtime/bootstrap",
        samples_out / "layers/bash-runtime/cronmigrate/aws.sh",
        samples_out / "deploy-cloudformation.sh",
        samples_out / "terraform/deploy-terraform.sh",
        *sorted(samples_out.glob("functions/*/function.sh")),
    ]
    res = subprocess.run(
        [tool("shellcheck"), "--severity=style", *map(str, scripts)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stdout
    assert len(scripts) == 18


# ------------------------------------------------------------------ zips and the tree


def test_zips_are_flat_executable_and_stamped(samples_out: Path) -> None:
    with zipfile.ZipFile(samples_out / "dist/bash-runtime-layer.zip") as zf:
        boot, guard, *rest = zf.infolist()
        assert (boot.filename, guard.filename) == ("bootstrap", "cronmigrate/aws.sh")
        python = [z for z in rest if "/python" in z.filename]  # the Python jobs' wrapper
        assert sorted(z.filename for z in python) == [
            "cronmigrate/python-bin/python",
            "cronmigrate/python-bin/python3",
            "cronmigrate/python-runtime",
        ]
        assert all((z.external_attr >> 16) & 0o777 == 0o755 for z in python)
        zones = [z for z in rest if z not in python]
        # the zones of the samples' jobs (CRON_TZ, --timezone) and UTC, from tzdata
        assert [z.filename for z in zones] == [
            "cronmigrate/zoneinfo/Asia/Tokyo",
            "cronmigrate/zoneinfo/Europe/Berlin",
            "cronmigrate/zoneinfo/UTC",
        ]
        assert all(zf.read(z).startswith(b"TZif") for z in zones)
        assert (boot.external_attr >> 16) & 0o777 == 0o755
        assert (guard.external_attr >> 16) & 0o777 == 0o644
        assert boot.date_time == guard.date_time == (1980, 1, 1, 0, 0, 0)
    for z in sorted((samples_out / "dist").glob("*.zip")):
        with zipfile.ZipFile(z) as zf:
            names = zf.namelist()
            assert names == sorted(names)
            assert not any(n.endswith("/") for n in names)  # no directory entries
            if z.name != "bash-runtime-layer.zip":
                assert names[0] == "function.sh", z
                info = zf.getinfo("function.sh")
                assert (info.external_attr >> 16) & 0o777 == 0o755


def test_scripts_are_bundled_at_their_server_path(samples_out: Path) -> None:
    (z,) = list((samples_out / "dist").glob("daily-export-*.zip"))
    with zipfile.ZipFile(z) as zf:
        assert (
            zf.read("root/opt/batch/daily-export.sh")
            == (SAMPLES / "opt/batch/daily-export.sh").read_bytes()
        )
        handler = zf.read("function.sh").decode()
    assert "${LAMBDA_TASK_ROOT}/root/opt/batch/daily-export.sh --bucket" in handler
    assert "export REPORT_BUCKET=example-reports" in handler
    assert "export CRON_TZ=Asia/Tokyo" in handler


def test_generating_twice_is_byte_identical(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    generate_into(a)
    generate_into(b)

    def tree(d: Path) -> dict[str, tuple[bytes, int]]:
        return {
            str(p.relative_to(d)): (p.read_bytes(), p.stat().st_mode & 0o777)
            for p in sorted(d.rglob("*"))
            if p.is_file()
        }

    ta, tb = tree(a), tree(b)
    assert ta == tb
    assert len(ta) > 40


def test_names_are_valid_unique_and_stable(samples_out: Path) -> None:
    cfn = cfn_resources(samples_out)
    names = [
        r["Properties"]["FunctionName"]
        for r in cfn.values()
        if r["Type"] == "AWS::Lambda::Function"
    ]
    assert len(names) == len(set(names))
    for n in names:
        assert len(n) <= aws_facts.FUNCTION_NAME_MAX
        assert set(n) <= set(aws_facts.FUNCTION_NAME_CHARS)
        assert n.startswith("cron-")
    assert any(n.startswith("cron-daily-export-") for n in names)


def test_least_privilege(samples_out: Path) -> None:
    cfn = cfn_resources(samples_out)
    for name, res in cfn.items():
        if res["Type"] != "AWS::IAM::Role":
            continue
        for policy in res["Properties"]["Policies"]:
            for st in policy["PolicyDocument"]["Statement"]:
                actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
                assert all("*" not in a for a in actions), name
                assert st["Resource"] != "*", name
        principal = res["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
        if principal["Service"] in ("scheduler.amazonaws.com", "states.amazonaws.com"):
            cond = res["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]
            assert cond["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}


def test_scheduler_settings(samples_out: Path) -> None:
    cfn = cfn_resources(samples_out)
    schedules = [r["Properties"] for r in cfn.values() if r["Type"] == "AWS::Scheduler::Schedule"]
    for s in schedules:
        assert s["FlexibleTimeWindow"] == {"Mode": "OFF"}
        assert s["Target"]["RetryPolicy"] == {
            "MaximumRetryAttempts": 3,
            "MaximumEventAgeInSeconds": 3600,
        }
        assert json.loads(s["Target"]["Input"])["scheduled_time"] == aws_facts.SCHEDULED_TIME
    zones = {s["ScheduleExpressionTimezone"] for s in schedules}
    # the crontabs' zones, and UTC for the hourly jobs, exact across daylight saving there
    assert zones == {"Europe/Berlin", "Asia/Tokyo", "UTC"}
    hourly = [s for s in schedules if s["ScheduleExpression"].startswith("cron(17 * ")]
    assert hourly and all(s["ScheduleExpressionTimezone"] == "UTC" for s in hourly)
    text = cfn_text(samples_out)
    assert 'Mode: "OFF"' in text  # YAML 1.1 readers would take a bare OFF for false


def test_split_job_gets_two_schedules(samples_out: Path) -> None:
    cfn = cfn_resources(samples_out)
    rotate = sorted(
        r["Properties"]["ScheduleExpression"]
        for r in cfn.values()
        if r["Type"] == "AWS::Scheduler::Schedule"
        and r["Properties"]["Name"].startswith("cron-rotate-")
    )
    assert rotate == ["cron(0 3 1,15 * ? *)", "cron(0 3 ? * SUN *)"]


def test_rules_target(tmp_path: Path) -> None:
    out = tmp_path / "rules"
    generate_into(out, ["etc/crontab"], timezone="UTC", target="rules")
    res = cfn_lint_all(out)
    assert res.returncode == 0, res.stdout
    cfn = cfn_resources(out)
    kinds = types_of(cfn)
    assert kinds["AWS::Events::Rule"] == kinds["AWS::Lambda::Permission"] == 4
    assert "AWS::Scheduler::Schedule" not in kinds
    for r in cfn.values():
        if r["Type"] == "AWS::Lambda::Permission":
            assert r["Properties"]["SourceArn"]["Fn::GetAtt"][1] == "Arn"
            assert r["Properties"]["Principal"] == "events.amazonaws.com"
    sam = types_of(sam_resources(out))
    assert sam["AWS::Events::Rule"] == 4
    assert sam["AWS::Lambda::Permission"] == 4
    tf = terraform_resources(out / "terraform")
    assert len(tf["aws_cloudwatch_event_rule"]) == len(tf["aws_lambda_permission"]) == 4
    # Rules deliver with the settings' retry policy, not EventBridge's 24 h / 185 tries,
    # and a throttled run is dropped after max_event_age_seconds, not Lambda's 6 hours.
    retry = {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600}
    for form in (cfn, sam_resources(out)):
        targets = [t for r in form.values() if r["Type"] == "AWS::Events::Rule"
                   for t in r["Properties"]["Targets"]]  # fmt: skip
        assert [t["RetryPolicy"] for t in targets] == [retry] * 4
        ages = [r["Properties"]["MaximumEventAgeInSeconds"] for r in form.values()
                if r["Type"] == "AWS::Lambda::EventInvokeConfig"]  # fmt: skip
        assert ages and set(ages) == {3600}
    for body in tf["aws_cloudwatch_event_target"].values():
        (policy,) = body["retry_policy"]
        assert (policy["maximum_retry_attempts"], policy["maximum_event_age_in_seconds"]) == (
            3,
            3600,
        )
    assert {
        b["maximum_event_age_in_seconds"]
        for b in tf["aws_lambda_function_event_invoke_config"].values()
    } == {3600}


def test_settings_reach_every_form(tmp_path: Path) -> None:
    cfg = tmp_path / "cronmigrate.yaml"
    cfg.write_text(
        "defaults:\n  memory: 256\n  layers: [arn:aws:lambda:us-east-1:123456789012:layer:php:3]\n"
        "  vpc:\n    subnet_ids: [subnet-0123456789abcdef0]\n"
        "    security_group_ids: [sg-0123456789abcdef0]\n"
        "  iam_statements:\n  - {Effect: Allow, Action: [s3:PutObject], "
        "Resource: 'arn:aws:s3:::example-reports/*'}\n"
        "jobs:\n  etc/cron.d/reports:7:\n    name: daily-export\n    memory: 1024\n"
        "    enabled: false\n"
    )
    out = tmp_path / "out"
    generate_into(out, ["etc/cron.d"], config=str(cfg))
    assert cfn_lint_all(out).returncode == 0
    cfn = cfn_resources(out)
    fn = cfn["DailyExportFunction"]["Properties"]
    assert fn["FunctionName"] == "cron-daily-export"
    assert fn["MemorySize"] == 1024
    assert fn["VpcConfig"]["SubnetIds"] == ["subnet-0123456789abcdef0"]
    assert "arn:aws:lambda:us-east-1:123456789012:layer:php:3" in fn["Layers"]
    assert cfn["DailyExportSchedule"]["Properties"]["State"] == "DISABLED"
    others = [
        r["Properties"]["MemorySize"]
        for k, r in cfn.items()
        if r["Type"] == "AWS::Lambda::Function" and k != "DailyExportFunction"
    ]
    assert others
    assert set(others) == {256}
    tf = terraform_all(out / "terraform")
    assert 'function_name    = "cron-daily-export"' in tf
    assert "memory_size      = 1024" in tf
    assert '"ec2:CreateNetworkInterface"' in tf
    assert "AWSLambdaVPCAccessExecutionRole" not in tf  # it also grants logs:* on "*"
    assert "s3:PutObject" in tf
    role = cfn["DailyExportRole"]["Properties"]
    assert "ManagedPolicyArns" not in role
    statements = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    for st in statements:
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        if any(a.startswith("logs:") for a in actions):
            assert st["Resource"] == {"Fn::GetAtt": ["DailyExportLogGroup", "Arn"]}
    (eni,) = [s for s in statements if "ec2:CreateNetworkInterface" in s["Action"]]
    assert eni["Resource"] == "*" and not any(a.startswith("logs:") for a in eni["Action"])
    readme = (out / "README.md").read_text()
    assert "NAT" in readme and "DynamoDB" in readme and "SSM" in readme


def test_missing_script_is_reported_and_others_generated(tmp_path: Path) -> None:
    tab = tmp_path / "tab"
    tab.write_text("0 1 * * * /opt/batch/notify.sh\n0 2 * * * /opt/batch/absent.sh\n")
    res = run_cli(
        "generate", str(tab), "--user", "--root", str(SAMPLES), "-o", str(tmp_path / "out")
    )
    assert res.returncode == 1
    assert (
        f"{tab}:2: CM301 error: not generated: /opt/batch/absent.sh is not in the server's "
        "copy (--root)" in res.stderr
    )
    assert "Traceback" not in res.stderr
    assert len(list((tmp_path / "out/dist").glob("*.zip"))) == 2  # the layer and one job


def test_output_readme(samples_out: Path) -> None:
    text = (samples_out / "README.md").read_text()
    assert "sam deploy --guided" in text
    assert "./deploy-cloudformation.sh" in text
    assert "terraform/deploy-terraform.sh apply -auto-approve" in text
    assert "`cron-daily-export-" in text
    assert "cron(0 0 * * ? *)" in text


def test_iac_choice(tmp_path: Path) -> None:
    out = tmp_path / "tf"
    generate_into(out, ["etc/crontab"], iac=frozenset({"terraform"}))
    assert (out / "terraform/base/main.tf").is_file()
    assert (out / "terraform/deploy-terraform.sh").stat().st_mode & 0o111
    assert not (out / "template.yaml").exists()
    assert not (out / "cloudformation.yaml").exists()


def test_templates_ship_inside_the_wheel(tmp_path: Path) -> None:
    """templates/ lives at the top of the repository; the wheel must carry it."""
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    (wheel,) = tmp_path.glob("cronmigrate-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for name in (
            "function.sh.j2",
            "terraform/versions.tf.j2",
            "terraform/variables.tf.j2",
            "terraform/deploy-terraform.sh.j2",
            "README.md.j2",
            "cronmigrate.yaml",
            "deploy-cloudformation.sh.j2",
        ):
            assert f"cronmigrate/templates/{name}" in names, name
        for name in ("bootstrap", "aws.sh", "run-parts"):
            assert f"cronmigrate/runtime/{name}" in names, name
        shipped = zf.read("cronmigrate/runtime/bootstrap")
        for module in sorted((ROOT / "cronmigrate").rglob("*.py")):
            assert str(module.relative_to(ROOT)) in names, module
    assert shipped == (ROOT / "cronmigrate/runtime/bootstrap").read_bytes()


@pytest.mark.parametrize("missing", ["cron-", ""])
def test_prefix_setting(tmp_path: Path, missing: str) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"name_prefix: '{missing}'\n")
    out = tmp_path / "o"
    dep = generate_into(out, ["etc/crontab"], config=str(cfg))
    names = [j.function_name for j in dep.jobs]  # type: ignore[attr-defined]
    assert all(n.startswith(missing) for n in names)
    stems = sorted(n.removeprefix(missing).rsplit("-", 1)[0] for n in names)
    assert stems == ["daily", "hourly", "monthly", "weekly"]


def test_server_root_generates_clean_output(tmp_path: Path) -> None:
    out = tmp_path / "server"
    dep = generate_into(
        out, ["etc/cron.d/app"], cwd=SAMPLES / "server-root", root=SAMPLES / "server-root"
    )
    # its cronmigrate.yaml: 8 of the 9 jobs (backupninja is not installed on that server)
    assert len(dep.jobs) == 8  # type: ignore[attr-defined]
    assert cfn_lint_all(out).returncode == 0
    scripts = sorted(out.glob("functions/*/function.sh"))
    res = subprocess.run(
        [tool("shellcheck"), *map(str, scripts)], capture_output=True, text=True, check=False
    )
    assert res.returncode == 0, res.stdout
    (report,) = out.glob("functions/report-*")
    bundled = (report / "root/opt/app/bin/report.sh").read_text()
    assert "source ${LAMBDA_TASK_ROOT}/root/opt/app/lib/common.sh" in bundled
    assert (report / "root/opt/app/lib/common.sh").is_file()
    handler = (report / "function.sh").read_text()
    assert "/var/log/app/report.log" not in handler


def test_mailto_becomes_the_topic_the_runtime_mails(samples_out: Path) -> None:
    cfn = cfn_resources(samples_out)
    subs = {
        r["Properties"]["Endpoint"]: r["Properties"]["TopicArn"]["Ref"]
        for r in cfn.values()
        if r["Type"] == "AWS::SNS::Subscription"
    }
    assert set(subs) == {"ops@example.com", "reports@example.com", "deploy@example.com"}
    fn = next(
        k[: -len("Function")]
        for k, r in cfn.items()
        if r["Type"] == "AWS::Lambda::Function"
        and r["Properties"]["FunctionName"].startswith("cron-daily-export-")
    )
    mailto = subs["reports@example.com"]
    env = cfn[f"{fn}Function"]["Properties"]["Environment"]["Variables"]
    assert env["CRONMIGRATE_MAIL_TOPIC"] == {"Ref": mailto} and env["CRONMIGRATE_MAIL"] == "output"
    invoke = cfn[f"{fn}InvokeConfig"]["Properties"]
    assert invoke["DestinationConfig"]["OnFailure"]["Destination"] == {"Ref": "FailureTopic"}
    policies = {p["PolicyName"]: p for p in cfn[f"{fn}Role"]["Properties"]["Policies"]}
    statement, key = policies["mail-output"]["PolicyDocument"]["Statement"]
    assert statement == {"Effect": "Allow", "Action": "sns:Publish", "Resource": {"Ref": mailto}}
    assert key["Resource"] == {"Fn::GetAtt": ["AlertsKey", "Arn"]}  # the topics' key
    statement, key = policies["notify-on-failure"]["PolicyDocument"]["Statement"]
    assert statement["Resource"] == {"Ref": "FailureTopic"}
    assert key["Action"] == ["kms:GenerateDataKey", "kms:Decrypt"]
    crontab_jobs = [
        k
        for k, r in cfn.items()
        if r["Type"] == "AWS::Lambda::Function"
        and re.fullmatch(
            r"cron-(hourly|daily|weekly|monthly)-[0-9a-f]{6}", r["Properties"]["FunctionName"]
        )
    ]
    assert crontab_jobs  # /etc/crontab has no MAILTO: nothing mailed
    for k in crontab_jobs:
        assert "CRONMIGRATE_MAIL_TOPIC" not in cfn[k]["Properties"]["Environment"]["Variables"]
        invoke = cfn[k.replace("Function", "InvokeConfig")]["Properties"]
        assert invoke["DestinationConfig"]["OnFailure"]["Destination"] == {"Ref": "FailureTopic"}


def test_lock_table_and_least_privilege_claims(samples_out: Path) -> None:
    cfn = cfn_resources(samples_out)
    props = cfn["LockTable"]["Properties"]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}
    assert props["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    for key, res in cfn.items():
        if res["Type"] != "AWS::Lambda::Function":
            continue
        name = res["Properties"]["FunctionName"]
        env = res["Properties"]["Environment"]["Variables"]
        assert env["CRONMIGRATE_LOCK_TABLE"] == {"Ref": "LockTable"}
        assert set(env) - {"CRONMIGRATE_LOCK_TABLE", "CRONMIGRATE_TIMEOUT"} <= {
            "CRONMIGRATE_MAIL",
            "CRONMIGRATE_MAIL_SUBJECT",
            "CRONMIGRATE_MAIL_TOPIC",
            "AWS_LAMBDA_EXEC_WRAPPER",
        }
        role = cfn[key.replace("Function", "Role")]["Properties"]["Policies"]
        (claim,) = [p for p in role if p["PolicyName"] == "claim-own-runs"]
        (st,) = claim["PolicyDocument"]["Statement"]
        assert st["Action"] == "dynamodb:PutItem"
        assert st["Condition"] == {
            "ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{name}#*"]}
        }


def test_lock_none_leaves_the_guard_out(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("defaults:\n  lock: none\n")
    out = tmp_path / "o"
    generate_into(out, ["etc/crontab"], config=str(cfg))
    cfn = cfn_resources(out)
    assert "LockTable" not in cfn
    for f in out.glob("functions/*/function.sh"):
        assert "guard_claim" not in f.read_text()


def _tf_blocks(out: Path, kind: str) -> dict[str, Any]:
    return terraform_resources(out / "terraform").get(kind, {})


def test_delivery_and_secret_settings_reach_every_form(tmp_path: Path) -> None:
    """notify:, kms_key:, dead_letter: and error_alarms: in CloudFormation, SAM (after the
    transform) and Terraform alike."""
    tab = tmp_path / "tab"
    tab.write_text("DB_PASSWORD=hunter2\n0 1 * * * echo backup\n0 2 * * * echo other\n")
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    cfg = tmp_path / "cronmigrate.yaml"
    cfg.write_text(f"notify: [ops@example.com, oncall@example.com]\ndefaults:\n  kms_key: {key}\n")
    out = tmp_path / "on"
    generate_into(out, [str(tab)], config=str(cfg))
    assert cfn_lint_all(out).returncode == 0
    for form in (cfn_resources(out), sam_resources(out)):
        subs = sorted(
            r["Properties"]["Endpoint"]
            for r in form.values()
            if r["Type"] == "AWS::SNS::Subscription"
            and r["Properties"]["TopicArn"] == {"Ref": "FailureTopic"}
        )
        assert subs == ["oncall@example.com", "ops@example.com"]
        alarms = [r["Properties"] for r in form.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
        assert sorted(a["MetricName"] for a in alarms) == [
            "ApproximateNumberOfMessagesVisible",
            "Errors",
            "Errors",
        ]
        assert all(a["AlarmActions"] == [{"Ref": "FailureTopic"}] for a in alarms)
        roles = [r["Properties"] for r in form.values() if r["Type"] == "AWS::IAM::Role"]
        decrypt = [
            s
            for role in roles
            for p in role.get("Policies", [])
            for s in p["PolicyDocument"]["Statement"]
            if s["Action"] == "kms:Decrypt"
        ]
        assert len(decrypt) == 2  # each function, for its own secret
        for s in decrypt:
            assert s["Resource"] == key
            assert s["Condition"] == {
                "StringEquals": {"kms:ViaService": {"Fn::Sub": "ssm.${AWS::Region}.amazonaws.com"}}
            }
        queues = [r for r in form.values() if r["Type"] == "AWS::SQS::Queue"]
        assert len(queues) == 1
    tf = terraform_all(out / "terraform")
    # a dead-letter queue for each schedule: the two jobs', and 02:00's catch-up run on the
    # last Sunday of March (Europe/Berlin skips that hour)
    # kms:Decrypt alone: a secret's key, through SSM (the topics' key comes with GenerateDataKey)
    assert len(re.findall(r'Action\s*=\s*"kms:Decrypt"', tf)) == 2
    assert tf.count("dead_letter_config") == 3
    assert len(_tf_blocks(out, "aws_cloudwatch_metric_alarm")) == 3
    assert sorted(
        json.loads(b["endpoint"]) for b in _tf_blocks(out, "aws_sns_topic_subscription").values()
    ) == ["oncall@example.com", "ops@example.com"]

    cfg.write_text("dead_letter: false\nerror_alarms: false\n")
    out = tmp_path / "off"
    generate_into(out, [str(tab)], config=str(cfg))
    cfn = cfn_resources(out)
    assert not [
        r for r in cfn.values() if r["Type"] in ("AWS::SQS::Queue", "AWS::CloudWatch::Alarm")
    ]
    assert "FailureTopic" in cfn  # the failure path itself is never off
    tf = terraform_all(out / "terraform")
    assert "aws_sqs_queue" not in tf and "aws_cloudwatch_metric_alarm" not in tf
    assert not re.findall(r'Action\s*=\s*"kms:Decrypt"', tf)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("notify: ops\n", "notify is a list of e-mail addresses"),
        ("dead_letter: maybe\n", "dead_letter must be true or false"),
        ("defaults:\n  kms_key: alias/mine\n", "kms_key must be a KMS key ARN"),
    ],
)
def test_bad_delivery_settings_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "cronmigrate.yaml"
    cfg.write_text(text)
    tab = tmp_path / "tab"
    tab.write_text("0 1 * * * echo hi\n")
    res = run_cli("generate", str(tab), "--user", "-c", str(cfg), "-o", str(tmp_path / "out"))
    assert res.returncode == 2
    assert f"{cfg}:" in res.stderr and message in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "out").exists()
