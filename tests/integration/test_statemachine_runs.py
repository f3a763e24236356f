"""The Run Command state machine, run for real through moto's Step Functions interpreter
(LocalStack's ASL interpreter: ``execute_state_machine``), against moto's DynamoDB, SSM, EC2
and SNS: success, a duplicate delivery, a command failing on an instance, a tag matching no
instance, throttling, SSM refusing the request, and the lock table missing.

What moto cannot be made to do is supplied around it, not inside the definition:
- a command that fails on its instances (moto's always succeed): a loopback proxy answers
  ``ssm:ListCommands`` from moto's own record of the command with the status and counts a
  test sets, and can answer any call with an error first (throttling, access denied);
- JSONata (moto leaves its evaluator to a JVM it does not ship): the reference port
  ``jsonata-python`` evaluates the expressions moto prepares.
The one change to the definition: the Wait state's 30 s poll interval becomes 1 s.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.helpers import SAMPLES, generated_into
from tests.helpers.emulator import ACCOUNT, REGION, Emulator, aws_proxy, emulator

SCHEDULED = "2026-03-01T02:00:00Z"


@dataclass
class Ssm:
    """What the proxy answers for SSM: the command's record changed, errors to return first."""

    command: dict[str, Any] = field(default_factory=dict)  # e.g. {"Status": "Failed"}
    errors: dict[str, list[str]] = field(default_factory=dict)  # action → error codes
    calls: dict[str, int] = field(default_factory=dict)

    def answer(self, action: str, body: bytes) -> tuple[int, bytes] | None:
        from moto.ssm.models import ssm_backends

        self.calls[action] = self.calls.get(action, 0) + 1
        if self.errors.get(action):
            code = self.errors[action].pop(0)
            return 400, json.dumps({"__type": code, "message": f"{code} (test)"}).encode()
        if action != "ListCommands" or not self.command:
            return None
        command = ssm_backends[ACCOUNT][REGION].get_command_by_id(json.loads(body)["CommandId"])
        record = {
            k: v.timestamp() if hasattr(v, "timestamp") else v
            for k, v in command.response_object().items()
        }
        return 200, json.dumps({"Commands": [record | self.command]}).encode()


@pytest.fixture(scope="module")
def definition_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("sm") / "out"
    generated_into(
        out,
        ["etc/cron.d/app"],
        cwd=SAMPLES / "server-root",
        root=SAMPLES / "server-root",
        config=str(SAMPLES / "server-root/cronmigrate.yaml"),
    )
    return (out / "statemachines/backup-db.asl.json").read_text()


@pytest.fixture
def jsonata_in_moto() -> Iterator[None]:
    import jsonata
    from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata

    def evaluate(expression: str) -> Any:
        return json.loads(json.dumps(jsonata.Jsonata(expression).evaluate(None)))

    if not hasattr(moto_jsonata, "_eval_jsonata"):  # moto's private hook (None until used)
        pytest.skip("this moto has no _eval_jsonata hook: run with the pins (constraints.txt)")
    saved = moto_jsonata._eval_jsonata
    moto_jsonata._eval_jsonata = evaluate
    try:
        yield
    finally:
        moto_jsonata._eval_jsonata = saved


@dataclass
class Account:
    aws: Emulator
    ssm: Ssm
    machine: str
    queues: dict[str, str]  # topic → the SQS queue subscribed to it
    table: str
    instance: str
    runs: int = 0

    def run(self, scheduled: str = SCHEDULED) -> dict[str, Any]:
        sfn = self.aws.client("stepfunctions")
        self.runs += 1
        ex = sfn.start_execution(
            stateMachineArn=self.machine,
            name=f"run-{self.runs}",
            input=json.dumps({"scheduled_time": scheduled}),
        )["executionArn"]
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            d = sfn.describe_execution(executionArn=ex)
            if d["status"] != "RUNNING":
                events = sfn.get_execution_history(executionArn=ex)["events"]
                entered = [
                    e["stateEnteredEventDetails"]["name"]
                    for e in events
                    if "stateEnteredEventDetails" in e
                ]
                return {**d, "states": entered}
            time.sleep(0.3)
        raise AssertionError("the execution did not end")

    def messages(self, topic: str) -> list[dict[str, str]]:
        sqs = self.aws.client("sqs")
        got = sqs.receive_message(QueueUrl=self.queues[topic], MaxNumberOfMessages=10)
        return [json.loads(m["Body"]) for m in got.get("Messages", [])]


@pytest.fixture
def account(
    definition_text: str, jsonata_in_moto: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Account]:
    ssm = Ssm()
    with emulator() as aws:
        aws.configure({"stepfunctions": {"execute_state_machine": True}})
        with aws_proxy(aws.endpoint, ssm.answer) as proxy:
            # the interpreter calls the services at localhost:$MOTO_PORT
            monkeypatch.setenv("MOTO_PORT", proxy.rsplit(":", 1)[1])
            ddb = aws.client("dynamodb")
            ddb.create_table(
                TableName="locks",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            sns, sqs = aws.client("sns"), aws.client("sqs")
            topics, queues = {}, {}
            for name in ("SuccessTopic", "FailureTopic"):
                topics[name] = sns.create_topic(Name=name)["TopicArn"]
                url = sqs.create_queue(QueueName=name)["QueueUrl"]
                arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
                sns.subscribe(
                    TopicArn=topics[name],
                    Protocol="sqs",
                    Endpoint=arn["Attributes"]["QueueArn"],
                )
                queues[name] = url
            (instance,) = aws.client("ec2").run_instances(
                ImageId="ami-12c6146b",
                MinCount=1,
                MaxCount=1,
                TagSpecifications=[
                    {
                        "ResourceType": "instance",
                        "Tags": [{"Key": "cronmigrate:target", "Value": "app-1"}],
                    }
                ],
            )["Instances"]
            text = definition_text.replace("${LockTable}", "locks")
            for name, arn in topics.items():
                text = text.replace("${" + name + "}", arn)
            doc = json.loads(text)
            doc["States"]["Wait"]["Seconds"] = 1  # (see the module's docstring)
            machine = aws.client("stepfunctions").create_state_machine(
                name="backup-db",
                definition=json.dumps(doc),
                roleArn=f"arn:aws:iam::{ACCOUNT}:role/backup-db-sfn",
            )["stateMachineArn"]
            try:
                yield Account(aws, ssm, machine, queues, "locks", instance["InstanceId"])
            finally:
                aws.configure({"stepfunctions": {"execute_state_machine": False}})


def test_a_run_succeeds_once_and_a_duplicate_is_skipped(account: Account) -> None:
    start = time.time()
    first = account.run()
    assert first["status"] == "SUCCEEDED", (
        first["states"][5:],
        first.get("error"),
        first.get("cause"),
        [m["Message"] for m in account.messages("FailureTopic")],
    )
    assert first["states"][-1] == "NotifySuccess"
    (message,) = account.messages("SuccessTopic")
    assert message["Message"].endswith(
        f"at {SCHEDULED} (command {_command(account)}) succeeded on 1 of 1 instances"
    )
    item = account.aws.client("dynamodb").get_item(
        TableName="locks", Key={"pk": {"S": f"cron-backup-db#{SCHEDULED}"}}
    )["Item"]
    expires = int(item["expires"]["N"])
    assert start + 7 * 86400 - 5 <= expires <= time.time() + 7 * 86400 + 5  # lock_ttl_days

    again = account.run()
    assert again["status"] == "SUCCEEDED"
    assert again["states"] == ["Claim", "AlreadyDelivered"]
    assert account.ssm.calls.get("SendCommand", 0) == 0 or len(_commands(account)) == 1
    assert account.messages("SuccessTopic") == []


def test_a_command_failing_on_an_instance_is_told_and_fails_the_execution(
    account: Account,
) -> None:
    account.ssm.command = {"Status": "Failed", "ErrorCount": 1}
    result = account.run()
    assert (result["status"], result["error"]) == ("FAILED", "Cron.CommandFailed")
    (message,) = account.messages("FailureTopic")
    assert message["Subject"] == "cron job failed: cron-backup-db"
    assert message["Message"].endswith("ended Failed on 1 instances: 1 failed, 0 not delivered")


def test_a_tag_matching_no_instance_ends_the_loop_and_is_told(account: Account) -> None:
    account.aws.client("ec2").delete_tags(
        Resources=[account.instance], Tags=[{"Key": "cronmigrate:target", "Value": "app-1"}]
    )
    started = time.monotonic()
    result = account.run()
    assert (result["status"], result["error"]) == ("FAILED", "Cron.NoInstance")
    assert time.monotonic() - started < 30  # not the execution's 3-hour timeout
    assert result["states"].count("Poll") == 1  # SSM ended it "Success", TargetCount 0
    (message,) = account.messages("FailureTopic")
    assert message["Message"].endswith("matched no instance: nothing ran")


def test_throttling_is_retried(account: Account) -> None:
    account.ssm.errors["SendCommand"] = ["ThrottlingException"]
    account.ssm.errors["ListCommands"] = ["ThrottlingException"]
    result = account.run()
    assert result["status"] == "SUCCEEDED", [m["Message"] for m in account.messages("FailureTopic")]
    assert account.ssm.calls["SendCommand"] == 2
    assert account.messages("FailureTopic") == []


def test_ssm_refusing_the_request_is_told(account: Account) -> None:
    account.ssm.errors["SendCommand"] = ["AccessDeniedException"]
    result = account.run()
    assert (result["status"], result["error"]) == ("FAILED", "Cron.NotStarted")
    assert account.ssm.calls["SendCommand"] == 1  # not retried
    (message,) = account.messages("FailureTopic")
    assert message["Subject"] == "cron job could not start: cron-backup-db"
    assert "AccessDenied" in message["Message"]


def test_a_missing_lock_table_is_told(account: Account) -> None:
    account.aws.client("dynamodb").delete_table(TableName="locks")
    result = account.run()
    assert (result["status"], result["error"]) == ("FAILED", "Cron.NotStarted")
    assert result["states"] == ["Claim", "NotifyError", "Error"]
    (message,) = account.messages("FailureTopic")
    assert "ResourceNotFound" in message["Message"]


def _commands(account: Account) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = account.aws.client("ssm").list_commands()["Commands"]
    return listed


def _command(account: Account) -> str:
    (command,) = _commands(account)
    return str(command["CommandId"])
