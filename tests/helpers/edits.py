"""A cron.d file of six jobs on a server copy, edited the ways crontabs are edited, and
generated into one output directory again and again (tests of names that survive edits)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cronmigrate.commands.generate import Outcome, generate
from cronmigrate.commands.plan import Inputs

BEFORE = (
    "0 3 * * * root /opt/report.sh\n"
    "*/5 * * * * root /opt/poll.sh\n"
    "0 5 * * * root echo same-mark\n"
    "0 6 * * * root echo same-mark\n"
    "30 1 * * * root /opt/backup.sh\n"
    "0 2 * * 0 root /opt/clean.sh\n"
)
# A comment at the top, report.sh at 04:00, a new job, poll.sh moved to the end, and the two
# jobs with one command kept: every line number but two changed.
AFTER = (
    "# edited\n"
    "0 4 * * * root /opt/report.sh\n"
    "0 5 * * * root echo same-mark\n"
    "0 6 * * * root echo same-mark\n"
    "30 1 * * * root /opt/backup.sh\n"
    "0 2 * * 0 root /opt/clean.sh\n"
    "15 * * * * root /opt/new.sh\n"
    "*/5 * * * * root /opt/poll.sh\n"
)


def server(tmp_path: Path) -> Path:
    root = tmp_path / "server"
    (root / "opt").mkdir(parents=True)
    for s in ("report", "poll", "backup", "clean", "new"):
        (root / "opt" / f"{s}.sh").write_text(f"#!/bin/sh\necho {s}\n")
        (root / "opt" / f"{s}.sh").chmod(0o755)
    (root / "etc/cron.d").mkdir(parents=True)
    return root


def run(root: Path, text: str, out: Path, config: str | None = None) -> Outcome:
    (root / "etc/cron.d/app").write_text(text)
    cfg = None
    if config is not None:
        cfg = root.parent / "cronmigrate.yaml"
        cfg.write_text(config)
    return generate(
        [str(root / "etc/cron.d/app")],
        out,
        Inputs("Europe/Berlin", root=root, now="2026-11-25T12:00:00Z"),
        config_path=cfg,
    )


def index(out: Path) -> dict[str, dict[str, Any]]:
    doc = json.loads((out / "cronmigrate-jobs.json").read_text())
    return {j["source"]: j for j in doc["jobs"]}


# For a deployment: report.sh at 04:00, clean.sh removed, a new job, poll.sh moved.
EDITED = (
    "# edited\n"
    "0 4 * * * root /opt/report.sh\n"
    "0 5 * * * root echo same-mark\n"
    "0 6 * * * root echo same-mark\n"
    "30 1 * * * root /opt/backup.sh\n"
    "15 * * * * root /opt/new.sh\n"
    "*/5 * * * * root /opt/poll.sh\n"
)
