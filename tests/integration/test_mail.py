"""What cron mailed still arrives: the generated zips run by the real bootstrap against moto's
SNS, a topic per MAILTO with an SQS queue subscribed to read what was published."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest

from cronmigrate import jobindex
from cronmigrate.local.runtime_api import running_bootstrap, runtime_api, unzip
from tests.helpers import generated_into

CREDS = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_REGION": "us-east-1"}


def _client(service: str, moto: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=moto,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


class Mailbox:
    """An SNS topic (the job's MAILTO topic) with a queue subscribed to it."""

    def __init__(self, moto: str) -> None:
        sns, self.sqs = _client("sns", moto), _client("sqs", moto)
        self.topic = sns.create_topic(Name=f"mail-{uuid.uuid4().hex[:8]}")["TopicArn"]
        self.queue = self.sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:8]}")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.queue, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        sns.subscribe(TopicArn=self.topic, Protocol="sqs", Endpoint=arn)
        self.table = f"locks-{uuid.uuid4().hex[:8]}"  # the duplicate guard's, as deployed
        _client("dynamodb", moto).create_table(
            TableName=self.table,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )

    def messages(self) -> list[dict[str, Any]]:
        """Every message published so far (SNS's envelope: Subject, Message)."""
        out: list[dict[str, Any]] = []
        while True:
            got = self.sqs.receive_message(
                QueueUrl=self.queue, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not got:
                return out
            for m in got:
                out.append(json.loads(m["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=m["ReceiptHandle"])


@pytest.fixture
def mailbox(moto: str) -> Mailbox:
    return Mailbox(moto)


CRONTAB = """\
MAILTO=team@example.com
0 1 * * * echo "report: 3 rows"
0 2 * * * true
0 3 * * * echo "disk full" >&2; exit 3
0 4 * * * seq 1 60000
0 5 * * * false
"""


def _generated(tmp_path: Path, crontab: str, config: str = "") -> tuple[Path, list[Any]]:
    (tmp_path / "tab").write_text(crontab)
    cfg = None
    if config:
        (tmp_path / "cronmigrate.yaml").write_text(config)
        cfg = str(tmp_path / "cronmigrate.yaml")
    out = tmp_path / "out"
    generated_into(
        out,
        [str(tmp_path / "tab")],
        cwd=tmp_path,
        root=tmp_path,
        timezone="UTC",
        config=cfg,
        iac=frozenset({"sam"}),
    )
    return out, jobindex.jobs(jobindex.read(out))


def _run(out: Path, job: dict[str, Any], moto: str, box: Mailbox, tmp: Path) -> str:
    """One scheduled run of ``job`` from its real zips, as Lambda would; its outcome kind."""
    base = tmp / job["function"]
    unzip(out / job["layer_zip"], base / "opt")
    unzip(out / job["zip"], base / "task")
    env = {k: v for k, v in job["environment"].items() if v is not None}
    if "CRONMIGRATE_MAIL_TOPIC" in job["environment"]:
        env["CRONMIGRATE_MAIL_TOPIC"] = box.topic  # the deployment's Refs, as run --aws fills
    env["CRONMIGRATE_LOCK_TABLE"] = box.table
    env |= {**CREDS, "AWS_ENDPOINT_URL": moto, "CRONMIGRATE_LAYER": str(base / "opt")}
    log = tmp / f"{job['function']}.log"  # CloudWatch's part: a file, read by no one in time
    with (
        log.open("wb") as sink,
        runtime_api() as api,
        running_bootstrap(api, base / "opt/bootstrap", base / "task", env=env, stdout=sink),
    ):
        api.invoke({"source": "cronmigrate", "scheduled_time": "2026-11-25T03:00:00Z"})
        outcome = api.outcome()
    print(log.read_text(errors="replace")[-2000:])  # shown when a test fails
    return outcome.kind


def _by_command(jobs: list[Any]) -> dict[str, dict[str, Any]]:
    return {j["source"].split(":")[-1]: j for j in jobs}


def test_cron_mail_from_the_real_zips(moto: str, mailbox: Mailbox, tmp_path: Path) -> None:
    out, jobs = _generated(tmp_path, CRONTAB)
    line = _by_command(jobs)
    assert all(j["environment"]["CRONMIGRATE_MAIL"] == "output" for j in jobs)
    assert all(j["environment"]["CRONMIGRATE_MAIL_TOPIC"] is None for j in jobs)  # a Ref

    # a run that writes output: one message, cron's subject, the output as the body
    assert _run(out, line["2"], moto, mailbox, tmp_path) == "response"
    (msg,) = mailbox.messages()
    assert msg["Subject"].startswith("Cron <root@") and msg["Subject"].endswith(
        '> echo "report: 3 rows"'
    )
    assert msg["Message"] == "report: 3 rows"

    # no output: nothing, as cron
    assert _run(out, line["3"], moto, mailbox, tmp_path) == "response"
    assert mailbox.messages() == []

    # a failed run with output: that one message, marked failed (stderr is mailed too)
    assert _run(out, line["4"], moto, mailbox, tmp_path) == "error"
    (msg,) = mailbox.messages()
    assert msg["Subject"].endswith(" (failed)") and len(msg["Subject"]) <= 100
    assert msg["Message"] == "disk full"
    claims = _client("dynamodb", moto).scan(TableName=mailbox.table)["Items"]
    (failed,) = [c for c in claims if c["pk"]["S"].startswith(line["4"]["function"] + "#")]
    assert failed["outcome"] == {"S": "failed"} and failed["exit_status"] == {"N": "3"}

    # a failed run without output: cron mailed nothing; the runtime tells MAILTO it failed
    assert _run(out, line["6"], moto, mailbox, tmp_path) == "error"
    (msg,) = mailbox.messages()
    assert msg["Subject"].endswith(" (failed)") and "status 1" in msg["Message"]


def test_long_output_is_mailed_head_and_tail(moto: str, mailbox: Mailbox, tmp_path: Path) -> None:
    out, jobs = _generated(tmp_path, CRONTAB)
    assert _run(out, _by_command(jobs)["5"], moto, mailbox, tmp_path) == "response"
    (msg,) = mailbox.messages()
    body = msg["Message"]
    total = len("".join(f"{i}\n" for i in range(1, 60001)))
    assert len(body.encode()) <= 256 * 1024 < total  # SNS's limit, and the output was longer
    assert body.startswith("1\n2\n3\n") and body.endswith("59999\n60000")
    assert f"{total - 240000} bytes of output not mailed" in body
    assert "CloudWatch Logs" in body


def test_empty_mailto_sends_nothing(moto: str, mailbox: Mailbox, tmp_path: Path) -> None:
    out, jobs = _generated(tmp_path, 'MAILTO=""\n0 1 * * * echo hello\n0 2 * * * false\n')
    assert all("CRONMIGRATE_MAIL_TOPIC" not in j["environment"] for j in jobs)
    for job in jobs:
        _run(out, job, moto, mailbox, tmp_path)
    assert mailbox.messages() == []


def test_mail_failures_only(moto: str, mailbox: Mailbox, tmp_path: Path) -> None:
    out, jobs = _generated(tmp_path, CRONTAB, "defaults:\n  mail: failures\n")
    line = _by_command(jobs)
    assert _run(out, line["2"], moto, mailbox, tmp_path) == "response"
    assert mailbox.messages() == []  # a successful run's output is not mailed
    assert _run(out, line["4"], moto, mailbox, tmp_path) == "error"
    (msg,) = mailbox.messages()
    assert msg["Message"] == "disk full"


def test_mail_none_has_no_topic(tmp_path: Path) -> None:
    _, jobs = _generated(tmp_path, CRONTAB, "defaults:\n  mail: none\n")
    assert all("CRONMIGRATE_MAIL_TOPIC" not in j["environment"] for j in jobs)
    assert "AWS::SNS::Topic" in (tmp_path / "out/template.yaml").read_text()  # failures' only
    template = (tmp_path / "out/template.yaml").read_text()
    assert re.findall(r"^  (Alerts\w*):", template, re.M) == ["AlertsKey"]  # no MAILTO topic
