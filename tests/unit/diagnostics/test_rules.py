"""Every finding comes from a registered rule: its code and severity are the rule's."""

from __future__ import annotations

import ast
import re

from cronmigrate.diagnostics import Diagnostic
from cronmigrate.diagnostics.rules import BY_CODE, RULES
from cronmigrate.lint.engine import LintOptions, lint
from cronmigrate.plan.build import PlanOptions, build_plan
from cronmigrate.schedule.model import Trigger
from tests.helpers import NOW, ROOT, SAMPLES

CODE = re.compile(r"^CM\d{3}$")


def test_codes_are_unique_and_well_formed() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)
    assert all(CODE.match(r.code) for r in RULES)


def test_no_code_literal_outside_the_registry() -> None:
    """A finding is made by its rule (``rule.at(...)``), never from a code string."""
    offenders = []
    for path in sorted((ROOT / "cronmigrate").rglob("*.py")):
        if path.name == "rules.py" and path.parent.name == "diagnostics":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            if CODE.match(node.value):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def _check(findings: list[Diagnostic]) -> int:
    for d in findings:
        rule = BY_CODE[d.code]
        assert d.severity is rule.severity, f"{d.code} reported as {d.severity}: {d.message}"
    return len(findings)


def test_every_reported_finding_has_its_rules_severity() -> None:
    seen = 0
    for root, tabs in (
        (SAMPLES, ["etc/crontab", "etc/cron.d", "var/spool/cron/crontabs"]),
        (SAMPLES / "server-root", ["etc/cron.d"]),
        (SAMPLES / "hard-cases", ["crontab"]),
    ):
        for target in Trigger:
            paths = [str(root / t) for t in tabs]
            opts = PlanOptions("Europe/Berlin", target, now=NOW, root=root, allow_drift=True)
            plan = build_plan(paths, opts)
            found = list(plan.diagnostics)
            for jp in plan.jobs:
                found += jp.translation.reasons
            seen += _check(found)
            seen += _check(list(lint(paths, LintOptions(show_info=True)).findings))
    assert seen > 50  # the samples exercise many rules
