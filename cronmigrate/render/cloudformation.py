"""CloudFormation (``cloudformation.yaml``) and SAM (``template.yaml``) from the neutral
:class:`~cronmigrate.deploy.infra.Stack`: syntax only, every decision is the model's.

Plain CloudFormation takes the zips from S3 (``ArtifactBucket``/``ArtifactPrefix``, keys
that carry the zip's hash so that a changed zip updates the function). SAM says a function
or state machine together with its schedules (``AWS::Serverless::Function`` events:
``ScheduleV2`` for EventBridge Scheduler, ``Schedule`` for rules, which make their own
``AWS::Lambda::Permission``) and lets ``sam deploy`` upload the zips.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, NamedTuple

from cronmigrate import __version__
from cronmigrate.deploy.infra import (
    AccountId,
    Alarm,
    Arn,
    Code,
    Function,
    Key,
    Layer,
    LogGroup,
    Output,
    Permission,
    Policy,
    Queue,
    QueuePolicy,
    Ref,
    Resource,
    RetryPolicy,
    Role,
    Rule,
    Schedule,
    Stack,
    StateMachine,
    Subscription,
    Table,
    Topic,
)
from cronmigrate.deploy.keys import s3_key
from cronmigrate.errors import CronmigrateError
from cronmigrate.render import Artifact, Artifacts, policy
from cronmigrate.render.limits import template_problems
from cronmigrate.render.templating import render as render_template
from cronmigrate.render.yaml import dump

Doc = dict[str, Any]

# The attribute CloudFormation gives for a reference: Ref returns the ARN of some types
# and the name of others (each type's "Return values" in the CloudFormation reference).
_REF_ARN = (Topic, StateMachine, Layer)
_REF_NAME = (Function, LogGroup, Table)


class _Writer:
    """One template: the resources in ``scope``; references to resources outside it
    (a group's to the base stack's) become parameters, recorded in ``params``."""

    def __init__(
        self,
        stack: Stack,
        sam: bool,
        scope: tuple[Resource, ...],
        up: str = "",
        by_id: dict[str, Resource] | None = None,
    ) -> None:
        self.up = up  # from the template's directory to the output directory (SAM paths)
        self.stack = stack
        self.by_id = by_id if by_id is not None else stack.by_id()
        self.events_of: dict[str, list[Schedule | Rule]] = {}  # target → its triggers
        for r in scope:
            if isinstance(r, Schedule | Rule):
                self.events_of.setdefault(r.target.id, []).append(r)
        self.sam = sam
        self.scope = scope
        self.local = {r.id for r in scope}
        self.params: dict[str, Ref] = {}

    # ---------------------------------------------------------------- values

    def value(self, v: Any) -> Any:
        if isinstance(v, Ref):
            return self.ref(v)
        if isinstance(v, Arn):
            return {"Fn::Sub": _sub(v.template)}
        if isinstance(v, AccountId):
            return {"Ref": "AWS::AccountId"}
        if isinstance(v, dict):
            return {k: self.value(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [self.value(x) for x in v]
        return v

    def ref(self, r: Ref) -> Doc:
        if r.id not in self.local:
            name = param_name(r)
            self.params[name] = r
            return {"Ref": name}
        target = self.by_id[r.id]
        if r.attr == "arn" and isinstance(target, _REF_ARN):
            return {"Ref": r.id}
        if r.attr == "name" and isinstance(target, _REF_NAME):
            return {"Ref": r.id}
        if isinstance(target, Queue) and r.attr in ("url", "name"):
            return {"Ref": r.id} if r.attr == "url" else {"Fn::GetAtt": [r.id, "QueueName"]}
        if r.attr in ("arn", "log_streams"):
            return {"Fn::GetAtt": [r.id, "Arn"]}  # a log group's Arn ends in ":*"
        raise ValueError(f"no CloudFormation form for {r}")

    def policy(self, p: Policy) -> Doc:
        return {"PolicyName": p.name, "PolicyDocument": policy.document(p.statements, self.value)}

    def code(self, code: Code, bucket_key: str, uri_key: str) -> Doc:
        if self.sam:
            return {uri_key: self.up + code.path}
        return {
            bucket_key: {
                "S3Bucket": {"Ref": "ArtifactBucket"},
                "S3Key": {"Fn::Sub": "${ArtifactPrefix}" + s3_key(code)},
            }
        }

    # ---------------------------------------------------------------- resources

    def role(self, r: Role) -> Doc:
        props: Doc = {
            "AssumeRolePolicyDocument": policy.document(r.trust, self.value),
            "Policies": [self.policy(p) for p in r.policies],
        }
        if r.managed_policies:
            props["ManagedPolicyArns"] = [self.value(arn) for _, arn in r.managed_policies]
        return {"Type": "AWS::IAM::Role", "Properties": props}

    def log_group(self, r: LogGroup) -> Doc:
        return {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": r.name, "RetentionInDays": r.retention_days},
        }

    def layer(self, r: Layer) -> Doc:
        props: Doc = {
            "LayerName": r.name,
            "Description": r.description,
            "CompatibleRuntimes": list(r.runtimes),
            "CompatibleArchitectures": list(r.architectures),
            **self.code(r.code, "Content", "ContentUri"),
        }
        kind = "AWS::Serverless::LayerVersion" if self.sam else "AWS::Lambda::LayerVersion"
        return {"Type": kind, "Properties": props}

    def table(self, r: Table) -> Doc:
        return {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "BillingMode": r.billing_mode,
                "AttributeDefinitions": [{"AttributeName": r.hash_key, "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": r.hash_key, "KeyType": "HASH"}],
                "TimeToLiveSpecification": {"AttributeName": r.ttl_attribute, "Enabled": True},
            },
        }

    def key(self, r: Key) -> Doc:
        return {
            "Type": "AWS::KMS::Key",
            "Properties": {
                "Description": r.description,
                "EnableKeyRotation": r.rotation,
                "KeyPolicy": policy.document(r.statements, self.value),
            },
        }

    def topic(self, r: Topic) -> Doc:
        props: Doc = {"DisplayName": r.display_name}
        if r.kms_key is not None:
            props["KmsMasterKeyId"] = self.ref(r.kms_key)
        return {"Type": "AWS::SNS::Topic", "Properties": props}

    def subscription(self, r: Subscription) -> Doc:
        return {
            "Type": "AWS::SNS::Subscription",
            "Properties": {
                "TopicArn": self.ref(r.topic),
                "Protocol": r.protocol,
                "Endpoint": r.endpoint,
            },
        }

    def function(self, r: Function) -> Doc:
        props: Doc = {
            "FunctionName": r.name,
            "Description": r.description,
            "Runtime": r.runtime,
            "Handler": r.handler,
            "Architectures": [r.architecture],
            "MemorySize": r.memory,
            "Timeout": r.timeout,
            "Role": self.ref(r.role),
            "Layers": [self.value(v) for v in r.layers],
            "LoggingConfig": {"LogGroup": self.ref(r.log_group), "LogFormat": r.log_format},
        }
        if r.environment:
            props["Environment"] = {"Variables": {k: self.value(v) for k, v in r.environment}}
        if r.subnet_ids:
            props["VpcConfig"] = {
                "SubnetIds": list(r.subnet_ids),
                "SecurityGroupIds": list(r.security_group_ids),
            }
        props.update(self.code(r.code, "Code", "CodeUri"))
        if not self.sam:
            return {"Type": "AWS::Lambda::Function", "Properties": props}
        invoke: Doc = {
            "MaximumRetryAttempts": r.retries,
            "MaximumEventAgeInSeconds": r.max_event_age_seconds,
        }
        if r.on_failure:
            invoke["DestinationConfig"] = {
                "OnFailure": {"Type": "SNS", "Destination": self.ref(r.on_failure)}
            }
        props["EventInvokeConfig"] = invoke
        props["Events"] = self.events(r.id)
        return {"Type": "AWS::Serverless::Function", "Properties": props}

    def invoke_config(self, r: Function) -> Doc:
        props: Doc = {
            "FunctionName": self.ref(Ref(r.id, "name")),
            "Qualifier": "$LATEST",
            "MaximumRetryAttempts": r.retries,
            "MaximumEventAgeInSeconds": r.max_event_age_seconds,
        }
        if r.on_failure:
            props["DestinationConfig"] = {"OnFailure": {"Destination": self.ref(r.on_failure)}}
        return {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": props}

    def state_machine(self, r: StateMachine) -> Doc:
        subs = {k: self.value(v) for k, v in r.substitutions}
        if self.sam:
            return {
                "Type": "AWS::Serverless::StateMachine",
                "Properties": {
                    "Name": r.name,
                    "Type": r.type,
                    "Definition": r.definition,
                    "DefinitionSubstitutions": subs,
                    "Role": self.ref(r.role),
                    "Events": self.events(r.id),
                    **({"Logging": self.sfn_logging(r, r.log_group)} if r.log_group else {}),
                },
            }
        return {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "StateMachineName": r.name,
                "StateMachineType": r.type,
                # A JSON string, as the statemachines/ file: CloudFormation then reads no
                # YAML null or number out of the definition.
                "DefinitionString": json.dumps(r.definition, separators=(",", ":")),
                "DefinitionSubstitutions": subs,
                "RoleArn": self.ref(r.role),
                **(
                    {"LoggingConfiguration": self.sfn_logging(r, r.log_group)}
                    if r.log_group
                    else {}
                ),
            },
        }

    def sfn_logging(self, r: StateMachine, log_group: Ref) -> Doc:
        """Execution history to its own log group ("LoggingConfiguration", Step Functions
        API Reference); the group's ARN ends in ":*" as the API requires."""
        return {
            "Level": r.log_level,
            "IncludeExecutionData": r.include_execution_data,
            "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": self.ref(log_group)}}],
        }

    def schedule_common(self, r: Schedule) -> Doc:
        """What an EventBridge Scheduler schedule says in both CloudFormation and SAM."""
        return {
            "Name": r.name,
            "Description": r.description,
            "ScheduleExpression": r.expression,
            "ScheduleExpressionTimezone": r.timezone,
            "FlexibleTimeWindow": {"Mode": r.flexible_window},
            "State": policy.state(r.enabled),
        }

    def dead_letter(self, r: Schedule | Rule) -> Doc:
        return {"DeadLetterConfig": {"Arn": self.ref(r.dead_letter)}} if r.dead_letter else {}

    def schedule(self, r: Schedule) -> Doc:
        return {
            "Type": "AWS::Scheduler::Schedule",
            "Properties": {
                **self.schedule_common(r),
                "Target": {
                    "Arn": self.ref(r.target),
                    "RoleArn": self.ref(r.role),
                    "RetryPolicy": _retry(r.retry),
                    **self.dead_letter(r),
                    "Input": r.input,
                },
            },
        }

    def queue(self, r: Queue) -> Doc:
        return {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "MessageRetentionPeriod": r.retention_seconds,
                "SqsManagedSseEnabled": r.managed_sse,
            },
        }

    def queue_policy(self, r: QueuePolicy) -> Doc:
        return {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [self.ref(r.queue)],
                "PolicyDocument": policy.document(r.statements, self.value),
            },
        }

    def alarm(self, r: Alarm) -> Doc:
        return {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmName": r.name,
                "AlarmDescription": r.description,
                "Namespace": r.namespace,
                "MetricName": r.metric,
                "Dimensions": [{"Name": k, "Value": self.value(v)} for k, v in r.dimensions],
                "Statistic": r.statistic,
                "Period": r.period,
                "EvaluationPeriods": r.evaluation_periods,
                "Threshold": r.threshold,
                "ComparisonOperator": r.comparison,
                "TreatMissingData": r.missing_data,
                "AlarmActions": [self.ref(a) for a in r.actions],
            },
        }

    def rule(self, r: Rule) -> Doc:
        return {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "Name": r.name,
                "Description": r.description,
                "ScheduleExpression": r.expression,
                "State": policy.state(r.enabled),
                "Targets": [self.rule_target(r)],
            },
        }

    def rule_target(self, r: Rule) -> Doc:
        target: Doc = {"Arn": self.ref(r.target), "Id": r.target_id, **self.dead_letter(r)}
        if r.retry:
            target["RetryPolicy"] = _retry(r.retry)
        return target

    def permission(self, r: Permission) -> Doc:
        # CloudFormation names the statement itself (AWS::Lambda::Permission has no id).
        return {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": r.action,
                "FunctionName": self.ref(r.function),
                "Principal": r.principal,
                "SourceArn": self.ref(r.source),
            },
        }

    def events(self, target_id: str) -> Doc:
        """SAM: the schedules and rules that start ``target_id``, as its events."""
        out: Doc = {}
        for r in self.events_of.get(target_id, []):
            if isinstance(r, Schedule):
                out[r.event] = {
                    "Type": "ScheduleV2",
                    "Properties": {
                        **self.schedule_common(r),
                        "RoleArn": self.ref(r.role),
                        "RetryPolicy": _retry(r.retry),
                        **self.dead_letter(r),
                        "Input": r.input,
                    },
                }
            else:
                out[r.event] = {
                    "Type": "Schedule",
                    "Properties": {
                        "Name": r.name,
                        "Description": r.description,
                        "Schedule": r.expression,
                        "State": policy.state(r.enabled),
                        **({"RetryPolicy": _retry(r.retry)} if r.retry else {}),
                        **self.dead_letter(r),
                    },
                }
        return out

    def resources(self) -> Doc:
        out: Doc = {}
        writers: dict[type, Callable[[Any], Doc]] = {
            Role: self.role,
            LogGroup: self.log_group,
            Layer: self.layer,
            Table: self.table,
            Key: self.key,
            Topic: self.topic,
            Subscription: self.subscription,
            Function: self.function,
            StateMachine: self.state_machine,
            Schedule: self.schedule,
            Rule: self.rule,
            Permission: self.permission,
            Queue: self.queue,
            QueuePolicy: self.queue_policy,
            Alarm: self.alarm,
        }
        for r in self.scope:
            if self.sam and isinstance(r, Schedule | Rule | Permission):
                continue  # events of their function or state machine
            out[r.id] = writers[type(r)](r)
            if isinstance(r, StateMachine) and r.scanner_skips:
                skips = [{"id": i, "comment": why} for i, why in r.scanner_skips]
                out[r.id]["Metadata"] = {"checkov": {"skip": skips}}
            if isinstance(r, Function) and not self.sam:
                out[r.invoke_config_id] = self.invoke_config(r)
        return out

    def template(self, description: str, outputs: tuple[Output, ...]) -> Doc:
        doc: Doc = {"AWSTemplateFormatVersion": "2010-09-09", "Description": description}
        if self.sam:
            doc["Transform"] = "AWS::Serverless-2016-10-31"
        resources = self.resources()
        params: Doc = {} if self.sam else dict(_ARTIFACT_PARAMETERS)
        for name, r in sorted(self.params.items()):
            what = {"name": "name", "url": "URL"}.get(r.attr, "ARN")
            params[name] = {"Type": "String", "Description": f"The {what} of {r.id} (parent stack)"}
        if params:
            doc["Parameters"] = params
        doc["Resources"] = resources
        if outputs:
            doc["Outputs"] = {
                o.id: {"Description": o.description, "Value": self.ref(o.value)} for o in outputs
            }
        return doc


_ARTIFACT_PARAMETERS: Doc = {
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


def param_name(r: Ref) -> str:
    """The parameter a group's template takes for a value of the base stack."""
    return f"{r.id}{ {'name': 'Name', 'url': 'Url'}.get(r.attr, 'Arn') }"


def _sub(template: str) -> str:
    return (
        template.replace("{partition}", "${AWS::Partition}")
        .replace("{region}", "${AWS::Region}")
        .replace("{account}", "${AWS::AccountId}")
    )


def _retry(r: RetryPolicy) -> Doc:
    return {
        "MaximumRetryAttempts": r.attempts,
        "MaximumEventAgeInSeconds": r.max_event_age_seconds,
    }


class Templates(NamedTuple):
    """The parent template and one per group (``stacks/<name>.yaml``), as data."""

    parent: Doc
    groups: dict[str, Doc]
    keys: dict[str, str]  # CloudFormation: where deploy-cloudformation.sh uploads each group
    texts: dict[str, str]  # each group's template as written


def group_path(name: str, sam: bool) -> str:
    return f"stacks/{name}{'.sam' if sam else ''}.yaml"


def templates(stack: Stack, sam: bool, note: str = "") -> Templates:
    """The nested stacks are written first: the parent passes each the base values it refers
    to, and (CloudFormation) names its template by a hash of the text."""
    by_id = stack.by_id()  # once: a stack of 5,000 jobs has 20,000 resources
    parent = _Writer(stack, sam, stack.resources, by_id=by_id)
    children: dict[str, Doc] = {}
    keys: dict[str, str] = {}
    texts: dict[str, str] = {}
    nested: Doc = {}
    for g in stack.groups:
        w = _Writer(stack, sam, g.resources, up="../", by_id=by_id)
        doc = w.template(g.description, g.outputs)
        path = group_path(g.name, sam)
        children[path] = doc
        params = {name: parent.ref(r) for name, r in sorted(w.params.items())}
        if sam:
            texts[path] = dump(doc, note)
            nested[g.id] = {
                "Type": "AWS::Serverless::Application",
                "Properties": {"Location": path, "Parameters": params},
            }
            continue
        texts[path] = dump(doc, note)
        key = s3_key(Code(path, hashlib.sha256(texts[path].encode()).hexdigest()))
        keys[path] = key
        params = {
            "ArtifactBucket": {"Ref": "ArtifactBucket"},
            "ArtifactPrefix": {"Ref": "ArtifactPrefix"},
            **params,
        }
        nested[g.id] = {
            "Type": "AWS::CloudFormation::Stack",
            "Properties": {
                # Path-style, so that a bucket name with dots works too.
                "TemplateURL": {
                    "Fn::Sub": "https://s3.${AWS::Region}.${AWS::URLSuffix}/${ArtifactBucket}/"
                    "${ArtifactPrefix}" + key
                },
                "Parameters": params,
            },
        }
    doc = parent.template(stack.description, stack.outputs)
    doc["Resources"].update(nested)
    return Templates(doc, children, keys, texts)


def cloudformation(stack: Stack) -> Doc:
    """Every resource in one document (parent and groups merged): for tests and tools that
    look at resources, not at how they are split."""
    return _merged(templates(stack, sam=False))


def sam(stack: Stack) -> Doc:
    return _merged(templates(stack, sam=True))


def _merged(t: Templates) -> Doc:
    doc = dict(t.parent)
    resources = {
        k: v
        for k, v in t.parent["Resources"].items()
        if v["Type"] not in ("AWS::CloudFormation::Stack", "AWS::Serverless::Application")
    }
    for child in t.groups.values():
        resources.update(child["Resources"])
    doc["Resources"] = resources
    return doc


_NOTE = (
    f"Generated by cronmigrate {__version__}; regenerate rather than edit.\n"
    "Settings: cronmigrate.yaml (cronmigrate init-config)."
)


def render(stack: Stack, which: set[str]) -> Artifacts:
    out: Artifacts = {}
    for sam_form, main, deploy in (
        (True, "template.yaml", "sam deploy --guided"),
        (False, "cloudformation.yaml", "./deploy-cloudformation.sh BUCKET STACK"),
    ):
        if ("sam" if sam_form else "cloudformation") not in which:
            continue
        t = templates(stack, sam_form, _NOTE)
        out[main] = Artifact.text(dump(t.parent, f"{_NOTE}\nDeploy: {deploy}"))
        for path, text in t.texts.items():
            out[path] = Artifact.text(text)
        problems = [
            p
            for path, doc in [(main, t.parent), *t.groups.items()]
            for p in template_problems(path, doc, len(out[path].content))
        ]
        if problems:  # never hand CloudFormation a template it refuses
            raise CronmigrateError(
                "generated templates CloudFormation would refuse: " + "; ".join(problems)
            )
        if not sam_form:
            codes = {r.code for r in stack.all_resources() if isinstance(r, Function | Layer)}
            uploads = [(c.path, s3_key(c)) for c in sorted(codes)]
            uploads += sorted(t.keys.items())
            script = render_template(
                "deploy-cloudformation.sh.j2", version=__version__, uploads=uploads
            )
            out["deploy-cloudformation.sh"] = Artifact.text(script, 0o755)
    return out
