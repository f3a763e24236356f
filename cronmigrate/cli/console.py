"""The terminal view of a plan: a rich table per file.  Imported only when printing to a TTY."""

from __future__ import annotations

from itertools import groupby

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cronmigrate.plan.model import Plan
from cronmigrate.plan.report import summary_line
from cronmigrate.schedule.model import Status

_STYLE = {
    Status.OK: "green",
    Status.WARNING: "yellow",
    Status.REFUSED: "red",
    Status.DISABLED: "dim",
}


def print_plan(plan: Plan, console: Console) -> None:
    for d in plan.diagnostics:
        style = {"error": "red", "warning": "yellow"}.get(str(d.severity), "dim")
        console.print(Text(d.one_line(), style=style))
    for path, jobs in groupby(plan.jobs, key=lambda j: j.job.location.path):
        table = Table(title=path, title_justify="left", show_lines=True, expand=True)
        for col in (
            "Line",
            "User",
            "Schedule",
            "Description",
            "EventBridge",
            "Zone",
            "Next runs",
            "Status",
        ):
            table.add_column(col, overflow="fold")
        for j in jobs:
            status = Text(j.status.value, style=_STYLE[j.status])
            for r in j.translation.reasons:
                status.append(f"\n{r.code}: {r.message}", style="dim")
            table.add_row(
                str(j.job.location.line),
                j.job.user or "-",
                j.job.schedule_text,
                j.description,
                "\n".join(s.expression for s in j.translation.schedules) or "-",
                j.translation.schedules[0].timezone if j.translation.schedules else j.timezone,
                "\n".join(r.replace("T", " ")[:16] for r in j.next_runs) or "-",
                status,
            )
        console.print(table)
    console.print(summary_line(plan), style="bold")
