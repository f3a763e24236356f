"""Time ``cronmigrate status`` over a deployment of 1,000 jobs on a local AWS (moto's server):
generate a 1,000-job crontab, deploy it with the generated deploy-cloudformation.sh, claim a
day of runs in the guard's table, then run ``status`` as a user would (a separate process,
start-up included) and report its time and its API calls.

    python bench/bench_status.py [--jobs N] [--repeat K]

Needs the test extras (moto[server]); the issue's bound is 30 s for 1,000 jobs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def crontab(n: int) -> str:
    """n distinct jobs, one in ten split by cron's OR rule (two schedules)."""
    lines = ["MAILTO=ops@example.com\n"]
    for i in range(n):
        day, dow = ("1,15", "1-5") if i % 10 == 0 else ("*", "*")
        lines.append(f"{i % 60} {(i // 60) % 24} {day} * {dow} echo job {i}\n")
    return "".join(lines)


def claim_a_day(aws: Any, out: Path, now: dt.datetime) -> int:
    """Each job's fires in the day before ``now`` written to the guard's table as the
    runtime's claims (outcome ok), in batches of 25."""
    from croniter import croniter

    index = json.loads((out / "cronmigrate-jobs.json").read_text())
    fn = aws.client("lambda").get_function_configuration(FunctionName=index["jobs"][0]["function"])
    table = fn["Environment"]["Variables"]["CRONMIGRATE_LOCK_TABLE"]
    items = []
    for job in index["jobs"]:
        it = croniter(job["cron"], now - dt.timedelta(days=1))
        while (at := it.get_next(dt.datetime)) <= now - dt.timedelta(minutes=2):
            stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
            items.append({"pk": {"S": f"{job['function']}#{stamp}"}, "expires": {"N": "9999999999"},
                          "outcome": {"S": "ok"}, "exit_status": {"N": "0"},
                          "duration_ms": {"N": "800"}, "ended": {"S": stamp}})  # fmt: skip
    ddb = aws.client("dynamodb")
    for i in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": item}} for item in items[i : i + 25]]
        ddb.batch_write_item(RequestItems={table: batch})
    return len(items)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="cProfile the last status run")
    args = ap.parse_args()
    from tests.helpers import generate_into
    from tests.helpers.emulator import deploy, emulator

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server: one line a request
    with tempfile.TemporaryDirectory() as tmp_s, emulator() as aws:
        tmp = Path(tmp_s)
        tab = tmp / "tab"
        tab.write_text(crontab(args.jobs))
        out = tmp / "out"
        t0 = time.perf_counter()
        deployment: Any = generate_into(out, [str(tab)], cwd=tmp, root=tmp, timezone="UTC")
        t1 = time.perf_counter()
        deploy(aws, out, "cronmigrate-bench")
        t2 = time.perf_counter()
        print(f"generated {len(deployment.jobs):,} jobs in {t1 - t0:.1f} s, "
              f"deployed on moto in {t2 - t1:.1f} s")  # fmt: skip
        # a day later, every run of the day claimed as the runtime claims it
        now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(days=1)
        t3 = time.perf_counter()
        claimed = claim_a_day(aws, out, now)
        print(f"claimed {claimed:,} runs in {time.perf_counter() - t3:.1f} s")
        env = {**aws.subprocess_env(), "NO_COLOR": "1"}
        for k in range(args.repeat):
            t = time.perf_counter()
            profile = ["-m", "cProfile", "-s", "cumtime"] if args.profile else []
            command = ["status", str(out), "-f", "json", "--since", "24h", "--now", now.isoformat()]
            res = subprocess.run(
                [sys.executable, *profile, "-m", "cronmigrate", *command],
                capture_output=True,
                text=True,
                env=env,
                check=False,
                cwd=ROOT,
            )
            took = time.perf_counter() - t
            if res.returncode not in (0, 1):
                sys.exit(f"status failed ({res.returncode}): {res.stderr.strip()}")
            text, _, stats = res.stdout.partition("\n         ")  # cProfile's table
            if args.profile:
                print("\n".join(stats.splitlines()[:40]))
            doc = json.loads(text)
            statuses: dict[str, int] = {}
            for j in doc["jobs"]:
                statuses[j["status"]] = statuses.get(j["status"], 0) + 1
            print(f"status run {k + 1}: {took:.2f} s for {len(doc['jobs']):,} jobs "
                  f"(exit {res.returncode}; {statuses})")  # fmt: skip


if __name__ == "__main__":
    main()
