"""The duplicate-delivery guard, for real: SigV4 from bash checked against botocore's signer,
and the conditional write run against moto's standalone DynamoDB server on localhost."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import time
import unittest.mock
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from cronmigrate.local.runtime_api import running_bootstrap, runtime_api, unzip
from tests.helpers import ROOT, generate_into
from tests.helpers.iac import cfn_text

GUARD = ROOT / "cronmigrate/runtime/aws.sh"
CREDS = {
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "AWS_REGION": "us-east-1",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "AWS_SESSION_TOKEN": "session+token/=",
}


def test_signature_matches_botocore() -> None:
    body = json.dumps({"TableName": "t", "Item": {"pk": {"S": "job#2026-11-25T12:00:00Z"}}})
    env = {**os.environ, **CREDS, "AWS_REGION": "eu-west-1"}
    script = f'source {GUARD}; guard_sign "$1" "$2"'  # the region's endpoint
    res = subprocess.run(
        ["bash", "-c", script + '; printf "%s" "$REPLY"', "x", body, "20261125T120000Z"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    ours = dict(line.split(": ", 1) for line in res.stdout.splitlines())
    req = AWSRequest(
        method="POST",
        url="https://dynamodb.eu-west-1.amazonaws.com/",
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "DynamoDB_20120810.PutItem",
        },
    )
    auth = SigV4Auth(
        Credentials(
            CREDS["AWS_ACCESS_KEY_ID"], CREDS["AWS_SECRET_ACCESS_KEY"], CREDS["AWS_SESSION_TOKEN"]
        ),
        "dynamodb",
        "eu-west-1",
    )

    class Frozen(dt.datetime):
        @classmethod
        def utcnow(cls) -> Frozen:
            return cls(2026, 11, 25, 12, 0, 0)

        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Frozen:
            return cls(2026, 11, 25, 12, 0, 0, tzinfo=tz)

    with unittest.mock.patch("botocore.auth.datetime.datetime", Frozen):
        auth.add_auth(req)
    assert ours["Authorization"] == req.headers["Authorization"]
    assert ours["X-Amz-Security-Token"] == CREDS["AWS_SESSION_TOKEN"]


@pytest.fixture
def table(moto: str) -> str:
    name = f"locks-{uuid.uuid4().hex[:8]}"
    ddb = boto3.client(
        "dynamodb",
        endpoint_url=moto,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    return name


def claim(moto: str, table: str, job: str, when: str) -> int:
    env = dict(os.environ, **CREDS, AWS_ENDPOINT_URL_DYNAMODB=moto)
    res = subprocess.run(
        ["bash", "-c", f'source {GUARD}; guard_claim "$@"', "x", table, job, when, "7"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return res.returncode


def test_two_concurrent_deliveries_exactly_one_runs(moto: str, table: str) -> None:
    when = "2026-11-25T03:00:00Z"
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: claim(moto, table, "cron-job", when), range(8)))
    assert sorted(results) == [0] + [1] * 7
    assert claim(moto, table, "cron-job", "2026-11-26T03:00:00Z") == 0  # the next run
    assert claim(moto, table, "cron-other", when) == 0  # another job, same time
    ddb = boto3.client(
        "dynamodb",
        endpoint_url=moto,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    item = ddb.get_item(TableName=table, Key={"pk": {"S": f"cron-job#{when}"}})["Item"]
    assert int(item["expires"]["N"]) > time.time() + 6 * 86400


def test_guard_that_cannot_decide_says_so(table: str) -> None:
    assert claim("http://127.0.0.1:9", table, "cron-job", "2026-11-25T03:00:00Z") == 2


def test_generated_function_runs_once_per_scheduled_time(
    moto: str, table: str, tmp_path: Path
) -> None:
    marker = tmp_path / "runs"
    (tmp_path / "tab").write_text(f"0 3 * * * echo ran >> {marker}\n")
    out = tmp_path / "out"
    generate_into(
        out,
        [str(tmp_path / "tab")],
        cwd=tmp_path,
        root=tmp_path,
        timezone="UTC",
        iac=frozenset({"sam"}),
    )
    _unpack_layer_and_job(out, tmp_path)
    env = {
        **CREDS,
        "AWS_ENDPOINT_URL": moto,  # every service's, as the SDKs read it
        "CRONMIGRATE_LOCK_TABLE": table,
        "CRONMIGRATE_LAYER": str(tmp_path / "opt"),
    }
    event = {"source": "cronmigrate", "scheduled_time": "2026-11-25T03:00:00Z"}
    with (
        runtime_api() as api,
        running_bootstrap(api, tmp_path / "opt/bootstrap", tmp_path / "task", env=env) as proc,
    ):
        for _ in range(3):  # the same scheduled run delivered three times
            api.invoke(event)
            assert api.outcome().kind == "response"
        api.invoke(event | {"scheduled_time": "2026-11-26T03:00:00Z"})
        assert api.outcome().kind == "response"
        proc.terminate()
        logs = proc.stdout.read() if proc.stdout else b""
    assert marker.read_text() == "ran\nran\n"  # once per scheduled time
    assert logs.count(b"was already delivered: skipped") == 2
    # each claimed run's end is on its claim item (cronmigrate status reads it)
    ddb = boto3.client(
        "dynamodb",
        endpoint_url=moto,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    items = ddb.scan(TableName=table)["Items"]
    assert len(items) == 2
    for item in items:
        assert item["outcome"] == {"S": "ok"} and item["exit_status"] == {"N": "0"}
        assert int(item["duration_ms"]["N"]) >= 0 and item["ended"]["S"].endswith("Z")


def _unpack_layer_and_job(out: Path, dest: Path) -> None:
    """The layer under dest/opt and the output's only job under dest/task, as Lambda would."""
    unzip(out / "dist/bash-runtime-layer.zip", dest / "opt")
    (job_zip,) = [p for p in (out / "dist").glob("*.zip") if "runtime" not in p.name]
    unzip(job_zip, dest / "task")


def _ssm(moto: str) -> object:
    return boto3.client(
        "ssm",
        endpoint_url=moto,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


@pytest.mark.parametrize("value", ["s3cr3t", 'quote " back\\slash / tab\t end', "naïve ✓"])
def test_ssm_parameter_reads_a_secure_string(moto: str, value: str) -> None:
    name = f"/cronmigrate/test/{uuid.uuid4().hex[:8]}"
    _ssm(moto).put_parameter(Name=name, Value=value, Type="SecureString")  # type: ignore[attr-defined]
    env = {**os.environ, **CREDS, "AWS_ENDPOINT_URL_SSM": moto, "LC_ALL": "C.UTF-8"}
    res = subprocess.run(
        ["bash", "-c", f'source {GUARD}; ssm_parameter "$1" && printf "%s" "$REPLY"', "x", name],
        env=env,
        capture_output=True,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.decode() == value
    missing = subprocess.run(
        ["bash", "-c", f"source {GUARD}; ssm_parameter /nope"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 1 and "ParameterNotFound" in missing.stderr


def test_secrets_stay_out_of_every_file_and_reach_the_job(
    moto: str, table: str, tmp_path: Path
) -> None:
    (tmp_path / "tab").write_text("API_TOKEN=super-secret-value\n0 3 * * * echo token=$API_TOKEN\n")
    out = tmp_path / "out"
    dep = generate_into(out, [str(tmp_path / "tab")], cwd=tmp_path, root=tmp_path, timezone="UTC")
    for f in out.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            if f.suffix == ".zip":
                with zipfile.ZipFile(f) as zf:
                    data = b"".join(zf.read(n) for n in zf.namelist())
            assert b"super-secret-value" not in data, f
    (job,) = dep.jobs  # type: ignore[attr-defined]
    parameter = f"/cronmigrate/{job.function_name}/API_TOKEN"
    assert parameter in (out / "README.md").read_text()
    cfn = cfn_text(out)
    assert f"parameter{parameter}" in cfn and "ssm:GetParameter" in cfn
    _ssm(moto).put_parameter(Name=parameter, Value="from-ssm", Type="SecureString")  # type: ignore[attr-defined]
    _unpack_layer_and_job(out, tmp_path)
    env = {
        **CREDS,
        "AWS_ENDPOINT_URL_DYNAMODB": moto,
        "AWS_ENDPOINT_URL_SSM": moto,
        "CRONMIGRATE_LOCK_TABLE": table,
        "CRONMIGRATE_LAYER": str(tmp_path / "opt"),
    }
    with (
        runtime_api() as api,
        running_bootstrap(api, tmp_path / "opt/bootstrap", tmp_path / "task", env=env) as proc,
    ):
        api.invoke({"scheduled_time": "2026-11-25T03:00:00Z"})
        assert api.outcome().kind == "response"
        proc.terminate()
        logs = proc.stdout.read() if proc.stdout else b""
    assert b"token=from-ssm" in logs


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "https://sns.eu-west-1.amazonaws.com"),
        ({"AWS_ENDPOINT_URL": "http://localhost:5000/"}, "http://localhost:5000"),
        (
            {"AWS_ENDPOINT_URL": "http://a:1", "AWS_ENDPOINT_URL_SNS": "http://b:2"},
            "http://b:2",
        ),
        ({"AWS_ENDPOINT_URL_DYNAMODB": "http://b:2"}, "https://sns.eu-west-1.amazonaws.com"),
        (
            {"AWS_ENDPOINT_URL": "http://a:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"},
            "https://sns.eu-west-1.amazonaws.com",
        ),
    ],
)
def test_endpoints_follow_the_sdk_variables(env: dict[str, str], expected: str) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    res = subprocess.run(
        ["bash", "-c", f'source {GUARD}; aws_endpoint sns; printf "%s" "$REPLY"'],
        env={**clean, "AWS_REGION": "eu-west-1", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert res.stdout == expected


def test_query_protocol_signature_matches_botocore() -> None:
    """SNS speaks the query protocol: a form body and no X-Amz-Target header."""
    body = "Action=Publish&Version=2010-03-31&Message=%68%69"
    kind = "application/x-www-form-urlencoded; charset=utf-8"
    env = {**os.environ, **CREDS, "AWS_REGION": "eu-west-1"}
    script = (
        f'source {GUARD}; aws_sign sns "" "$3" sns.eu-west-1.amazonaws.com "$1" "$2"; '
        'printf "%s" "$REPLY"'
    )
    res = subprocess.run(
        ["bash", "-c", script, "x", body, "20261125T120000Z", kind],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    ours = dict(line.split(": ", 1) for line in res.stdout.splitlines())
    assert "X-Amz-Target" not in ours
    req = AWSRequest(
        method="POST",
        url="https://sns.eu-west-1.amazonaws.com/",
        data=body,
        headers={"Content-Type": kind},
    )
    auth = SigV4Auth(
        Credentials(
            CREDS["AWS_ACCESS_KEY_ID"], CREDS["AWS_SECRET_ACCESS_KEY"], CREDS["AWS_SESSION_TOKEN"]
        ),
        "sns",
        "eu-west-1",
    )

    class Frozen(dt.datetime):
        @classmethod
        def utcnow(cls) -> Frozen:
            return cls(2026, 11, 25, 12, 0, 0)

        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Frozen:
            return cls(2026, 11, 25, 12, 0, 0, tzinfo=tz)

    with unittest.mock.patch("botocore.auth.datetime.datetime", Frozen):
        auth.add_auth(req)
    assert ours["Authorization"] == req.headers["Authorization"]
