"""The share of live jobs whose schedules are proven to fire exactly when cron fires them,
daylight-saving changes included, over crontabs planned in a zone with daylight saving.

    python bench/verified_share.py [-z Europe/Berlin] [FILES…]   # default: tests/corpus/ok
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-z", "--timezone", default="Europe/Berlin")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    from cronmigrate.plan.build import PlanOptions, build_plan
    from cronmigrate.schedule.model import Status

    root = Path(__file__).resolve().parent.parent
    files = args.files or [str(p) for p in sorted((root / "tests/corpus/ok").iterdir())]
    live = verified = 0
    unverified: list[str] = []
    for f in files:
        plan = build_plan([f], PlanOptions(args.timezone, analyse=False, name_jobs=False))
        for jp in plan.jobs:
            if jp.status in (Status.DISABLED,) or not jp.translation.schedules:
                continue
            live += 1
            if jp.translation.verified:
                verified += 1
            else:
                unverified.append(f"{jp.job.location.short}  {jp.job.schedule_text}")
    share = 100 * verified / live if live else 0.0
    print(f"{args.timezone}: {verified} of {live} live jobs verified ({share:.1f}%)")
    for line in unverified:
        print(f"  not verified: {line}")


if __name__ == "__main__":
    main()
