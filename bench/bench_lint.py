"""Benchmark `cronmigrate lint` against interpreter start-up (`python -c pass`).

Builds a 20-line and a 2,000-line crontab and reports the best of N wall times of each,
and their ratio to `python -c pass` on the same machine. Bytecode caching is allowed
(PYTHONDONTWRITEBYTECODE is removed for the runs), as it is for an installed package.

Run: python bench/bench_lint.py [--runs N]
Prints figures; asserts nothing (this is not a test).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIN = ["0", "5", "15", "30", "*/5", "*/10", "0,30", "45"]
HOUR = ["*", "0", "2", "3", "6", "12", "*/2", "8-18"]
DOM = ["*", "*", "*", "1", "15", "1,15"]
MON = ["*", "*", "*", "jan,jul", "*/3"]
DOW = ["*", "*", "*", "1-5", "0"]


def crontab(lines: int, seed: int = 7) -> str:
    rnd = random.Random(seed)
    out = ["SHELL=/bin/bash", "PATH=/usr/local/bin:/usr/bin:/bin", "MAILTO=ops@example.com"]
    while len(out) < lines:
        fields = " ".join(rnd.choice(x) for x in (MIN, HOUR, DOM, MON, DOW))
        out.append(f"{fields} /opt/jobs/job{len(out)}.sh >> /var/log/jobs.log 2>&1")
    return "\n".join(out) + "\n"


def best(cmd: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       check=False)  # fmt: skip
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "small.cron", Path(tmp) / "large.cron"
        small.write_text(crontab(20))
        large.write_text(crontab(2000))
        lint = [py, "-m", "cronmigrate", "lint", "--user"]
        subprocess.run([*lint, str(small)], capture_output=True, env=env, check=False)  # warm
        base = best([py, "-c", "pass"], args.runs, env)
        t20 = best([*lint, str(small)], args.runs, env)
        t2000 = best([*lint, str(large)], max(3, args.runs // 4), env)
    print(f"python -c pass:          {base * 1000:6.1f} ms")
    print(f"lint, 20-line crontab:   {t20 * 1000:6.1f} ms  ({t20 / base:.1f}x start-up)")
    print(f"lint, 2,000-line crontab:{t2000 * 1000:6.1f} ms  ({t2000 / base:.1f}x start-up)")


if __name__ == "__main__":
    main()
