"""What a security team's scanner asks of the output, in CloudFormation, SAM (through the real
transform) and Terraform alike: topics under a customer managed key whose policy lets the
account and CloudWatch's alarms use it; the Run Command state machine logging to its own log
group without execution data; its role trusted for this account and that machine only; the
Terraform artifact bucket versioned and kept by destroy; tag targets reported. Then checkov
itself over the samples' output with the shipped .checkov.yaml: no failure, and every skip in
it is one checkov would otherwise report."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from samtranslator.yaml_helper import yaml_parse

from tests.helpers import OUTPUT_CASES, ROOT, generated_into, run_cli
from tests.helpers.iac import (
    cfn_resources,
    sam_resources,
    terraform_all,
    terraform_resources,
    unquote,
)


@pytest.fixture(scope="module")
def rc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Run Command sample (Lambda and Run Command jobs side by side)."""
    out = tmp_path_factory.mktemp("rc") / "out"
    generated_into(out, **OUTPUT_CASES["server-root-runcommand"])
    return out


def _of(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: r for k, r in resources.items() if r["Type"] == kind}


def _statements(doc: Any) -> list[dict[str, Any]]:
    doc = json.loads(doc) if isinstance(doc, str) else doc
    return list(doc["Statement"])


@pytest.mark.parametrize("form", ["cloudformation", "sam"])
def test_topics_key_and_its_policy_in_cloudformation_and_sam(rc: Path, form: str) -> None:
    res = cfn_resources(rc) if form == "cloudformation" else sam_resources(rc)
    (key_id, key), *others = _of(res, "AWS::KMS::Key").items()
    assert others == [] and key["Properties"]["EnableKeyRotation"] is True
    topics = _of(res, "AWS::SNS::Topic")
    assert len(topics) >= 3  # FailureTopic and the Run Command job's two
    for t in topics.values():
        assert t["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    by_sid = {s["Sid"]: s for s in _statements(key["Properties"]["KeyPolicy"])}
    admin, alarms = by_sid["AccountAdministersTheKey"], by_sid["CloudWatchAlarmsPublish"]
    assert admin["Principal"] == {
        "AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
    }
    assert alarms["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert set(alarms["Action"]) == {"kms:GenerateDataKey*", "kms:Decrypt"}
    assert alarms["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    # every role that publishes to a topic may use the key, through SNS only
    for rid, role in _of(res, "AWS::IAM::Role").items():
        statements = [s for p in role["Properties"].get("Policies", [])
                      for s in _statements(p["PolicyDocument"])]  # fmt: skip
        if any(s["Action"] == "sns:Publish" for s in statements):
            kms = [s for s in statements if "kms:GenerateDataKey" in s["Action"]]
            assert kms, rid
            assert kms[0]["Resource"] == {"Fn::GetAtt": [key_id, "Arn"]}
            assert "kms:ViaService" in kms[0]["Condition"]["StringEquals"]


@pytest.mark.parametrize("form", ["cloudformation", "sam"])
def test_state_machine_logs_and_its_trust_in_cloudformation_and_sam(rc: Path, form: str) -> None:
    res = cfn_resources(rc) if form == "cloudformation" else sam_resources(rc)
    ((_, machine),) = _of(res, "AWS::StepFunctions::StateMachine").items()
    props = machine["Properties"]
    logging = props["LoggingConfiguration"]
    assert logging["Level"] == "ERROR" and logging["IncludeExecutionData"] is False
    (dest,) = logging["Destinations"]
    group_id = dest["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    group = res[group_id]["Properties"]
    assert group["LogGroupName"].startswith("/aws/vendedlogs/states/")
    role_id = props["RoleArn"]["Fn::GetAtt"][0]
    role = res[role_id]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "states.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    arn = trust["Condition"]["ArnLike"]["aws:SourceArn"]["Fn::Sub"]
    name = props.get("StateMachineName") or props.get("Name")
    assert arn.endswith(f":stateMachine:{name}")
    listed = [s["Action"] for p in role["Policies"] for s in _statements(p["PolicyDocument"])]
    actions = {a for x in listed for a in ([x] if isinstance(x, str) else x)}
    assert {"logs:CreateLogDelivery", "logs:PutResourcePolicy"} <= actions
    if form == "cloudformation":  # the one reasoned skip, where checkov reads it
        skips = machine["Metadata"]["checkov"]["skip"]
        assert [s["id"] for s in skips] == ["CKV_AWS_285"] and skips[0]["comment"]


def test_the_same_in_terraform(rc: Path) -> None:
    tf = terraform_resources(rc / "terraform")
    (key,) = tf["aws_kms_key"].values()
    assert key["enable_key_rotation"] is True
    policy = key["policy"]
    assert "cloudwatch.amazonaws.com" in policy and ":root" in policy
    assert "kms:GenerateDataKey*" in policy and "aws:SourceAccount" in policy
    for topic in tf["aws_sns_topic"].values():
        assert topic["kms_master_key_id"] == "${aws_kms_key.alerts.arn}"
    ((_, machine),) = tf["aws_sfn_state_machine"].items()
    (logging,) = machine["logging_configuration"]
    logging = {k: unquote(v) for k, v in logging.items()}
    assert logging["level"] == "ERROR" and logging["include_execution_data"] is False
    assert logging["log_destination"].endswith(':*"') or logging["log_destination"].endswith(":*")
    group_label = logging["log_destination"].split(".")[1]
    group = tf["aws_cloudwatch_log_group"][group_label]
    assert unquote(group["name"]).startswith("/aws/vendedlogs/states/")
    role_label = machine["role_arn"].split(".")[1]
    trust = tf["aws_iam_role"][role_label]["assume_role_policy"]
    assert "aws:SourceAccount" in trust and "aws:SourceArn" in trust
    assert f":stateMachine:{unquote(machine['name'])}" in trust
    text = terraform_all(rc / "terraform")
    assert "checkov:skip=CKV_AWS_285:" in text
    # the artifact bucket: versioned, replaced zips expire, destroy keeps a non-empty bucket
    (bucket,) = tf["aws_s3_bucket"].values()
    assert "force_destroy" not in bucket
    (versioning,) = tf["aws_s3_bucket_versioning"].values()
    assert [unquote(v["status"]) for v in versioning["versioning_configuration"]] == ["Enabled"]
    (lifecycle,) = tf["aws_s3_bucket_lifecycle_configuration"].values()
    (rule,) = lifecycle["rule"]
    assert rule["noncurrent_version_expiration"][0]["noncurrent_days"] > 0


def test_a_tag_target_other_than_the_reserved_key_is_reported(tmp_path: Path) -> None:
    tab = tmp_path / "app"
    tab.write_text("0 2 * * * root echo dump\n")
    for instances, reported in (
        ('["tag:Name=db-1"]', True),
        ('["tag:cronmigrate:target=db-1"]', False),
        ('["i-0123456789abcdef0"]', False),
    ):
        cfg = tmp_path / "c.yaml"
        cfg.write_text(f"jobs:\n  /app:1:\n    target: runcommand\n    instances: {instances}\n")
        res = run_cli("plan", "--system", str(tab), "--root", str(tmp_path), "-c", str(cfg),
                      "--format", "json")  # fmt: skip
        doc = json.loads(res.stdout)
        (job,) = doc["jobs"]
        assert job["target"] == "runcommand"
        codes = [f["code"] for f in job["reasons"]]
        assert ("CM605" in codes) is reported, (instances, codes)
    cfg.write_text(
        "target_tag_key: ops:cron-host\njobs:\n  /app:1:\n    target: runcommand\n"
        '    instances: ["tag:ops:cron-host=db-1"]\n'
    )
    res = run_cli("plan", "--system", str(tab), "--root", str(tmp_path), "-c", str(cfg),
                  "--format", "json")  # fmt: skip
    assert "CM605" not in res.stdout and '"target": "runcommand"' in res.stdout


# ---------------------------------------------------------------------------- checkov


CHECKOV_ENV = ROOT / ".ci/checkov"
CHECKOV_PINS = ROOT / ".ci/checkov.txt"


@pytest.fixture(scope="session")
def checkov() -> str:
    """checkov from $CRONMIGRATE_CHECKOV, else from its own virtualenv in .ci/checkov, made
    from .ci/checkov.txt on first use (as pre-commit makes its hooks' environments): its
    pinned dependencies conflict with the test tools', so it cannot share their venv."""
    given = os.environ.get("CRONMIGRATE_CHECKOV")
    if given:
        return given
    exe, done = CHECKOV_ENV / "bin/checkov", CHECKOV_ENV / ".complete"
    if not done.exists():  # none yet, or an install that was cut short
        shutil.rmtree(CHECKOV_ENV, ignore_errors=True)
        made = subprocess.run(
            ["bash", "-c", f'python3 -m venv "{CHECKOV_ENV}" && "{CHECKOV_ENV}/bin/pip" install '
             f'--quiet -r "{CHECKOV_PINS}" && touch "{done}"'],
            capture_output=True, text=True, check=False, timeout=900,
        )  # fmt: skip
        if made.returncode != 0:
            pytest.skip(f"checkov could not be installed: {made.stderr.strip()[-300:]}")
    return str(exe)


def _failed(exe: str, out: Path) -> set[str]:
    res = subprocess.run(
        [exe, "-d", ".", "--quiet", "--compact", "--skip-download", "-o", "json"],
        capture_output=True, text=True, cwd=out, check=False, timeout=600,
    )  # fmt: skip
    assert res.returncode in (0, 1), res.stderr[-2000:]
    reports = json.loads(res.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    assert {r["check_type"] for r in reports} >= {"cloudformation", "terraform"}
    return {c["check_id"] for r in reports for c in r["results"]["failed_checks"]}


def _skipped(out: Path) -> set[str]:
    doc = yaml_parse((out / ".checkov.yaml").read_text())
    return set(doc["skip-check"])


@pytest.mark.parametrize("case", ["samples-scheduler", "server-root-runcommand"])
def test_checkov_passes_with_the_shipped_skips_and_each_skip_is_needed(
    tmp_path: Path, case: str, checkov: str
) -> None:
    out = tmp_path / "out"
    generated_into(out, **OUTPUT_CASES[case])
    assert _failed(checkov, out) == set()  # .checkov.yaml in the directory: read by checkov
    bare = tmp_path / "bare"  # the same output without the skips (checkov reads ./.checkov.yaml)
    shutil.copytree(out, bare, ignore=shutil.ignore_patterns(".checkov.yaml"))
    without = _failed(checkov, bare)
    assert without == _skipped(out)  # nothing else fails; no skip is stale
