"""Time ``generate`` for a 1,000-job crontab: plan, artifacts in memory, and the output
directory written, with where the time goes (python bench/bench_generate.py [--jobs N])."""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def crontab(n: int) -> str:
    """n distinct jobs with a spread of schedules (some split by cron's OR rule)."""
    lines = ["MAILTO=ops@example.com\n"]
    for i in range(n):
        minute, hour = i % 60, (i // 60) % 24
        day = "1,15" if i % 10 == 0 else "*"
        dow = "1-5" if i % 10 == 0 else "*"
        lines.append(f"{minute} {hour} {day} * {dow} /usr/bin/true job-{i}\n")
    return "".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=1000)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    from cronmigrate import settings as config
    from cronmigrate.plan.build import PlanOptions, build_plan
    from cronmigrate.render.generate import generate
    from cronmigrate.writer import write_tree

    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        tab = tmp / "crontab"
        tab.write_text(crontab(args.jobs))
        prof = cProfile.Profile() if args.profile else None
        t0 = time.perf_counter()
        if prof:
            prof.enable()
        plan = build_plan([str(tab)], PlanOptions(analyse=True, root=Path("/")))
        t1 = time.perf_counter()
        gen = generate(plan, config.Settings(), {"sam", "cloudformation", "terraform"})
        t2 = time.perf_counter()
        write_tree(tmp / "out", gen.artifacts)
        t3 = time.perf_counter()
        if prof:
            prof.disable()
        print(
            f"generate {args.jobs:,} jobs: {t3 - t0:.2f} s "
            f"(plan {t1 - t0:.2f} s, artifacts {t2 - t1:.2f} s, write {t3 - t2:.2f} s); "
            f"{len(gen.artifacts)} files, {len(gen.stack.groups)} nested stacks, "
            f"{len(gen.stack.all_resources())} resources"
        )
        if prof:
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
