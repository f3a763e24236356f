"""Benchmark: build a 10,000-line crontab, time `plan --format json` end to end and the proof alone.

Run: python bench/bench_plan.py [--lines N] [--timezone ZONE]
Prints figures; asserts nothing (this is not a test).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MINUTES = ["0", "5", "15", "30", "45", "*/5", "*/10", "*/15", "0,30", "10-50/20", "*", "7"]
HOURS = ["*", "0", "2", "3", "6", "12", "*/2", "*/6", "8-18", "9-17/2", "22", "1,13"]
DOMS = ["*", "*", "*", "1", "15", "1,15", "1-7", "*/2", "L" * 0 + "28", "10-20"]
MONTHS = ["*", "*", "*", "1", "jan,jul", "*/3", "6-8", "dec"]
DOWS = ["*", "*", "*", "1-5", "mon-fri", "0", "sun", "6,0", "1", "*/2"]
MACROS = ["@daily", "@hourly", "@weekly", "@monthly", "@yearly", "@reboot"]


def make_crontab(lines: int, seed: int = 1) -> str:
    rnd = random.Random(seed)
    out = ["SHELL=/bin/bash", "PATH=/usr/local/bin:/usr/bin:/bin", "MAILTO=ops@example.com"]
    while len(out) < lines:
        r = rnd.random()
        if r < 0.05:
            out.append(f"{rnd.choice(MACROS)} /opt/jobs/job{len(out)}.sh")
        elif r < 0.10:
            out.append(f"# comment {len(out)}")
        elif r < 0.105:
            out.append(f"JOB_VAR_{len(out)}=value{len(out)}")
        else:
            fields = [rnd.choice(x) for x in (MINUTES, HOURS, DOMS, MONTHS, DOWS)]
            out.append(" ".join(fields) + f" /opt/jobs/job{len(out)}.sh >> /var/log/j.log 2>&1")
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=10_000)
    ap.add_argument("--timezone", default="Europe/Berlin")
    args = ap.parse_args()
    text = make_crontab(args.lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "crontab.user"
        path.write_text(text)
        cmd = [
            sys.executable,
            "-m",
            "cronmigrate",
            "plan",
            "--user",
            "--format",
            "json",
            "--timezone",
            args.timezone,
            "--now",
            "2026-11-25T12:00:00Z",
            str(path),
        ]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, check=False)
        wall = time.perf_counter() - t0
        print(
            f"plan --format json, {args.lines} lines, {args.timezone}: {wall:.2f} s "
            f"(exit {proc.returncode}, {len(proc.stdout) / 1e6:.1f} MB of JSON)"
        )

    from cronmigrate.crontab.model import CrontabKind
    from cronmigrate.crontab.parse import parse_crontab
    from cronmigrate.schedule import daysets, fires, local

    t0 = time.perf_counter()
    tab = parse_crontab(text, "bench", CrontabKind.USER)
    t_parse = time.perf_counter() - t0
    jobs = [j for j in tab.jobs if j.schedule is not None]
    daysets.month_mask(1)  # build the calendar columns outside the timing
    t0 = time.perf_counter()
    proven = 0
    for job in jobs:
        assert job.schedule is not None
        try:
            crons, _ = local.local_crons(job.schedule)
        except local.Refusal:
            continue
        cmp = fires.compare([fires.cron_pair(job.schedule)], [fires.aws_pair(c) for c in crons])
        proven += cmp.equal
    t_proof = time.perf_counter() - t0
    print(f"parse {len(tab.jobs)} jobs: {t_parse * 1000:.0f} ms")
    print(
        f"translate + prove {len(jobs)} schedules (no cache, all dates): {t_proof:.2f} s "
        f"({t_proof / max(len(jobs), 1) * 1e6:.0f} us each, {proven} proven equal)"
    )


if __name__ == "__main__":
    main()
