"""Test helpers shared by every tier: the CLI as a user runs it, generating from the samples."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_TABS = ["etc/crontab", "etc/cron.d", "var/spool/cron/crontabs"]
NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)


def run_cli(
    *args: str,
    cwd: Path = ROOT,
    stdin: str | None = None,
    no_color: bool = True,
    process: bool = False,
) -> subprocess.CompletedProcess[str]:
    """``cronmigrate ARGS`` as a user runs it, called in this process through the same entry
    point (``cronmigrate.cli.entry.main``): its exit code, standard output and error. With
    ``process`` it runs as ``python -m cronmigrate`` in a process of its own (what only a
    real process shows: start-up imports, signals, the bytes a pipe receives)."""
    if process:
        return _run_process(args, cwd, stdin, no_color)
    from cronmigrate.cli import entry

    def stream(data: bytes = b"") -> io.TextIOWrapper:
        return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")

    out, err = stream(), stream()
    given = stream((stdin or "").encode("utf-8", "surrogateescape"))
    saved = (sys.argv, sys.stdin, sys.stdout, sys.stderr, Path.cwd(), os.environ.copy())
    os.environ.pop("HYPOTHESIS_PROFILE", None)
    os.environ.pop("NO_COLOR", None)
    if no_color:
        os.environ["NO_COLOR"] = "1"
    sys.argv, sys.stdin, sys.stdout, sys.stderr = ["cronmigrate", *args], given, out, err
    os.chdir(cwd)
    code: object = 0
    try:
        entry.main()
    except SystemExit as exc:
        code = exc.code
    finally:
        out.flush()
        err.flush()
        sys.argv, sys.stdin, sys.stdout, sys.stderr = saved[:4]
        os.chdir(saved[4])
        os.environ.clear()
        os.environ.update(saved[5])
    returncode = code if isinstance(code, int) else (0 if code is None else 1)

    def text(s: io.TextIOWrapper) -> str:
        data = s.buffer.getvalue()  # type: ignore[attr-defined]
        return str(data.decode("utf-8", "surrogateescape"))

    return subprocess.CompletedProcess(["cronmigrate", *args], returncode, text(out), text(err))


def _run_process(
    args: tuple[str, ...], cwd: Path, stdin: str | None, no_color: bool
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"HYPOTHESIS_PROFILE", "NO_COLOR"}}
    if no_color:
        env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "cronmigrate", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
    )


def generated_into(
    outdir: Path,
    crontabs: list[str] | None = None,
    *,
    cwd: Path = SAMPLES,
    root: Path = SAMPLES,
    timezone: str = "Europe/Berlin",
    target: str = "scheduler",
    config: str | None = None,
    iac: frozenset[str] = frozenset({"sam", "cloudformation", "terraform"}),
) -> Any:
    """Generate with the library (as the CLI does), from ``cwd`` so paths stay relative;
    the whole result (artifacts, deployment, the neutral stack, warnings)."""
    from cronmigrate import settings as config_mod
    from cronmigrate.commands.generate import vendored
    from cronmigrate.plan.build import PlanOptions, build_plan
    from cronmigrate.render.generate import generate
    from cronmigrate.schedule.model import Trigger
    from cronmigrate.writer import write_tree

    old = Path.cwd()
    os.chdir(cwd)
    try:
        settings_ = config_mod.load(config)
        options = PlanOptions(timezone, Trigger(target), now=NOW, root=root, settings=settings_)
        plan = build_plan(crontabs or SAMPLE_TABS, options)
        generated = generate(plan, settings_, set(iac), vendored=vendored(plan))
        write_tree(outdir, generated.artifacts)
    finally:
        os.chdir(old)
    return generated


def generate_into(outdir: Path, crontabs: list[str] | None = None, **kw: Any) -> object:
    """:func:`generated_into`'s deployment."""
    return generated_into(outdir, crontabs, **kw).deployment


# The outputs the IaC parity and deploy tests check: both triggers and the Run Command sample.
SAMPLES_CONFIG = str(SAMPLES / "cronmigrate.yaml")
OUTPUT_CASES: dict[str, dict[str, Any]] = {
    "samples-scheduler": {"config": SAMPLES_CONFIG},
    "samples-rules": {"target": "rules", "timezone": "UTC", "config": SAMPLES_CONFIG},
    "server-root-runcommand": {
        "crontabs": ["etc/cron.d/app"],
        "cwd": SAMPLES / "server-root",
        "root": SAMPLES / "server-root",
        "config": str(SAMPLES / "server-root/cronmigrate.yaml"),
    },
}
