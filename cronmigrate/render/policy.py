"""IAM policy documents as every output form writes them: one statement writer for
CloudFormation, SAM and Terraform, each passing its own way of writing a value (a reference,
an ARN template, the account id)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cronmigrate.deploy.infra import Statement

VERSION = "2012-10-17"  # the IAM policy language's version ("IAM JSON policy elements: Version")


def statement(s: Statement, value: Callable[[Any], Any]) -> dict[str, Any]:
    """One statement; a single action or resource is written alone, as people write them."""
    out: dict[str, Any] = {}
    if s.sid:
        out["Sid"] = s.sid
    out["Effect"] = s.effect
    if s.principal:
        out["Principal"] = {"Service": s.principal}
    elif s.principal_arn:
        out["Principal"] = {"AWS": value(s.principal_arn)}
    out["Action"] = s.actions[0] if len(s.actions) == 1 else list(s.actions)
    if s.resources:
        res = [value(x) for x in s.resources]
        out["Resource"] = res[0] if len(res) == 1 else res
    if s.condition:
        out["Condition"] = value(s.condition)
    return out


def document(statements: Sequence[Statement], value: Callable[[Any], Any]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": [statement(s, value) for s in statements]}


def state(enabled: bool) -> str:
    """A schedule's or rule's state."""
    return "ENABLED" if enabled else "DISABLED"
