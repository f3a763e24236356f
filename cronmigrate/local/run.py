"""``cronmigrate run OUTDIR JOB``: one generated job on this machine, the way Lambda runs it.

The layer's zip is unpacked where /opt would be and the function's zip as the task root;
the real ``bootstrap`` talks to the Runtime API server of :mod:`runtime_api`; the event is
the one the job's schedule sends, for ``--time``; the deadline is the function's timeout;
the environment is the template's. Where the machine allows it (root, or user namespaces)
the job runs in a private mount namespace with its own /tmp, the layer on /opt: a job that
cleans /tmp cleans its own. No Docker, no AWS account: the duplicate guard and SSM reads are
skipped, and what the job would mail is printed, unless ``aws`` is set; then the variables the
deployment fills in (the lock table, the MAILTO topic: null in the job index) come from this
environment, and the SDKs' AWS_ENDPOINT_URL variables point the calls at any AWS.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

from cronmigrate import jobindex
from cronmigrate.errors import CronmigrateError
from cronmigrate.local.runtime_api import running_bootstrap, runtime_api, unzip


class RunError(CronmigrateError):
    exit_code = 2


class Result(NamedTuple):
    ok: bool
    kind: str  # response, error, init-error, script
    error_type: str
    message: str
    seconds: float
    exit_code: int


def load_job(outdir: Path, name: str) -> dict[str, Any]:
    """The job ``name`` names in ``outdir``: its function, its directory under functions/,
    or its crontab line FILE:LINE (on the server, or as given to generate)."""
    doc = jobindex.read(outdir)
    found = jobindex.find(doc, name)
    if len(found) == 1:
        return found[0]
    if found:
        which = ", ".join(f"{j['function']} ({j['source']})" for j in found)
        raise RunError(f"{outdir}: {name!r} could be any of {which}: give the function's name")
    known = ", ".join(f"{j['function']} ({j['source']})" for j in jobindex.jobs(doc)[:3])
    raise RunError(
        f"{outdir}: no job {name!r}: name a job by its function, its directory under "
        f"functions/, or its crontab line FILE:LINE, e.g. {known}"
    )


def event(job: dict[str, Any], when: dt.datetime) -> dict[str, Any]:
    """The event the job's schedule would send at ``when`` (Scheduler's context fields)."""
    out = dict(job["event"])
    stamp = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for key, value in out.items():
        if value == "<aws.scheduler.scheduled-time>":
            out[key] = stamp
        elif value == "<aws.scheduler.schedule-arn>":
            out[key] = (
                f"arn:aws:scheduler:us-east-1:123456789012:schedule/default/{job['function']}"
            )
        elif value == "<aws.scheduler.execution-id>":
            out[key] = f"local-{int(when.timestamp())}"
    return out


def can_unshare() -> bool:
    if shutil.which("unshare") is None:
        return False
    root = [] if os.geteuid() == 0 else ["-r"]
    probe = subprocess.run(["unshare", "-m", *root, "--", "true"], capture_output=True, check=False)
    return probe.returncode == 0


def run_lambda(
    outdir: Path,
    job: dict[str, Any],
    when: dt.datetime,
    use_aws: bool = False,
    timeout: int | None = None,
    out: Any = None,
) -> Result:
    out = out or sys.stdout.buffer
    seconds = int(timeout or job["timeout"])
    with tempfile.TemporaryDirectory(prefix="cronmigrate-run-") as tmp:
        base = Path(tmp)
        unzip(outdir / job["layer_zip"], base / "opt")
        unzip(outdir / job["zip"], base / "task")
        env = {k: v for k, v in job["environment"].items() if v is not None}
        env["CRONMIGRATE_TIMEOUT"] = str(seconds)
        if str(job.get("runtime", "")).startswith("python"):
            # Lambda's Python runtime has /var/lang/bin/python3; here, this machine's python3
            env["CRONMIGRATE_PYTHON"] = shutil.which("python3") or sys.executable
        if not use_aws:
            env["CRONMIGRATE_LOCAL"] = "1"
        else:  # the account's: credentials, region, endpoints, and what the deploy fills in
            env.update({k: v for k, v in os.environ.items() if k.startswith("AWS_")})
            env.update(
                {
                    k: os.environ[k]
                    for k, v in job["environment"].items()
                    if v is None and k in os.environ
                }
            )
        private = "64m" if can_unshare() else None
        if private is None:
            env["CRONMIGRATE_LAYER"] = str(base / "opt")
            print(
                "cronmigrate run: no private mount namespace here (unshare): the job's /tmp "
                "is this machine's",
                file=sys.stderr,
            )
        with (
            runtime_api() as api,
            running_bootstrap(
                api,
                base / "opt/bootstrap",
                base / "task",
                job["handler"],
                env=env,
                stdout=subprocess.PIPE,
                private_tmp=private,
            ) as proc,
        ):
            start = time.monotonic()
            api.invoke(event(job, when), timeout_ms=seconds * 1000)
            assert proc.stdout is not None
            os.set_blocking(proc.stdout.fileno(), False)
            outcome = None
            while outcome is None:
                chunk = proc.stdout.read(65536)
                if chunk:
                    out.write(chunk)
                    out.flush()
                try:
                    outcome = api.outcomes.get(timeout=0.05)
                except Exception:  # queue.Empty
                    if proc.poll() is not None and api.outcomes.empty():
                        raise RunError("the runtime exited without an answer") from None
            took = time.monotonic() - start
            time.sleep(0.05)
            rest = proc.stdout.read()
            if rest:
                out.write(rest)
                out.flush()
    if outcome.kind == "response":
        return Result(True, "response", "", "ok", took, 0)
    doc = outcome.json()
    return Result(
        False, outcome.kind, doc.get("errorType", ""), doc.get("errorMessage", ""), took, 1
    )


def run_script(job: dict[str, Any], local: bool) -> Result:
    """A Run Command job: the script its state machine sends; with ``local``, run by bash."""
    print(job["script"], end="")
    if not local:
        return Result(True, "script", "", "printed (--local runs it here)", 0.0, 0)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cronmigrate-run-") as tmp:
        proc = subprocess.run(
            ["bash", "-c", job["script"]],
            env={**os.environ, "TMPDIR": tmp},
            check=False,
        )
    took = time.monotonic() - start
    ok = proc.returncode == 0
    message = "ok" if ok else f"the script exited with status {proc.returncode}"
    return Result(ok, "script", "" if ok else "Cron.CommandFailed", message, took, proc.returncode)
