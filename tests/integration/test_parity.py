"""CloudFormation, SAM (after the real transform) and Terraform (parsed with python-hcl2) say
the same thing: every role's trust and policies, every function's settings, every schedule,
rule, permission, log group, topic, subscription and state machine, resource by resource.

References are compared by the resource they point at (``<LogicalId>``), ARNs built from the
deployment's partition, region and account as ``arn:{partition}:…``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import hcl2
import pytest

from cronmigrate.deploy import infra
from cronmigrate.render.terraform import address
from tests.helpers import OUTPUT_CASES, ROOT, generated_into
from tests.helpers.iac import cfn_resources, sam_resources, terraform_resources

Canon = dict[str, Any]


# ------------------------------------------------------------------ CloudFormation and SAM


def _cfn_value(v: Any, types: dict[str, str], alias: dict[str, str]) -> Any:
    if isinstance(v, dict):
        if set(v) == {"Ref"}:
            if v["Ref"] == "AWS::AccountId":
                return "{account}"
            return f"<{alias.get(v['Ref'], v['Ref'])}>"
        if set(v) == {"Fn::GetAtt"}:
            rid = v["Fn::GetAtt"][0]
            target = f"<{alias.get(rid, rid)}>"
            return target + ":*" if types.get(rid) == "AWS::Logs::LogGroup" else target
        if set(v) == {"Fn::Sub"}:
            return (
                v["Fn::Sub"]
                .replace("${AWS::Partition}", "{partition}")
                .replace("${AWS::Region}", "{region}")
                .replace("${AWS::AccountId}", "{account}")
            )
        return {k: _cfn_value(x, types, alias) for k, x in v.items()}
    if isinstance(v, list):
        return [_cfn_value(x, types, alias) for x in v]
    return v


def _listed(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def _statements(doc: dict[str, Any]) -> list[Canon]:
    out = []
    for s in doc["Statement"]:
        c = {k: v for k, v in s.items() if k not in ("Action", "Resource")}
        if "Action" in s:
            c["Action"] = sorted(_listed(s["Action"]))
        if "Resource" in s:
            c["Resource"] = sorted(map(str, _listed(s["Resource"])))
        out.append(c)
    return out


def canon_cloudformation(resources: dict[str, Any], alias: dict[str, str]) -> dict[str, Canon]:
    """{neutral id: canonical properties} from a CloudFormation template's resources."""
    types = {k: r["Type"] for k, r in resources.items()}
    out: dict[str, Canon] = {}
    for rid, r in resources.items():
        p = _cfn_value(r.get("Properties", {}), types, alias)
        rid = alias.get(rid, rid)
        kind = r["Type"]
        if kind == "AWS::IAM::Role":
            out[rid] = {
                "trust": _statements(p["AssumeRolePolicyDocument"]),
                "policies": {
                    x["PolicyName"]: _statements(x["PolicyDocument"]) for x in p.get("Policies", [])
                },
                "managed": sorted(p.get("ManagedPolicyArns", [])),
            }
        elif kind == "AWS::Lambda::Function":
            out[rid] = {
                "name": p["FunctionName"],
                "description": p["Description"],
                "runtime": p["Runtime"],
                "handler": p["Handler"],
                "architectures": p["Architectures"],
                "memory": p["MemorySize"],
                "timeout": p["Timeout"],
                "role": p["Role"],
                "layers": p["Layers"],
                "log_group": p["LoggingConfig"]["LogGroup"],
                "environment": p.get("Environment", {}).get("Variables", {}),
                "vpc": p.get("VpcConfig"),
            }
        elif kind == "AWS::Lambda::EventInvokeConfig":
            dest = p.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
            out[f"{p['FunctionName']}:invoke"] = {
                "retries": p["MaximumRetryAttempts"],
                "max_age": p.get("MaximumEventAgeInSeconds"),
                "on_failure": dest,
            }
        elif kind == "AWS::Scheduler::Schedule":
            t = p["Target"]
            out[rid] = {
                "name": p["Name"],
                "description": p["Description"],
                "expression": p["ScheduleExpression"],
                "timezone": p["ScheduleExpressionTimezone"],
                "state": p["State"],
                "window": p["FlexibleTimeWindow"]["Mode"],
                "target": t["Arn"],
                "role": t["RoleArn"],
                "input": json.loads(t["Input"]),
                "retry": [
                    t["RetryPolicy"]["MaximumRetryAttempts"],
                    t["RetryPolicy"]["MaximumEventAgeInSeconds"],
                ],
                "dead_letter": t.get("DeadLetterConfig", {}).get("Arn"),
            }
        elif kind == "AWS::Events::Rule":
            out[rid] = {
                "name": p["Name"],
                "description": p["Description"],
                "expression": p["ScheduleExpression"],
                "state": p["State"],
                "targets": [
                    (
                        t["Arn"],
                        t.get("RetryPolicy", {}).get("MaximumRetryAttempts"),
                        t.get("RetryPolicy", {}).get("MaximumEventAgeInSeconds"),
                        t.get("DeadLetterConfig", {}).get("Arn"),
                    )
                    for t in p["Targets"]
                ],
            }
        elif kind == "AWS::Lambda::Permission":
            out[rid] = {
                "function": p["FunctionName"],
                "principal": p["Principal"],
                "source": p["SourceArn"],
            }
        elif kind == "AWS::Logs::LogGroup":
            out[rid] = {"name": p["LogGroupName"], "retention": p["RetentionInDays"]}
        elif kind == "AWS::SNS::Topic":
            out[rid] = {"display_name": p.get("DisplayName"), "key": p.get("KmsMasterKeyId")}
        elif kind == "AWS::KMS::Key":
            out[rid] = {
                "description": p["Description"],
                "rotation": p["EnableKeyRotation"],
                "policy": _statements(p["KeyPolicy"]),
            }
        elif kind == "AWS::SNS::Subscription":
            out[rid] = {
                "topic": p["TopicArn"],
                "protocol": p["Protocol"],
                "endpoint": p["Endpoint"],
            }
        elif kind == "AWS::StepFunctions::StateMachine":
            log = p.get("LoggingConfiguration")
            out[rid] = {
                "name": p["StateMachineName"],
                "role": p["RoleArn"],
                "substitutions": p.get("DefinitionSubstitutions", {}),
                "logging": [
                    log["Level"],
                    log["IncludeExecutionData"],
                    log["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"],
                ]
                if log
                else None,
            }
        elif kind == "AWS::DynamoDB::Table":
            out[rid] = {
                "key": [k["AttributeName"] for k in p["KeySchema"]],
                "ttl": p["TimeToLiveSpecification"]["AttributeName"],
            }
        elif kind == "AWS::Lambda::LayerVersion":
            out[rid] = {
                "name": p["LayerName"],
                "runtimes": p["CompatibleRuntimes"],
                "architectures": p["CompatibleArchitectures"],
            }
        elif kind == "AWS::SQS::Queue":
            out[rid] = {"retention": p["MessageRetentionPeriod"], "sse": p["SqsManagedSseEnabled"]}
        elif kind == "AWS::SQS::QueuePolicy":
            out[rid] = {"queue": p["Queues"][0], "statements": _statements(p["PolicyDocument"])}
        elif kind == "AWS::CloudWatch::Alarm":
            out[rid] = {
                "name": p["AlarmName"],
                "description": p["AlarmDescription"],
                "metric": [p["Namespace"], p["MetricName"], p["Statistic"], p["Period"]],
                "dimensions": {d["Name"]: d["Value"] for d in p["Dimensions"]},
                "rule": [
                    p["EvaluationPeriods"],
                    p["Threshold"],
                    p["ComparisonOperator"],
                    p["TreatMissingData"],
                ],
                "actions": p["AlarmActions"],
            }
    return out


def sam_aliases(transformed: dict[str, Any], stack: infra.Stack) -> dict[str, str]:
    """SAM's generated logical ids → the model's ids."""
    alias: dict[str, str] = {}
    for r in stack.all_resources():
        if isinstance(r, infra.Schedule | infra.Rule):
            alias[f"{r.target.id}{r.event}"] = r.id
        if isinstance(r, infra.Permission):
            rule = stack.by_id()[r.source.id]
            assert isinstance(rule, infra.Rule)
            alias[f"{rule.target.id}{rule.event}Permission"] = r.id
        if isinstance(r, infra.Layer):
            for rid in transformed:
                if rid.startswith(r.id):
                    alias[rid] = r.id
    return alias


# ------------------------------------------------------------------ Terraform


def _hcl(v: Any, addresses: dict[str, str]) -> Any:
    """python-hcl2's strings (quotes kept, ``${…}`` around expressions) → canonical values."""
    if isinstance(v, dict):
        return {_hcl(k, addresses): _hcl(x, addresses) for k, x in v.items() if k != "__is_block__"}
    if isinstance(v, list):
        return [_hcl(x, addresses) for x in v]
    if not isinstance(v, str):
        return v
    if v.startswith("${jsonencode(") and v.endswith(")}"):
        return _hcl(hcl2.loads("x = " + v[len("${jsonencode(") : -2])["x"], addresses)
    if len(v) >= 2 and v[0] == v[-1] == '"':
        v = json.loads(v).replace("$${", "${")

    def ref(m: re.Match[str]) -> str:
        expr = m.group(1)
        fixed = {
            "data.aws_partition.current.partition": "{partition}",
            "data.aws_region.current.name": "{region}",
            "data.aws_caller_identity.current.account_id": "{account}",
        }
        if expr in fixed:
            return fixed[expr]
        addr = expr.rsplit(".", 1)[0]
        return f"<{addresses[addr]}>" if addr in addresses else m.group(0)

    return re.sub(r"\$\{([A-Za-z0-9_.]+)\}", ref, v)


def canon_terraform(tf_dir: Path, stack: infra.Stack) -> dict[str, Canon]:
    addresses = {address(r): r.id for r in stack.all_resources()}
    addresses.update({f"aws_cloudwatch_event_target.{r.tf}": r.id for r in stack.all_resources()})
    res = {
        f"{rtype}.{name}": _hcl(body, addresses)
        for rtype, bodies in terraform_resources(tf_dir).items()
        for name, body in bodies.items()
    }
    out: dict[str, Canon] = {}
    for key, p in res.items():
        kind = key.split(".")[0]
        rid = addresses.get(key, key)
        if kind == "aws_iam_role":
            trust = p["assume_role_policy"]
            policies = {
                q["name"]: _statements(q["policy"])
                for k, q in res.items()
                if k.startswith("aws_iam_role_policy.") and q["role"] == f"<{rid}>"
            }
            managed = sorted(
                q["policy_arn"]
                for k, q in res.items()
                if k.startswith("aws_iam_role_policy_attachment.") and q["role"] == f"<{rid}>"
            )
            out[rid] = {"trust": _statements(trust), "policies": policies, "managed": managed}
        elif kind == "aws_lambda_function":
            log = p["logging_config"][0]
            env = p.get("environment", [{}])[0].get("variables", {})
            vpc = p.get("vpc_config")
            out[rid] = {
                "name": p["function_name"],
                "description": p["description"],
                "runtime": p["runtime"],
                "handler": p["handler"],
                "architectures": p["architectures"],
                "memory": p["memory_size"],
                "timeout": p["timeout"],
                "role": p["role"],
                "layers": p["layers"],
                "log_group": log["log_group"],
                "environment": env,
                "vpc": {
                    "SubnetIds": vpc[0]["subnet_ids"],
                    "SecurityGroupIds": vpc[0]["security_group_ids"],
                }
                if vpc
                else None,
            }
        elif kind == "aws_lambda_function_event_invoke_config":
            dest = p.get("destination_config", [{}])[0].get("on_failure", [{}])[0]
            out[f"{p['function_name']}:invoke"] = {
                "retries": p["maximum_retry_attempts"],
                "max_age": p.get("maximum_event_age_in_seconds"),
                "on_failure": dest.get("destination"),
            }
        elif kind == "aws_scheduler_schedule":
            t = p["target"][0]
            r = t["retry_policy"][0]
            out[rid] = {
                "name": p["name"],
                "description": p["description"],
                "expression": p["schedule_expression"],
                "timezone": p["schedule_expression_timezone"],
                "state": p["state"],
                "window": p["flexible_time_window"][0]["mode"],
                "target": t["arn"],
                "role": t["role_arn"],
                "input": json.loads(t["input"]),
                "retry": [r["maximum_retry_attempts"], r["maximum_event_age_in_seconds"]],
                "dead_letter": t.get("dead_letter_config", [{}])[0].get("arn"),
            }
        elif kind == "aws_cloudwatch_event_rule":
            targets = [
                (
                    q["arn"],
                    q.get("retry_policy", [{}])[0].get("maximum_retry_attempts"),
                    q.get("retry_policy", [{}])[0].get("maximum_event_age_in_seconds"),
                    q.get("dead_letter_config", [{}])[0].get("arn"),
                )
                for k, q in res.items()
                if k.startswith("aws_cloudwatch_event_target.") and q["rule"] == f"<{rid}>"
            ]
            out[rid] = {
                "name": p["name"],
                "description": p["description"],
                "expression": p["schedule_expression"],
                "state": p["state"],
                "targets": targets,
            }
        elif kind == "aws_lambda_permission":
            out[rid] = {
                "function": p["function_name"],
                "principal": p["principal"],
                "source": p["source_arn"],
            }
        elif kind == "aws_cloudwatch_log_group":
            out[rid] = {"name": p["name"], "retention": p["retention_in_days"]}
        elif kind == "aws_sns_topic":
            out[rid] = {"display_name": p.get("display_name"), "key": p.get("kms_master_key_id")}
        elif kind == "aws_kms_key":
            out[rid] = {
                "description": p["description"],
                "rotation": p["enable_key_rotation"],
                "policy": _statements(p["policy"]),
            }
        elif kind == "aws_sns_topic_subscription":
            out[rid] = {
                "topic": p["topic_arn"],
                "protocol": p["protocol"],
                "endpoint": p["endpoint"],
            }
        elif kind == "aws_sfn_state_machine":
            found = re.findall(r'"\$\$\{(\w+)\}", ([A-Za-z0-9_.]+)\)', p["definition"])
            subs = {k: f"<{addresses[a.rsplit('.', 1)[0]]}>" for k, a in found}
            log = p.get("logging_configuration", [None])[0]
            out[rid] = {
                "name": p["name"],
                "role": p["role_arn"],
                "substitutions": subs,
                "logging": [log["level"], log["include_execution_data"], log["log_destination"]]
                if log
                else None,
            }
        elif kind == "aws_dynamodb_table":
            out[rid] = {"key": [p["hash_key"]], "ttl": p["ttl"][0]["attribute_name"]}
        elif kind == "aws_lambda_layer_version":
            out[rid] = {
                "name": p["layer_name"],
                "runtimes": p["compatible_runtimes"],
                "architectures": p["compatible_architectures"],
            }
        elif kind == "aws_sqs_queue":
            out[rid] = {
                "retention": p["message_retention_seconds"],
                "sse": p["sqs_managed_sse_enabled"],
            }
        elif kind == "aws_sqs_queue_policy":
            out[rid] = {"queue": p["queue_url"], "statements": _statements(p["policy"])}
        elif kind == "aws_cloudwatch_metric_alarm":
            out[rid] = {
                "name": p["alarm_name"],
                "description": p["alarm_description"],
                "metric": [p["namespace"], p["metric_name"], p["statistic"], p["period"]],
                "dimensions": p["dimensions"],
                "rule": [
                    p["evaluation_periods"],
                    p["threshold"],
                    p["comparison_operator"],
                    p["treat_missing_data"],
                ],
                "actions": p["alarm_actions"],
            }
    return out


# ------------------------------------------------------------------ the comparison


def _stack(out: Path, **kw: Any) -> infra.Stack:
    stack: infra.Stack = generated_into(out, **kw).stack
    return stack


# ... and the samples with one execution role per nested stack (roles: per-group)
CASES = {
    **OUTPUT_CASES,
    "samples-per-group": {"config": str(ROOT / "tests/data/per-group.yaml")},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_form_says_the_same(tmp_path: Path, case: str) -> None:
    out = tmp_path / "out"
    stack = _stack(out, **CASES[case])
    cfn = canon_cloudformation(cfn_resources(out), {})
    transformed = sam_resources(out)
    sam = canon_cloudformation(transformed, sam_aliases(transformed, stack))
    tf = canon_terraform(out / "terraform", stack)

    ids = {r.id for r in stack.all_resources()}
    assert ids <= set(cfn), ids - set(cfn)
    # Compare every resource CloudFormation has, property by property.
    for rid in sorted(cfn):
        assert tf.get(rid) == cfn[rid], f"Terraform differs on {rid}"
        # SAM's ids for what its events generate are mapped back by sam_aliases().
        assert sam.get(rid) == cfn[rid], f"SAM differs on {rid}"
    assert set(tf) == set(cfn), set(tf) ^ set(cfn)


def test_a_drifted_policy_is_caught(tmp_path: Path) -> None:
    """The comparison can fail: one changed action in Terraform is found."""
    out = tmp_path / "out"
    stack = _stack(out)
    main = next(
        p
        for p in sorted((out / "terraform/groups").glob("*/main.tf"))
        if '"logs:PutLogEvents"' in p.read_text()
    )
    text = main.read_text()
    main.write_text(text.replace('"logs:PutLogEvents"', '"logs:*"', 1))
    cfn = canon_cloudformation(cfn_resources(out), {})
    tf = canon_terraform(out / "terraform", stack)
    assert any(tf.get(rid) != cfn[rid] for rid in cfn)
