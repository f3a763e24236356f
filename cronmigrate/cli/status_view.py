"""The views of ``cronmigrate status``: a table on a terminal (rich: colours unless NO_COLOR),
plain lines elsewhere; JSON is the report's own (:meth:`Report.to_json`)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from cronmigrate.account.compare import JobStatus, Report

_STYLE = {"ok": "green", "missing": "red", "drifted": "yellow", "disabled": "dim"}


def _runs(j: JobStatus) -> str:
    if not j.runs_known:
        return "not recorded (lock: none)"
    if j.last_run is None:
        return "none in the table"
    r = j.last_run
    tail = f" (exit {r.exit_status}, {r.duration_ms} ms)" if r.exit_status is not None else ""
    return f"{r.at} {r.outcome}{tail}"


def lines(report: Report) -> list[str]:
    out: list[str] = []
    for j in report.jobs:
        out.append(f"{j.function}  {j.status}  {j.source}  last run: {_runs(j)}")
        out += [
            f"  {d.resource}: {d.field}: generated {d.generated!r}, deployed {d.deployed!r}"
            for d in j.differences
        ]
        out += [f"  missed run: {t}" for t in j.missed]
        out += [f"  {f.outcome} run: {f.at} (exit {f.exit_status})" for f in j.failures]
    out += [f"extra: {e} (carries the name prefix; no job of this output accounts for it)"
            for e in report.extra]  # fmt: skip
    out.append(summary(report))
    return out


def summary(report: Report) -> str:
    counts: dict[str, int] = {}
    for j in report.jobs:
        counts[j.status] = counts.get(j.status, 0) + 1
    missed = sum(len(j.missed) for j in report.jobs)
    failed = sum(len(j.failures) for j in report.jobs)
    parts = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    since = report.since.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{len(report.jobs)} jobs: {parts or 'none'}; {len(report.extra)} extra; since {since}: "
        f"{missed} missed runs, {failed} failed runs" + ("" if report.ok else " (exit 1)")
    )


def table(report: Report, console: Console) -> None:
    t = Table(title="cronmigrate status", show_lines=False)
    for column in ("function", "status", "crontab line", "last run", "missed", "failed"):
        t.add_column(column, overflow="fold")
    for j in report.jobs:
        t.add_row(
            j.function,
            f"[{_STYLE.get(j.status, '')}]{j.status}[/]",
            j.source,
            _runs(j),
            str(len(j.missed)) if j.missed else "",
            str(len(j.failures)) if j.failures else "",
        )
    console.print(t)
    for j in report.jobs:
        for d in j.differences:
            console.print(
                f"{j.function}: {d.resource}: {d.field}: generated {d.generated!r}, "
                f"deployed {d.deployed!r}",
                markup=False,
                highlight=False,
            )
        for at in j.missed:
            console.print(f"{j.function}: missed run {at}", markup=False, highlight=False)
    for e in report.extra:
        console.print(f"extra: {e}", markup=False, highlight=False)
    console.print(summary(report), markup=False, highlight=False)
