"""A local AWS for deploy tests: moto's server on loopback, the AWS CLI and boto3 pointed at it.

moto's CloudFormation skips resource types it does not implement (Scheduler schedules,
Lambda EventInvokeConfig, SNS subscriptions): :func:`complete_stack` creates each through
its service API from the template's own properties, with every ``Ref``/``Fn::GetAtt``/
``Fn::Sub`` resolved against the deployed stack, so that what is deployed is still what
cronmigrate generated.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from samtranslator.yaml_helper import yaml_parse

from tests.helpers.iac import terraform_roots

REGION = "us-east-1"
BUCKET = "cronmigrate-artifacts"  # where the deploy tests upload the zips
ACCOUNT = "123456789012"  # moto's default account id: a fake one
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Emulator:
    def __init__(self, port: int) -> None:
        # "localhost", not 127.0.0.1: moto reads a TemplateURL on localhost as path-style.
        self.endpoint = f"http://localhost:{port}"
        self.env = {**CREDENTIALS, "AWS_ENDPOINT_URL": self.endpoint}
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        """One client per service (making one takes ~40 ms: thousands of resources)."""
        if service not in self._clients:
            self._clients[service] = boto3.client(
                service,
                endpoint_url=self.endpoint,
                region_name=REGION,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
        return self._clients[service]

    def configure(self, config: dict[str, Any]) -> None:
        """moto's own settings (``/moto-api/config``), e.g. running state machines."""
        import json
        import urllib.request

        req = urllib.request.Request(
            f"{self.endpoint}/moto-api/config",
            data=json.dumps(config).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            assert 200 <= resp.status < 300

    def reset(self) -> None:
        import urllib.request

        req = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(req, timeout=30) as resp:
            assert resp.status == 200

    def subprocess_env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        return {**keep, **self.env}


@contextlib.contextmanager
def emulator() -> Iterator[Emulator]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    aws = Emulator(port)
    try:
        aws.reset()  # moto's state is per process: every test starts from an empty account
        yield aws
    finally:
        aws.reset()
        server.stop()


# ------------------------------------------------------------------ completing stacks

SKIPPED_BY_MOTO = (
    "AWS::Scheduler::Schedule",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::SNS::Subscription",
    "AWS::SQS::QueuePolicy",
    "AWS::CloudWatch::Alarm",
)


class Resolver:
    """Intrinsic functions of one deployed stack, resolved through the AWS API."""

    def __init__(self, aws: Emulator, stack: str) -> None:
        self.aws = aws
        cfn = aws.client("cloudformation")
        desc = cfn.describe_stacks(StackName=stack)["Stacks"][0]
        self.params = {p["ParameterKey"]: p["ParameterValue"] for p in desc.get("Parameters", [])}
        self.physical: dict[str, str] = {}
        self.types: dict[str, str] = {}
        for r in cfn.describe_stack_resources(StackName=stack)["StackResources"]:
            if "LogicalResourceId" not in r:
                continue  # a type moto skipped: it lists it without ids
            self.physical[r["LogicalResourceId"]] = r.get("PhysicalResourceId", "")
            self.types[r["LogicalResourceId"]] = r.get("ResourceType", "")

    def arn(self, logical: str, attr: str = "Arn") -> str:
        pid, kind = self.physical[logical], self.types[logical]
        if kind == "AWS::SQS::Queue":  # the physical id is the queue's URL
            attrs = self.aws.client("sqs").get_queue_attributes(
                QueueUrl=pid, AttributeNames=["QueueArn"]
            )["Attributes"]
            return pid.rsplit("/", 1)[1] if attr == "QueueName" else str(attrs["QueueArn"])
        if kind == "AWS::Lambda::Function":
            conf = self.aws.client("lambda").get_function_configuration(FunctionName=pid)
            return str(conf["FunctionArn"])
        if kind == "AWS::IAM::Role":
            return str(self.aws.client("iam").get_role(RoleName=pid)["Role"]["Arn"])
        if kind == "AWS::Logs::LogGroup":
            return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{pid}:*"
        if kind == "AWS::DynamoDB::Table":
            return str(
                self.aws.client("dynamodb").describe_table(TableName=pid)["Table"]["TableArn"]
            )
        if kind == "AWS::Events::Rule":
            return str(self.aws.client("events").describe_rule(Name=pid)["Arn"])
        return pid  # topics, state machines, layers: the physical id is the ARN

    def value(self, v: Any) -> Any:
        if isinstance(v, dict):
            if set(v) == {"Ref"}:
                name = v["Ref"]
                if name == "AWS::AccountId":
                    return ACCOUNT
                if name in self.params:
                    return self.params[name]
                return self.physical[name]
            if set(v) == {"Fn::GetAtt"}:
                return self.arn(*v["Fn::GetAtt"])
            if set(v) == {"Fn::Sub"}:
                return self.sub(v["Fn::Sub"])
            if set(v) == {"Fn::Join"}:  # SAM writes a Definition as a joined string
                sep, parts = v["Fn::Join"]
                return str(sep).join(str(self.value(x)) for x in parts)
            return {k: self.value(x) for k, x in v.items()}
        if isinstance(v, list):
            return [self.value(x) for x in v]
        return v

    def sub(self, text: str) -> str:
        fixed = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT}

        def one(m: re.Match[str]) -> str:
            name = m.group(1)
            return fixed.get(name) or self.params.get(name) or self.physical[name]

        return re.sub(r"\$\{([A-Za-z0-9:]+)\}", one, text)


def complete_stack(aws: Emulator, stack: str, template: dict[str, Any]) -> list[str]:
    """Create what moto's CloudFormation skipped; returns the logical ids created."""
    res = Resolver(aws, stack)
    created = []
    for logical, r in template["Resources"].items():
        if r["Type"] == "AWS::StepFunctions::StateMachine":
            # moto keeps DefinitionSubstitutions' ${…} placeholders: apply them as AWS does.
            subs = res.value(r["Properties"].get("DefinitionSubstitutions", {}))
            text = res.value(r["Properties"]["DefinitionString"])
            for key, value in subs.items():
                text = text.replace("${" + key + "}", value)
            arn = res.physical[logical]
            aws.client("stepfunctions").update_state_machine(stateMachineArn=arn, definition=text)
            created.append(logical)
            continue
        if r["Type"] == "AWS::Lambda::Function" and r["Properties"].get("Layers"):
            # moto's CloudFormation drops a function's Layers: attach them as AWS does
            lam = aws.client("lambda")
            # the layers given by ARN (settings'); moto's id for the stack's own layer is no ARN
            layers = [
                v
                for v in res.value(r["Properties"]["Layers"])
                if v.startswith("arn:") and v.count(":") == 7
            ]
            if layers:
                lam.update_function_configuration(FunctionName=res.physical[logical], Layers=layers)
            continue
        if r["Type"] not in SKIPPED_BY_MOTO or logical in res.physical:
            continue  # created by moto's CloudFormation itself (a release that implements it)
        p = res.value(r["Properties"])
        if r["Type"] == "AWS::Scheduler::Schedule":
            scheduler = aws.client("scheduler")
            try:
                scheduler.get_schedule(Name=p["Name"])
            except scheduler.exceptions.ResourceNotFoundException:
                scheduler.create_schedule(**p)
            else:  # an update of the stack: CloudFormation updates the schedule in place
                scheduler.update_schedule(**p)
        elif r["Type"] == "AWS::Lambda::EventInvokeConfig":
            aws.client("lambda").put_function_event_invoke_config(**p)
        elif r["Type"] == "AWS::SNS::Subscription":
            aws.client("sns").subscribe(
                TopicArn=p["TopicArn"], Protocol=p["Protocol"], Endpoint=p["Endpoint"]
            )
        elif r["Type"] == "AWS::SQS::QueuePolicy":
            for url in p["Queues"]:
                aws.client("sqs").set_queue_attributes(
                    QueueUrl=url, Attributes={"Policy": json.dumps(p["PolicyDocument"])}
                )
        elif r["Type"] == "AWS::CloudWatch::Alarm":
            aws.client("cloudwatch").put_metric_alarm(**p)  # the API takes the same names
        created.append(logical)
    return created


def remove_skipped(aws: Emulator, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What an update of the stack deletes among the types moto's CloudFormation skipped:
    the schedules of the first templates (``{logical id: resource}``) the second lacks."""
    gone = []
    for logical, r in before.items():
        if r["Type"] == "AWS::Scheduler::Schedule" and logical not in after:
            aws.client("scheduler").delete_schedule(Name=r["Properties"]["Name"])
            gone.append(logical)
    return gone


def deployed_stacks(aws: Emulator, parent: str) -> dict[str, str]:
    """Logical id of each nested stack → its stack name (the parent's is "")."""
    cfn = aws.client("cloudformation")
    out = {"": parent}
    for r in cfn.describe_stack_resources(StackName=parent)["StackResources"]:
        if r.get("ResourceType") == "AWS::CloudFormation::Stack" and "LogicalResourceId" in r:
            pid = r["PhysicalResourceId"]  # an ARN on AWS, the name on moto
            out[r["LogicalResourceId"]] = pid.split("/")[1] if pid.startswith("arn:") else pid
    return out


def template_of(aws: Emulator, stack: str) -> dict[str, Any]:
    body = aws.client("cloudformation").get_template(StackName=stack)["TemplateBody"]
    return body if isinstance(body, dict) else dict(yaml_parse(body))


# ------------------------------------------------------------------ terraform

MIRROR_CANDIDATES = ("/opt", "/usr/local/share", "/usr/share", str(Path.home() / ".terraform.d"))


def terraform_mirror() -> Path | None:
    """The directory holding registry.terraform.io/hashicorp/aws (a filesystem mirror)."""
    for base in MIRROR_CANDIDATES:
        root = Path(base)
        if not root.is_dir():
            continue
        for depth in ("*", "*/*", "*/*/*"):
            for hit in root.glob(f"{depth}/registry.terraform.io/hashicorp/aws"):
                return hit.parent.parent.parent
        if (root / "registry.terraform.io/hashicorp/aws").is_dir():
            return root
    return None


def terraform_cli_config(path: Path, mirror: Path) -> Path:
    path.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n'
        '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
        '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
    )
    return path


SERVICES = (
    "sts", "iam", "lambda", "logs", "dynamodb", "sns", "scheduler", "events", "s3", "ssm", "sqs",
    "cloudwatch",
)  # fmt: skip


def provider_override(endpoint: str, sfn_endpoint: str) -> str:
    """A provider block pointing every service the output uses at the emulator (a test-only
    file beside the generated ones, which declare no provider block)."""
    lines = [f'    {s} = "{endpoint}"' for s in SERVICES]
    lines.append(f'    sfn = "{sfn_endpoint}"')
    return (
        'provider "aws" {\n'
        f'  region                      = "{REGION}"\n'
        '  access_key                  = "testing"\n'
        '  secret_key                  = "testing"\n'
        "  skip_credentials_validation = true\n"
        "  skip_requesting_account_id  = true\n"
        "  skip_metadata_api_check     = true\n"
        "  s3_use_path_style           = true\n"
        "  endpoints {\n" + "\n".join(lines) + "\n  }\n}\n"
    )


CANNED = {
    "ValidateStateMachineDefinition": b'{"result":"OK","diagnostics":[],"truncated":false}',
    "ListStateMachineVersions": b'{"stateMachineVersions":[]}',
}


Answer = Callable[[str, bytes], "tuple[int, bytes] | None"]


@contextlib.contextmanager
def sfn_proxy(target: str) -> Iterator[str]:
    """moto lacks states:ValidateStateMachineDefinition, which the AWS provider calls (and
    retries for minutes) before creating a state machine, and ListStateMachineVersions,
    which it calls after: this loopback proxy answers those two (a valid definition, no
    published versions) and forwards everything else to moto unchanged."""
    with aws_proxy(
        target, lambda action, _: (200, CANNED[action]) if action in CANNED else None
    ) as url:
        yield url


@contextlib.contextmanager
def aws_proxy(target: str, answer: Answer) -> Iterator[str]:
    """A loopback proxy in front of moto: ``answer(action, body)`` may answer a JSON-protocol
    request itself (status, body); everything else goes to moto unchanged."""
    import http.client
    import http.server
    import threading
    from urllib.parse import urlparse

    upstream = urlparse(target)

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            action = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
            answered = answer(action, body)
            if answered is not None:
                status, reply = answered
                self.send_response(status)
                self.send_header("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000")
                self.send_header("Content-Type", "application/x-amz-json-1.0")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
                return
            host = upstream.hostname or "localhost"
            conn = http.client.HTTPConnection(host, upstream.port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            conn.request("POST", self.path, body, headers)
            resp = conn.getresponse()
            data = resp.read()
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            conn.close()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def provide_layers(aws: Emulator, arns: set[str]) -> None:
    """Publish the layers a deployment names by ARN (``layers:`` in cronmigrate.yaml, e.g. a
    PHP layer): on AWS they exist before the deployment; in the emulator they are made."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("bin/placeholder", "")
    lam = aws.client("lambda")
    for arn in sorted(arns):
        parts = arn.split(":")
        name, version = parts[6], int(parts[7])
        assert parts[4] == ACCOUNT, f"a layer of another account cannot be emulated: {arn}"
        for _ in range(version):
            lam.publish_layer_version(LayerName=name, Content={"ZipFile": buf.getvalue()})


def terraform_apply(aws: Emulator, tf_dir: Path, tmp: Path, apply: bool = True) -> str:
    """The generated deploy-terraform.sh, unchanged (``apply -auto-approve``, or ``plan``),
    against the emulator: a provider override file in each root points it there."""
    mirror = terraform_mirror()
    if shutil.which("terraform") is None or mirror is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs terraform and its hashicorp/aws provider mirror")
        pytest.skip("terraform or its hashicorp/aws filesystem mirror is not installed")
    env = {
        **aws.subprocess_env(),
        "TF_CLI_CONFIG_FILE": str(terraform_cli_config(tmp / "terraform.rc", mirror)),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "PARALLEL": "4",
    }
    with sfn_proxy(aws.endpoint) as sfn:
        for root in terraform_roots(tf_dir):
            (root / "zz_emulator_override.tf").write_text(provider_override(aws.endpoint, sfn))
        args = ["apply", "-auto-approve", "-parallelism=30"] if apply else ["plan"]
        res = subprocess.run(
            ["bash", str(tf_dir / "deploy-terraform.sh"), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
    logs = sorted((tf_dir / "logs").glob("*.log")) if (tf_dir / "logs").is_dir() else []
    if res.returncode != 0:
        tails = "".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in logs)[-6000:]
        pytest.fail(
            f"deploy-terraform.sh {args[0]}:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}\n{tails}"
        )
    return res.stdout + "".join(p.read_text() for p in logs if ".init." not in p.name)


def deploy(aws: Emulator, out: Path, stack: str) -> dict[str, str]:
    """The generated deploy-cloudformation.sh, unchanged, against the emulator; then what
    moto's CloudFormation skipped, created as AWS would (:func:`complete_stack`)."""
    aws.client("s3").create_bucket(Bucket=BUCKET)
    res = subprocess.run(
        ["bash", str(out / "deploy-cloudformation.sh"), BUCKET, stack],
        capture_output=True,
        text=True,
        env=aws.subprocess_env(),
        timeout=900,
        check=False,
    )
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    stacks = deployed_stacks(aws, stack)
    cfn = aws.client("cloudformation")
    for name in stacks.values():
        status = cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
        assert status == "CREATE_COMPLETE", (name, status)
        complete_stack(aws, name, template_of(aws, name))
    return stacks
