"""CloudFormation (``cloudformation.yaml``) and SAM (``template.yaml``), built as data.

Both hold the same functions, roles, log groups and schedules; SAM says the function and
its schedules with ``AWS::Serverless::Function`` events (``ScheduleV2`` for EventBridge
Scheduler, ``Schedule`` for rules) and lets ``sam deploy`` upload the zips; plain
CloudFormation takes the zips from S3 (``ArtifactBucket``/``ArtifactPrefix``, keys that
carry the zip's hash so that a changed zip updates the function).

Least privilege: each function's role may write to its own log group only; each
schedule's role may invoke its own function only, and only from this account.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from typing import Any

from cronmigrate import __version__
from cronmigrate import aws_facts as aws
from cronmigrate.deploy.jobs import DeployJob, Deployment, short_hash
from cronmigrate.render import Artifact, Artifacts
from cronmigrate.render.functions import HANDLER, job_zip, secret_variables
from cronmigrate.render.runtime import LAYER_ZIP
from cronmigrate.schedule.model import EventBridgeSchedule, Target

LAYER_ID = "BashRuntimeLayer"
POLICY_VERSION = "2012-10-17"
Doc = dict[str, Any]


def ref(name: str) -> Doc:
    return {"Ref": name}


def get_att(name: str, attr: str) -> Doc:
    return {"Fn::GetAtt": [name, attr]}


def sub(text: str) -> Doc:
    return {"Fn::Sub": text}


def _assume(service: str, condition: Doc | None = None) -> Doc:
    statement: Doc = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return {"Version": POLICY_VERSION, "Statement": [statement]}


def _policy(name: str, statements: list[Doc]) -> Doc:
    return {
        "PolicyName": name,
        "PolicyDocument": {"Version": POLICY_VERSION, "Statement": statements},
    }


def input_document(job: DeployJob) -> str:
    """The event each scheduled invocation receives (Scheduler fills in the <aws.…> fields)."""
    return json.dumps(
        {
            "source": "cronmigrate",
            "job": job.function_name,
            "cron": job.plan.job.schedule_text,
            "crontab": job.source,
            "scheduled_time": aws.SCHEDULED_TIME,
            "schedule_arn": aws.SCHEDULE_ARN,
            "execution_id": aws.EXECUTION_ID,
        },
        separators=(",", ":"),
    )


def description(job: DeployJob) -> str:
    text = f"{job.source}: {job.plan.job.schedule_text} ({job.plan.timezone})"
    text = re.sub(r"[^\x20-\x7e]", "?", text)
    return text if len(text) <= 256 else text[:253] + "..."


def schedule_name(job: DeployJob, index: int) -> str:
    return job.function_name if index == 0 else f"{job.function_name[:62]}-{index + 1}"


def _log_group(job: DeployJob) -> Doc:
    return {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {
            "LogGroupName": f"/aws/lambda/{job.function_name}",
            "RetentionInDays": job.settings.log_retention_days,
        },
    }


def _role(job: DeployJob) -> Doc:
    lid = job.logical_id
    policies = [
        _policy(
            "write-own-logs",
            [
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": get_att(f"{lid}LogGroup", "Arn"),
                }
            ],
        )
    ]
    if job.settings.iam_statements:
        policies.append(_policy("job-permissions", [dict(s) for s in job.settings.iam_statements]))
    if job.alerts_id:
        statement = {"Effect": "Allow", "Action": "sns:Publish", "Resource": ref(job.alerts_id)}
        policies.append(_policy("notify-on-failure", [statement]))
    secrets = secret_variables(job)
    if secrets:
        arns = [
            sub("arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter" + p)
            for _, p in secrets
        ]
        policies.append(
            _policy(
                "read-own-secrets",
                [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": arns}],
            )
        )
    if _locked(job):
        policies.append(
            _policy(
                "claim-own-runs",
                [
                    {
                        "Effect": "Allow",
                        "Action": "dynamodb:PutItem",
                        "Resource": get_att(LOCK_ID, "Arn"),
                        "Condition": {
                            "ForAllValues:StringLike": {
                                "dynamodb:LeadingKeys": [f"{job.function_name}#*"]
                            }
                        },
                    }
                ],
            )
        )
    props: Doc = {"AssumeRolePolicyDocument": _assume("lambda.amazonaws.com"), "Policies": policies}
    if job.settings.subnet_ids:
        props["ManagedPolicyArns"] = [
            sub(
                "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
            )
        ]
    return {"Type": "AWS::IAM::Role", "Properties": props}


def _scheduler_role(job: DeployJob) -> Doc:
    condition = {"StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")}}
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": _assume("scheduler.amazonaws.com", condition),
            "Policies": [
                _policy(
                    "invoke-own-function",
                    [
                        {
                            "Effect": "Allow",
                            "Action": "lambda:InvokeFunction",
                            "Resource": get_att(f"{job.logical_id}Function", "Arn"),
                        }
                    ],
                )
            ],
        },
    }


LOCK_ID = "LockTable"


def _locked(job: DeployJob) -> bool:
    return job.settings.lock == "dynamodb"


def lock_table(deployment: Deployment) -> Doc:
    """The duplicate-delivery guard's table: one item per job and scheduled time, expiring
    through TTL (docs/exactly-once.md)."""
    if not any(_locked(j) for j in deployment.jobs):
        return {}
    return {
        LOCK_ID: {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": True},
            },
        }
    }


def _function_properties(job: DeployJob) -> Doc:
    lid = job.logical_id
    s = job.settings
    props: Doc = {
        "FunctionName": job.function_name,
        "Description": description(job),
        "Runtime": aws.RUNTIME,
        "Handler": HANDLER,
        "Architectures": [s.architecture],
        "MemorySize": s.memory,
        "Timeout": s.timeout,
        "Role": get_att(f"{lid}Role", "Arn"),
        "Layers": [ref(LAYER_ID), *s.layers],
        "LoggingConfig": {"LogGroup": ref(f"{lid}LogGroup"), "LogFormat": "Text"},
    }
    if _locked(job):
        props["Environment"] = {"Variables": {"CRONMIGRATE_LOCK_TABLE": ref(LOCK_ID)}}
    if s.subnet_ids:
        props["VpcConfig"] = {
            "SubnetIds": list(s.subnet_ids),
            "SecurityGroupIds": list(s.security_group_ids),
        }
    return props


def _state(job: DeployJob) -> str:
    return "ENABLED" if job.settings.enabled else "DISABLED"


def _scheduler_common(job: DeployJob, index: int, s: EventBridgeSchedule) -> Doc:
    """What an EventBridge Scheduler schedule says in both CloudFormation and SAM."""
    return {
        "Name": schedule_name(job, index),
        "Description": description(job),
        "ScheduleExpression": s.expression,
        "ScheduleExpressionTimezone": s.timezone,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": _state(job),
    }


def _retry(job: DeployJob) -> Doc:
    return {
        "MaximumRetryAttempts": job.settings.delivery_retries,
        "MaximumEventAgeInSeconds": job.settings.max_event_age_seconds,
    }


def s3_key(path: str, artifact: Artifact) -> str:
    """Where deploy-cloudformation.sh uploads ``path`` (under the prefix)."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".zip")
    return f"{stem}-{hashlib.sha256(artifact.content).hexdigest()[:16]}.zip"


def _cfn_job(job: DeployJob, target: Target, zips: Artifacts) -> Doc:
    lid = job.logical_id
    out: Doc = {f"{lid}LogGroup": _log_group(job), f"{lid}Role": _role(job)}
    props = _function_properties(job)
    key = job_zip(job)
    props["Code"] = {
        "S3Bucket": ref("ArtifactBucket"),
        "S3Key": sub("${ArtifactPrefix}" + s3_key(key, zips[key])),
    }
    out[f"{lid}Function"] = {"Type": "AWS::Lambda::Function", "Properties": props}
    invoke: Doc = {
        "FunctionName": ref(f"{lid}Function"),
        "Qualifier": "$LATEST",
        "MaximumRetryAttempts": job.settings.function_retries,
    }
    if job.alerts_id:
        invoke["DestinationConfig"] = {"OnFailure": {"Destination": ref(job.alerts_id)}}
    out[f"{lid}InvokeConfig"] = {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": invoke}
    if target is Target.SCHEDULER:
        out[f"{lid}SchedulerRole"] = _scheduler_role(job)
        for i, s in enumerate(job.schedules):
            out[f"{lid}Schedule{'' if i == 0 else i + 1}"] = {
                "Type": "AWS::Scheduler::Schedule",
                "Properties": {
                    **_scheduler_common(job, i, s),
                    "Target": {
                        "Arn": get_att(f"{lid}Function", "Arn"),
                        "RoleArn": get_att(f"{lid}SchedulerRole", "Arn"),
                        "RetryPolicy": _retry(job),
                        "Input": input_document(job),
                    },
                },
            }
    else:
        for i, s in enumerate(job.schedules):
            n = "" if i == 0 else str(i + 1)
            out[f"{lid}Rule{n}"] = {
                "Type": "AWS::Events::Rule",
                "Properties": {
                    "Name": schedule_name(job, i),
                    "Description": description(job),
                    "ScheduleExpression": s.expression,
                    "State": _state(job),
                    "Targets": [{"Arn": get_att(f"{lid}Function", "Arn"), "Id": "function"}],
                },
            }
            out[f"{lid}Permission{n}"] = {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": ref(f"{lid}Function"),
                    "Principal": "events.amazonaws.com",
                    "SourceArn": get_att(f"{lid}Rule{n}", "Arn"),
                },
            }
    return out


def _sam_job(job: DeployJob, target: Target) -> Doc:
    lid = job.logical_id
    out: Doc = {f"{lid}LogGroup": _log_group(job), f"{lid}Role": _role(job)}
    props = _function_properties(job)
    props["CodeUri"] = job_zip(job)
    props["EventInvokeConfig"] = {"MaximumRetryAttempts": job.settings.function_retries}
    if job.alerts_id:
        props["EventInvokeConfig"]["DestinationConfig"] = {
            "OnFailure": {"Type": "SNS", "Destination": ref(job.alerts_id)}
        }
    events: Doc = {}
    for i, s in enumerate(job.schedules):
        n = "" if i == 0 else str(i + 1)
        if target is Target.SCHEDULER:
            events[f"Schedule{n}"] = {
                "Type": "ScheduleV2",
                "Properties": {
                    **_scheduler_common(job, i, s),
                    "RoleArn": get_att(f"{lid}SchedulerRole", "Arn"),
                    "RetryPolicy": _retry(job),
                    "Input": input_document(job),
                },
            }
        else:
            events[f"Rule{n}"] = {
                "Type": "Schedule",
                "Properties": {
                    "Name": schedule_name(job, i),
                    "Description": description(job),
                    "Schedule": s.expression,
                    "State": _state(job),
                },
            }
    props["Events"] = events
    out[f"{lid}Function"] = {"Type": "AWS::Serverless::Function", "Properties": props}
    if target is Target.SCHEDULER:
        out[f"{lid}SchedulerRole"] = _scheduler_role(job)
    return out


def alerts(deployment: Deployment) -> Doc:
    """One SNS topic per distinct MAILTO, with an e-mail subscription per address: cron
    mailed a job's output; here a failed run (Lambda's on-failure destination) is published.
    Each address confirms its subscription once, from the e-mail AWS sends."""
    out: Doc = {}
    for job in deployment.jobs:
        if not job.alerts_id or job.alerts_id in out:
            continue
        out[job.alerts_id] = {
            "Type": "AWS::SNS::Topic",
            "Properties": {"DisplayName": "cron job failures"},
        }
        for address in job.mailto:
            sid = f"{job.alerts_id}To{short_hash(address, 8)}"
            out[sid] = {
                "Type": "AWS::SNS::Subscription",
                "Properties": {
                    "TopicArn": ref(job.alerts_id),
                    "Protocol": "email",
                    "Endpoint": address,
                },
            }
    return out


def _header(deployment: Deployment, sam: bool) -> Doc:
    files = ", ".join(deployment.plan.files) or "-"
    text = f"Cron jobs from {files}, migrated by cronmigrate {__version__}"
    doc: Doc = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": text if len(text) <= 1024 else text[:1021] + "...",
    }
    if sam:
        doc["Transform"] = "AWS::Serverless-2016-10-31"
    return doc


def _layer(sam: bool, zips: Artifacts) -> Doc:
    props: Doc = {
        "LayerName": "cronmigrate-bash-runtime",
        "Description": f"cronmigrate {__version__} bash runtime (Runtime API 2018-06-01)",
        "CompatibleRuntimes": [aws.RUNTIME],
        "CompatibleArchitectures": list(aws.ARCHITECTURES),
    }
    if sam:
        props["ContentUri"] = LAYER_ZIP
        return {"Type": "AWS::Serverless::LayerVersion", "Properties": props}
    props["Content"] = {
        "S3Bucket": ref("ArtifactBucket"),
        "S3Key": sub("${ArtifactPrefix}" + s3_key(LAYER_ZIP, zips[LAYER_ZIP])),
    }
    return {"Type": "AWS::Lambda::LayerVersion", "Properties": props}


def _runcommand_role(job: DeployJob) -> Doc:
    lid = job.logical_id
    first = job.settings.instances[0]
    instance_arn = "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/"
    if first.startswith("tag:"):
        key, value = first[len("tag:") :].split("=", 1)
        instances: Doc = {
            "Effect": "Allow",
            "Action": "ssm:SendCommand",
            "Resource": sub(instance_arn + "*"),
            "Condition": {"StringEquals": {f"ssm:resourceTag/{key}": value}},
        }
    else:
        instances = {
            "Effect": "Allow",
            "Action": "ssm:SendCommand",
            "Resource": [sub(instance_arn + i) for i in job.settings.instances],
        }
    statements = [
        {
            "Effect": "Allow",
            "Action": "ssm:SendCommand",
            "Resource": sub(
                "arn:${AWS::Partition}:ssm:${AWS::Region}::document/AWS-RunShellScript"
            ),
        },
        instances,
        # ListCommandInvocations has no resource-level permissions (Service Authorization
        # Reference, AWS Systems Manager): the action is named, the resource cannot be.
        {"Effect": "Allow", "Action": "ssm:ListCommandInvocations", "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": "sns:Publish",
            "Resource": [ref(f"{lid}SuccessTopic"), ref(f"{lid}FailureTopic")],
        },
    ]
    if _locked(job):
        statements.append(
            {
                "Effect": "Allow",
                "Action": "dynamodb:PutItem",
                "Resource": get_att(LOCK_ID, "Arn"),
                "Condition": {
                    "ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{job.function_name}#*"]}
                },
            }
        )
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": _assume("states.amazonaws.com"),
            "Policies": [_policy("run-command-on-own-instances", statements)],
        },
    }


def _runcommand_job(job: DeployJob, sam: bool) -> Doc:
    """Topics, the state machine and its role, and the schedule(s) that start it."""
    from cronmigrate.render.runcommand import definition

    lid = job.logical_id
    out: Doc = {
        f"{lid}SuccessTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"DisplayName": "cron job succeeded"},
        },
        f"{lid}FailureTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"DisplayName": "cron job failed"},
        },
    }
    for address in job.mailto:
        out[f"{lid}FailureTo{short_hash(address, 8)}"] = {
            "Type": "AWS::SNS::Subscription",
            "Properties": {
                "TopicArn": ref(f"{lid}FailureTopic"),
                "Protocol": "email",
                "Endpoint": address,
            },
        }
    out[f"{lid}StateMachineRole"] = _runcommand_role(job)
    substitutions: Doc = {
        "SuccessTopic": ref(f"{lid}SuccessTopic"),
        "FailureTopic": ref(f"{lid}FailureTopic"),
    }
    if _locked(job):
        substitutions["LockTable"] = ref(LOCK_ID)
    scheduler_role = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": _assume(
                "scheduler.amazonaws.com",
                {"StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")}},
            ),
            "Policies": [
                _policy(
                    "start-own-state-machine",
                    [
                        {
                            "Effect": "Allow",
                            "Action": "states:StartExecution",
                            "Resource": ref(f"{lid}StateMachine"),
                        }
                    ],
                )
            ],
        },
    }
    out[f"{lid}SchedulerRole"] = scheduler_role
    if sam:
        events = {
            f"Schedule{'' if i == 0 else i + 1}": {
                "Type": "ScheduleV2",
                "Properties": {
                    **_scheduler_common(job, i, s),
                    "RoleArn": get_att(f"{lid}SchedulerRole", "Arn"),
                    "RetryPolicy": _retry(job),
                    "Input": input_document(job),
                },
            }
            for i, s in enumerate(job.schedules)
        }
        out[f"{lid}StateMachine"] = {
            "Type": "AWS::Serverless::StateMachine",
            "Properties": {
                "Name": job.function_name,
                "Type": "STANDARD",
                "Definition": definition(job),
                "DefinitionSubstitutions": substitutions,
                "Role": get_att(f"{lid}StateMachineRole", "Arn"),
                "Events": events,
            },
        }
        return out
    out[f"{lid}StateMachine"] = {
        "Type": "AWS::StepFunctions::StateMachine",
        "Properties": {
            "StateMachineName": job.function_name,
            "StateMachineType": "STANDARD",
            "Definition": definition(job),
            "DefinitionSubstitutions": substitutions,
            "RoleArn": get_att(f"{lid}StateMachineRole", "Arn"),
        },
    }
    for i, s in enumerate(job.schedules):
        out[f"{lid}Schedule{'' if i == 0 else i + 1}"] = {
            "Type": "AWS::Scheduler::Schedule",
            "Properties": {
                **_scheduler_common(job, i, s),
                "Target": {
                    "Arn": ref(f"{lid}StateMachine"),
                    "RoleArn": get_att(f"{lid}SchedulerRole", "Arn"),
                    "RetryPolicy": _retry(job),
                    "Input": input_document(job),
                },
            },
        }
    return out


def _outputs(deployment: Deployment) -> Doc:
    return {
        f"{j.logical_id}{'StateMachine' if j.runcommand else 'Function'}Arn": {
            "Description": f"{j.source}",
            "Value": ref(f"{j.logical_id}StateMachine")
            if j.runcommand
            else get_att(f"{j.logical_id}Function", "Arn"),
        }
        for j in deployment.jobs
    }


def cloudformation(deployment: Deployment, zips: Artifacts) -> Doc:
    doc = _header(deployment, sam=False)
    doc["Parameters"] = {
        "ArtifactBucket": {
            "Type": "String",
            "Description": "S3 bucket, in the stack's region, holding the zips from dist/",
            "AllowedPattern": "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        },
        "ArtifactPrefix": {
            "Type": "String",
            "Default": "cronmigrate/",
            "Description": "Key prefix of the zips in ArtifactBucket",
        },
    }
    resources: Doc = {LAYER_ID: _layer(False, zips), **alerts(deployment), **lock_table(deployment)}
    for job in deployment.jobs:
        if job.runcommand:
            resources.update(_runcommand_job(job, sam=False))
        else:
            resources.update(_cfn_job(job, deployment.target, zips))
    doc["Resources"] = resources
    if deployment.jobs:
        doc["Outputs"] = _outputs(deployment)
    return doc


def sam(deployment: Deployment) -> Doc:
    doc = _header(deployment, sam=True)
    resources: Doc = {LAYER_ID: _layer(True, {}), **alerts(deployment), **lock_table(deployment)}
    for job in deployment.jobs:
        if job.runcommand:
            resources.update(_runcommand_job(job, sam=True))
        else:
            resources.update(_sam_job(job, deployment.target))
    doc["Resources"] = resources
    if deployment.jobs:
        doc["Outputs"] = _outputs(deployment)
    return doc


# ------------------------------------------------------------------ YAML

_YAML11_SPECIAL = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|null|Null|NULL|~|[-+]?[0-9_.:]+(?:[eE][-+]?[0-9]+)?|[0-9]{4}-[0-9]{2}-[0-9]{2}.*|\.inf"
    r"|\.nan|)$"
)


def _quote_ambiguous(value: Any) -> Any:
    """Quote strings a YAML 1.1 reader (CloudFormation) would take for a bool, number or
    date: "OFF", "2010-09-09", "0"."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, dict):
        return {k: _quote_ambiguous(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_quote_ambiguous(v) for v in value]
    if isinstance(value, str) and _YAML11_SPECIAL.match(value):
        return DoubleQuotedScalarString(value)
    return value


def dump(doc: Doc, comment: str) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            m = CommentedMap()
            for k, v in value.items():
                m[k] = convert(v)
            return m
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value

    data = convert(_quote_ambiguous(doc))
    data.yaml_set_start_comment(comment)
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def render(deployment: Deployment, zips: Artifacts, which: set[str]) -> Artifacts:
    out: Artifacts = {}
    note = (
        f"Generated by cronmigrate {__version__}; regenerate rather than edit.\n"
        "Settings: cronmigrate.yaml (cronmigrate init-config)."
    )
    if "sam" in which:
        text = dump(sam(deployment), note + "\nDeploy: sam deploy --guided")
        out["template.yaml"] = Artifact.text(text)
    if "cloudformation" in which:
        text = dump(
            cloudformation(deployment, zips),
            note + "\nDeploy: ./deploy-cloudformation.sh BUCKET STACK",
        )
        out["cloudformation.yaml"] = Artifact.text(text)
    return out
