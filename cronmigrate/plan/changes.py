"""What a ``generate`` changes against the output it writes over (terraform plan's idea): each
job by its name, which it keeps from run to run (:mod:`cronmigrate.plan.identity`).

- added: a job the previous output did not have;
- removed: a job it had and this one does not (its function and schedules go);
- schedule changed: the same job on another schedule (an update of its schedules);
- settings changed: the same job with other settings (an update of its function);
- moved: the same job on another line, nothing else changed;
- regrouped: a job that goes to another nested stack (its group split: docs/stacks.md),
  whatever else changed; CloudFormation cannot move a named function in one deploy;
- unchanged: the rest, counted.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from cronmigrate.jobindex import Job, Previous
from cronmigrate.plan.groups import groups_of, previous_groups
from cronmigrate.plan.model import JobPlan, Plan
from cronmigrate.schedule.model import Status


class Change(NamedTuple):
    function: str
    source: str  # its line now (or, removed, then)
    detail: str  # what changed, said in a few words


class ChangeSet(NamedTuple):
    added: tuple[Change, ...]
    removed: tuple[Change, ...]
    schedule_changed: tuple[Change, ...]
    settings_changed: tuple[Change, ...]
    moved: tuple[Change, ...]
    unchanged: int
    regrouped: tuple[Change, ...] = ()

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.schedule_changed
            or self.settings_changed
            or self.moved
            or self.regrouped
        )

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.removed)} removed, "
            f"{len(self.schedule_changed)} schedule changed, "
            f"{len(self.settings_changed)} settings changed, {len(self.moved)} moved, "
            f"{self.unchanged} unchanged"
            + (f", {len(self.regrouped)} to another nested stack" if self.regrouped else "")
        )

    def lines(self) -> list[str]:
        """The change set as a person reads it: one line per changed job."""
        out = []
        for mark, items in (
            ("+", self.added),
            ("-", self.removed),
            ("~", self.schedule_changed),
            ("~", self.settings_changed),
            (">", self.moved),
            ("^", self.regrouped),
        ):
            out += [f"  {mark} {c.function}  {c.source}  {c.detail}" for c in items]
        return out

    def to_json(self) -> dict[str, Any]:
        def items(changes: tuple[Change, ...]) -> list[dict[str, str]]:
            return [c._asdict() for c in changes]

        return {
            "added": items(self.added),
            "removed": items(self.removed),
            "schedule_changed": items(self.schedule_changed),
            "settings_changed": items(self.settings_changed),
            "moved": items(self.moved),
            "unchanged": self.unchanged,
            "regrouped": items(self.regrouped),
        }


def generated(plan: Plan) -> list[JobPlan]:
    """The jobs generate writes for this plan (those it calls migratable)."""
    return [
        j for j in plan.jobs if j.function and j.status not in (Status.REFUSED, Status.DISABLED)
    ]


def _differences(before: dict[str, Any], after: dict[str, Any]) -> str:
    keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return ", ".join(f"{k} {before.get(k)!r} → {after.get(k)!r}" for k in keys)


def changes(previous: Previous, plan: Plan) -> ChangeSet:
    """The change set from the previous output's jobs to the plan's."""
    before: dict[str, Job] = {str(j["function"]): j for j in previous.jobs}
    now = {j.function: j for j in generated(plan)}
    added = tuple(
        Change(f, j.source, f"{j.job.schedule_text}: {j.job.command[:60]}")
        for f, j in now.items()
        if f not in before
    )
    removed = tuple(
        Change(f, str(j.get("source", "")), "its function and schedules are removed")
        for f, j in before.items()
        if f not in now
    )
    scheduled, configured, moved = [], [], []
    unchanged = 0
    for f, j in now.items():
        old = before.get(f)
        if old is None:
            continue
        exprs = [(s.expression, s.timezone) for s in j.translation.schedules]
        old_exprs = [(s.get("expression"), s.get("timezone")) for s in old.get("schedules", [])]
        if old.get("cron") not in (None, j.job.schedule_text) or old_exprs != exprs:
            was = old.get("cron") or ", ".join(str(e) for e, _ in old_exprs)
            if was == j.job.schedule_text:  # the same line, another EventBridge form
                was, now_ = (
                    ", ".join(f"{e} ({z})" for e, z in old_exprs),
                    ", ".join(f"{e} ({z})" for e, z in exprs),
                )
                scheduled.append(Change(f, j.source, f"schedule {was} → {now_}"))
            else:
                scheduled.append(Change(f, j.source, f"schedule {was} → {j.job.schedule_text}"))
        elif "settings" in old and old["settings"] != j.settings.to_json():
            configured.append(
                Change(f, j.source, _differences(old["settings"], j.settings.to_json()))
            )
        elif old.get("source") != j.source:
            moved.append(Change(f, j.source, f"moved from {old.get('source')}"))
        else:
            unchanged += 1
    group_now = {
        j.function: g
        for g, members in groups_of(list(now.values()), previous_groups(previous)).items()
        for j in members
    }
    regrouped = tuple(
        Change(f, j.source, f"nested stack {before[f]['group']} → {group_now[f]}: deploy its "
               "removal first (docs/stacks.md)")
        for f, j in now.items()
        if f in before and before[f].get("group") not in (None, group_now[f])
    )  # fmt: skip
    return ChangeSet(
        added, removed, tuple(scheduled), tuple(configured), tuple(moved), unchanged, regrouped
    )
