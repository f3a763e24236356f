"""Benchmark the bash runtime: invocations per second of a no-op job against a local Runtime
API server, beside the AWS tutorial bootstrap that seed 001 uses (run the same way, with
bash; it forks mktemp, grep, tr, cut and two curls per invocation). Also: the time to
generate 1,000 jobs, and the size of each zip.

Run: python bench/bench_runtime.py [--invocations N]
Prints figures; asserts nothing (this is not a test).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from cronmigrate.local.runtime_api import running_bootstrap, runtime_api  # noqa: E402

SEED = HERE.parent.parent / "shared" / "seeds"


def tutorial_bootstrap() -> str | None:
    """The bootstrap printed in seed 001 (the AWS custom-runtime tutorial's)."""
    for f in sorted(SEED.glob("001_*.txt")):
        text = f.read_text()
        m = re.search(r"bash_runtime/bootstrap:\s*\n(#!/bin/sh\n.*?\ndone\n)", text, re.S)
        if m:
            return m.group(1)
    return None


def rate(bootstrap: Path, task: Path, handler: str, n: int) -> float:
    quiet = subprocess.DEVNULL  # the tutorial's curl prints; an unread pipe would fill up
    with (
        runtime_api() as api,
        running_bootstrap(api, bootstrap, task, handler, stdout=quiet) as proc,
    ):
        api.invoke({"warm": True})
        api.outcome()
        start = time.perf_counter()
        for i in range(n):
            api.invoke({"n": i})
            o = api.outcome()
            assert o.kind == "response", o.body
        took = time.perf_counter() - start
        proc.terminate()
    return n / took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--invocations", type=int, default=300)
    args = ap.parse_args()
    from cronmigrate import settings as config
    from cronmigrate.plan.build import PlanOptions, build_plan
    from cronmigrate.render.generate import generate

    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        tab = tmp / "tab"
        tab.write_text("".join(f"{i % 60} {i % 24} * * * true\n" for i in range(1000)))
        t0 = time.perf_counter()
        plan = build_plan([str(tab)], PlanOptions(root=Path("/")))
        forms = {"sam", "cloudformation", "terraform"}
        artifacts = generate(plan, config.Settings(), forms).artifacts
        took = time.perf_counter() - t0
        print(
            f"generate 1,000 jobs (plan + all artifacts, in memory): {took:.2f} s, "
            f"{len(artifacts)} files"
        )
        layer = artifacts["dist/bash-runtime-layer.zip"].content
        job_zip = next(
            a.content
            for p, a in sorted(artifacts.items())
            if p.startswith("dist/") and "runtime" not in p
        )
        print(
            f"zip sizes: bash-runtime-layer.zip {len(layer)} bytes, a job zip {len(job_zip)} bytes"
        )

        opt = tmp / "opt"
        (tmp / "layer.zip").write_bytes(layer)
        with zipfile.ZipFile(tmp / "layer.zip") as zf:
            zf.extractall(opt)
        (opt / "bootstrap").chmod(0o755)
        task = tmp / "task"
        (tmp / "job.zip").write_bytes(job_zip)
        with zipfile.ZipFile(tmp / "job.zip") as zf:
            zf.extractall(task)
        (task / "function.sh").chmod(0o755)
        ours = rate(opt / "bootstrap", task, "function.sh", args.invocations)
        print(f"cronmigrate bootstrap, no-op job: {ours:.0f} invocations/s")

        seed = tutorial_bootstrap()
        if seed is None or shutil.which("curl") is None:
            print("tutorial bootstrap: not measured (seed 001 or curl not found)")
            return
        tut = tmp / "tutorial"
        tut.mkdir()
        (tut / "bootstrap").write_text(seed.replace("#!/bin/sh", "#!/bin/bash", 1))
        (tut / "bootstrap").chmod(0o755)
        (tut / "function.sh").write_text("handler () {\n  :\n}\n")
        theirs = rate(tut / "bootstrap", tut, "function.handler", args.invocations)
        print(f"AWS tutorial bootstrap (seed 001), no-op handler: {theirs:.0f} invocations/s")
        print(f"ratio: {ours / theirs:.1f}x")


if __name__ == "__main__":
    main()
