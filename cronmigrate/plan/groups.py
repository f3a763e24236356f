"""Which nested stack (group) each job deploys in: pure, from each job's crontab file and name,
so that ``generate`` places the jobs and its change set says which ones a new layout moves."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Protocol, TypeVar

from cronmigrate import aws_facts as aws
from cronmigrate.jobindex import Previous
from cronmigrate.plan.identity import short_hash


class Placed(Protocol):
    @property
    def key(self) -> str: ...  # the job's name without the deployment's prefix

    @property
    def source(self) -> str: ...  # FILE:LINE on the server


J = TypeVar("J", bound=Placed)


# A group (one nested stack) holds one crontab file's jobs while they are at most
# GROUP_MAX_JOBS; a fuller file is split by the bits of a hash of each job's key, a bucket
# splitting in two only when it passes GROUP_MAX_JOBS, so that no template passes
# CloudFormation's limits (500 resources, 200 outputs, 1 MB), the number of groups follows the
# number of jobs, and a job moves only when its own bucket splits: the half whose next bit is
# 0 keeps the bucket's name (docs/stacks.md). A split stays when jobs are removed: a bucket
# whose jobs were in groups named by more bits than its own stays split (no job moves back).
GROUP_MAX_JOBS = 60
HASH_BITS = 64


def _slug(path: str) -> str:
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    text = "-".join(parts[-2:]) or "crontab"
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "crontab"


def previous_groups(previous: Previous) -> dict[str, str]:
    """Each job's group in the output generated before (its job index): key → group."""
    out: dict[str, str] = {}
    for job in previous.jobs:
        key, group = job.get("key"), job.get("group")
        if isinstance(key, str) and isinstance(group, str):
            out[key] = group
    return out


def groups_of(jobs: Sequence[J], before: Mapping[str, str] | None = None) -> dict[str, list[J]]:
    """Group name → its jobs, in the plan's order; ``before``: each job's group in the output
    generated before (:func:`previous_groups`), whose splits are kept."""
    by_file: dict[str, list[J]] = {}
    for job in jobs:
        by_file.setdefault(job.source.rsplit(":", 1)[0], []).append(job)
    out: dict[str, list[J]] = {}
    used: set[str] = set()
    for path, members in by_file.items():
        slug = _slug(path)
        while slug in used:
            slug += "-x"  # two files with the same last two path components
        used.add(slug)
        for prefix, bucket in _buckets(members, before, slug).items():
            out[bucket_name(slug, prefix)] = bucket
    return dict(sorted(out.items()))


def _bits(job: Placed) -> str:
    return format(int(short_hash(job.key, HASH_BITS // 4), 16), f"0{HASH_BITS}b")


def _buckets(
    members: Sequence[J], before: Mapping[str, str] | None = None, slug: str = ""
) -> dict[str, list[J]]:
    """Hash prefix → the jobs under it: a bucket of more than GROUP_MAX_JOBS splits on its
    next bit, recursively (the leaves of a binary trie); so does a bucket whose jobs were
    in another of this file's groups before (``before``), so that a split stays when jobs are
    removed and no remaining job moves."""
    mine = re.compile(re.escape(slug) + r"(?:-([01]*1))?")
    depth_was: dict[str, int] = {}  # a job's group before: the length of its name's bits
    for j in members:
        g = (before or {}).get(j.key)
        m = mine.fullmatch(g) if g is not None else None
        if m is not None:
            depth_was[j.key] = len(m.group(1) or "")
    keyed = [(_bits(j), j) for j in members]
    out: dict[str, list[J]] = {}
    todo = [("", keyed)]
    while todo:
        prefix, items = todo.pop()
        # a job whose group before was named by more bits than this prefix has: the bucket
        # was split below here, and stays split
        deeper = any(depth_was.get(j.key, 0) > len(prefix) for _, j in items)
        if (len(items) <= GROUP_MAX_JOBS and not deeper) or len(prefix) == HASH_BITS:
            out[prefix] = [j for _, j in items]
            continue
        depth = len(prefix)
        for bit in "01":
            todo.append((prefix + bit, [(b, j) for b, j in items if b[depth] == bit]))
    return {p: jobs for p, jobs in out.items() if jobs}


def bucket_name(slug: str, prefix: str) -> str:
    """A bucket's group name: the file's slug, and the prefix without its trailing zeros, so
    that the half of a split bucket whose next bit is 0 keeps the bucket's name (two leaves
    of the trie never strip to the same bits: neither is a prefix of the other)."""
    bits = prefix.rstrip("0")
    return f"{slug}-{bits}" if bits else slug


def roles_mode(setting: str, jobs: int, groups: int) -> tuple[str, str]:
    """per-job or per-group execution roles, and why: per-job while the deployment's roles
    (an execution role per function, a scheduler role per nested stack) fit in ROLES_BUDGET
    of the account's default 1,000, so that the account keeps room for its own; ``roles:``
    in cronmigrate.yaml decides otherwise. Plan (CM604) and generate ask this one question."""
    per_job = jobs + groups
    if setting != "auto":
        return setting, f"roles: {setting} in cronmigrate.yaml"
    if per_job <= aws.ROLES_BUDGET:
        return "per-job", (
            f"{per_job:,} roles with one per function, within {aws.ROLES_BUDGET:,} of the "
            f"account's default quota of {aws.IAM_ROLES_DEFAULT:,}"
        )
    return "per-group", (
        f"{per_job:,} roles with one per function would pass {aws.ROLES_BUDGET:,} of the "
        f"account's default quota of {aws.IAM_ROLES_DEFAULT:,}: the functions of each nested "
        "stack share one role, limited to that stack's log groups, guard keys, parameters "
        "and topics (roles: per-job keeps one per function, with a raised quota)"
    )
