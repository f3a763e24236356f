"""Lint output: text (ruff-like), JSON, SARIF 2.1.0, GitHub workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import quote

from cronmigrate import __version__
from cronmigrate.diagnostics import Diagnostic, Severity
from cronmigrate.diagnostics.rules import BY_CODE, RULES

_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _clean(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def summary(findings: Sequence[Diagnostic], files: int) -> str:
    if not findings:
        return ""
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}"
             for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]  # fmt: skip
    return f"Found {len(findings)} problem{'s' if len(findings) != 1 else ''} " \
           f"({', '.join(parts)}) in {files} file{'s' if files != 1 else ''}."  # fmt: skip


def text(findings: Sequence[Diagnostic], files: int, color: bool) -> str:
    lines = []
    for f in findings:
        code = f"{_COLORS[f.severity]}{f.code}\x1b[0m" if color else f.code
        lines.append(f"{f.location}: {code} {_clean(f.message)}")
    if findings:
        lines.append(summary(findings, files))
    return "".join(line + "\n" for line in lines)


def as_json(findings: Sequence[Diagnostic]) -> str:
    return json.dumps([{
        "code": f.code,
        "rule": BY_CODE[f.code].name if f.code in BY_CODE else None,
        "severity": str(f.severity),
        "message": f.message,
        "path": f.location.path,
        "line": f.location.line,
        "column": f.location.column,
    } for f in findings], indent=2, ensure_ascii=False) + "\n"  # fmt: skip


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github(findings: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    kind = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    out = []
    for f in findings:
        rule = BY_CODE.get(f.code)
        title = f"{f.code} {rule.name}" if rule else f.code
        props = (f"file={_gh_escape(f.location.path, True)},line={f.location.line},"
                 f"col={f.location.column},title={_gh_escape(title, True)}")  # fmt: skip
        out.append(f"::{kind[f.severity]} {props}::{_gh_escape(f.message)}\n")
    return "".join(out)


def sarif(findings: Sequence[Diagnostic]) -> str:
    """SARIF 2.1.0, for GitHub code scanning and other viewers."""
    rules = [{
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.doc},
        "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
    } for r in RULES]  # fmt: skip
    index = {r.code: i for i, r in enumerate(RULES)}
    results = []
    for f in findings:
        result: dict[str, object] = {
            "ruleId": f.code,
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": quote(f.location.path.replace("\\", "/"))},
                "region": {"startLine": max(f.location.line, 1),
                           "startColumn": max(f.location.column, 1)}}}],
        }  # fmt: skip
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        results.append(result)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "cronmigrate", "version": __version__,
                                      "rules": rules}},
                  "results": results}],
    }  # fmt: skip
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
