"""Fuzz plan and lint with generated crontabs: no exception, JSON always valid, output always
valid UTF-8 and bounded. ``python bench/fuzz_inputs.py [N]`` prints the figures."""

from __future__ import annotations

import json
import random
import sys
import time

from cronmigrate.crontab.model import CrontabKind
from cronmigrate.lint import output
from cronmigrate.lint.engine import LintOptions, lint
from cronmigrate.plan import report
from cronmigrate.plan.build import PlanOptions, build_plan

PIECES = [
    "*", "*/5", "0", "59", "60", "1-5", "5-1", "1,2,3", "MON-FRI", "jan", "?", "L", "7", "@daily",
    "@reboot", "0/15", "", " ", "\t", "%", "\\%", "CRON_TZ=Asia/Tokyo", "TZ=Nope/Zone",
    "MAILTO=", "MAILTO=a@b.c", "SHELL=/bin/bash", "A='x", "sudo -u app", "run-parts /etc/x",
    "/opt/x.sh", "echo $(date)", "\r", "\x00", "\udcff", "#", "# cronmigrate: disable=CM404",
]  # fmt: skip


def line(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return "".join(chr(rng.randrange(1, 0x250)) for _ in range(rng.randrange(0, 60)))
    return " ".join(rng.choice(PIECES) for _ in range(rng.randrange(0, 9)))


def main(n: int) -> None:
    rng = random.Random(2026)
    start = time.perf_counter()
    findings = 0
    for i in range(n):
        text = "\n".join(line(rng) for _ in range(rng.randrange(1, 12)))
        text += "\n" if rng.random() < 0.9 else ""
        kind = rng.choice([CrontabKind.USER, CrontabKind.SYSTEM])
        plan = build_plan(["-"], PlanOptions(forced_kind=kind), stdin_text=text)
        for out in (report.to_json(plan), report.to_text(plan), report.to_markdown(plan)):
            out.encode("utf-8")  # strict: raises on a lone surrogate
        json.loads(report.to_json(plan))
        result = lint(["-"], LintOptions(forced_kind=kind, show_info=True), text)
        findings += len(result.findings)
        for out in (output.as_json(result.findings), output.sarif(result.findings)):
            out.encode("utf-8")
            json.loads(out)
        if i and i % 1000 == 0:
            print(f"{i} crontabs…", file=sys.stderr)
    took = time.perf_counter() - start
    print(f"{n} generated crontabs, {findings} findings, no exception, every JSON valid "
          f"and every output valid UTF-8, in {took:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
