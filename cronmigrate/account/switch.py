"""Switch a job's schedules (rules) on or off in the account, as ``cutover --enable`` and
``--undo`` do. UpdateSchedule replaces the whole definition (Scheduler API Reference,
UpdateSchedule: "all fields are replaced"), so each schedule is read and written back with
only its state changed."""

from __future__ import annotations

from typing import Any

from cronmigrate.account.read import Clients, call

# The fields of GetSchedule that UpdateSchedule takes back.
_KEEP = (
    "Name",
    "GroupName",
    "ScheduleExpression",
    "ScheduleExpressionTimezone",
    "FlexibleTimeWindow",
    "Target",
    "Description",
    "StartDate",
    "EndDate",
    "KmsKeyArn",
    "ActionAfterCompletion",
)


def set_state(clients: Clients, job: dict[str, Any], enabled: bool) -> list[str]:
    """Set every schedule or rule of the job (an index entry) ENABLED or DISABLED; the names
    of those it changed."""
    changed = []
    state = "ENABLED" if enabled else "DISABLED"
    for t in (job.get("deployed") or {}).get("triggers", []):
        if t["kind"] == "schedule":
            scheduler = clients("scheduler")
            got = call("scheduler:GetSchedule", scheduler.get_schedule, Name=t["name"])
            if got.get("State") == state:
                continue
            update = {k: got[k] for k in _KEEP if got.get(k) is not None} | {"State": state}
            call("scheduler:UpdateSchedule", scheduler.update_schedule, **update)
        else:
            events = clients("events")
            what = events.enable_rule if enabled else events.disable_rule
            call(f"events:{'Enable' if enabled else 'Disable'}Rule", what, Name=t["name"])
        changed.append(t["name"])
    return changed
