"""What AWS refuses and lenient checkers (cfn-lint, the emulator) let through: a checker of
our own, run on every generated template and expression (facts and sources in aws_facts).

- no null anywhere in a template (CloudFormation: "'null' values are not allowed in
  templates");
- template size (51,200 bytes inline, 1 MB from S3), resources ≤ 500, outputs ≤ 200,
  parameters ≤ 200 per template;
- one statement id per function policy;
- every cron() expression within AWS's documented grammar: field ranges, increments
  within their field, ``?`` in one day field, ``L``/``W``/``#`` where allowed, years
  1970-2199, 256 characters at most.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from cronmigrate import aws_facts as aws
from cronmigrate.deploy.infra import (
    AccountId,
    Arn,
    Function,
    Permission,
    Ref,
    Role,
    Rule,
    Schedule,
    Stack,
)
from cronmigrate.render import policy
from cronmigrate.schedule.grammar import expression_problems


def nulls(doc: Any, path: str = "") -> Iterator[str]:
    """Paths of the null values in a template."""
    if doc is None:
        yield path or "/"
    elif isinstance(doc, dict):
        for k, v in doc.items():
            yield from nulls(v, f"{path}/{k}")
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from nulls(v, f"{path}/{i}")


def template_problems(name: str, doc: dict[str, Any], size: int) -> list[str]:
    """What CloudFormation refuses in one template (``size``: its bytes)."""
    out = [f"{name}: null value at {p}" for p in nulls(doc)]
    if size > aws.CFN_TEMPLATE_S3_MAX:
        out.append(f"{name}: {size:,} bytes; CloudFormation reads at most 1 MB from S3")
    for key, limit in (
        ("Resources", aws.CFN_RESOURCES_MAX),
        ("Outputs", aws.CFN_OUTPUTS_MAX),
        ("Parameters", aws.CFN_PARAMETERS_MAX),
    ):
        n = len(doc.get(key) or {})
        if n > limit:
            out.append(f"{name}: {n} {key.lower()}; a template may have at most {limit}")
    return out


def _placeholder(v: Any) -> Any:
    """A value as long as it can be once deployed: an ARN of a named resource in the longest
    partition and region, a function's longest name (aws_facts)."""
    if isinstance(v, Ref | Arn):
        return "x" * (len(v.template) + 40 if isinstance(v, Arn) else aws.ARN_MAX_ESTIMATE)
    if isinstance(v, AccountId):
        return "123456789012"
    if isinstance(v, dict):
        return {k: _placeholder(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_placeholder(x) for x in v]
    return v


def policy_chars(role: Role) -> int:
    """A role's inline policies as IAM counts them: JSON without whitespace."""
    return sum(
        len(json.dumps(policy.document(p.statements, _placeholder), separators=(",", ":")))
        for p in role.policies
    )


def stack_problems(stack: Stack) -> list[str]:
    """Statement ids, expressions and role policy sizes of the neutral model."""
    out: list[str] = []
    for r in stack.all_resources():
        if isinstance(r, Role) and (n := policy_chars(r)) > aws.ROLE_POLICY_CHARS_MAX:
            out.append(
                f"{r.id}: inline policies of about {n:,} characters; IAM allows "
                f"{aws.ROLE_POLICY_CHARS_MAX:,} per role"
            )
    seen: dict[tuple[str, str], str] = {}
    for r in stack.all_resources():
        if isinstance(r, Permission):
            key = (r.function.id, r.statement_id)
            if key in seen:
                out.append(
                    f"{r.id}: statement id {r.statement_id!r} is already used by {seen[key]}"
                )
            seen[key] = r.id
        expression = getattr(r, "expression", None)
        if isinstance(expression, str):
            out += [f"{r.id}: {e}" for e in expression_problems(expression)]
    return out


def quota_warnings(stack: Stack) -> list[str]:
    """Where one deployment passes an account's default quota (raised through Service Quotas)."""
    counts = {
        Role: 0,
        Function: 0,
        Schedule: 0,
        Rule: 0,
    }
    for r in stack.all_resources():
        if type(r) in counts:
            counts[type(r)] += 1
    out = []
    checks = (
        (Role, aws.IAM_ROLES_DEFAULT, "IAM roles", "IAM and AWS STS quotas"),
        (Rule, aws.EVENTBRIDGE_RULES_DEFAULT, "EventBridge rules on the default bus",
         "Amazon EventBridge quotas"),
        (Schedule, aws.SCHEDULER_SCHEDULES_DEFAULT, "EventBridge Scheduler schedules",
         "Quotas for EventBridge Scheduler"),
    )  # fmt: skip
    for kind, limit, what, source in checks:
        if counts[kind] > limit:
            out.append(
                f"{counts[kind]} {what}: more than an account's default quota of {limit:,} "
                f"({source}); raise it through Service Quotas before deploying"
            )
    stacks = 1 + len(stack.groups)
    if stacks > aws.CFN_STACKS_DEFAULT:
        out.append(
            f"{stacks} CloudFormation stacks: more than an account's default quota of "
            f"{aws.CFN_STACKS_DEFAULT:,} (Understand CloudFormation quotas)"
        )
    return out
