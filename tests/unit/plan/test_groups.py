"""Groups that grow: a crontab file's jobs stay in one nested stack up to GROUP_MAX_JOBS, and a
fuller file splits by hash prefix, a bucket in two only when it passes the maximum. The
number of groups follows the number of jobs, and a job moves only when its own bucket splits
(the half whose next bit is 1 moves; the other keeps the name)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cronmigrate.plan import groups as stack
from cronmigrate.plan.groups import GROUP_MAX_JOBS, groups_of


def jobs(n: int, start: int = 0, path: str = "/etc/cron.d/big") -> list[Any]:
    return [
        SimpleNamespace(key=f"job-{i}", source=f"{path}:{i + 1}") for i in range(start, start + n)
    ]


def bits(job: Any) -> str:
    """The job's hash bits, as the grouping reads them."""
    return stack._bits(job)


def placement(all_jobs: list[Any]) -> dict[str, str]:
    return {j.key: g for g, members in groups_of(tuple(all_jobs)).items() for j in members}


def test_a_file_within_the_maximum_is_one_group_named_after_it() -> None:
    assert list(groups_of(tuple(jobs(GROUP_MAX_JOBS)))) == ["cron-d-big"]


def test_120_jobs_in_one_file_are_at_most_4_groups() -> None:
    groups = groups_of(tuple(jobs(120)))
    assert 2 <= len(groups) <= 4
    assert all(len(m) <= GROUP_MAX_JOBS for m in groups.values())


def test_5000_jobs_fill_their_groups() -> None:
    groups = groups_of(tuple(jobs(5000)))
    sizes = [len(m) for m in groups.values()]
    assert max(sizes) <= GROUP_MAX_JOBS
    # a trie splits a bucket in halves: groups are at least a quarter full on average
    assert sum(sizes) / len(sizes) >= GROUP_MAX_JOBS / 4, (len(groups), sizes)
    assert len(groups) <= 5000 * 4 // GROUP_MAX_JOBS


def _leaves(all_jobs: list[Any]) -> dict[str, list[str]]:
    """Each file's trie leaves: hash prefix → job keys (one file here)."""
    return {p: [j.key for j in m] for p, m in stack._buckets(all_jobs).items()}


def test_adding_50_jobs_moves_only_the_jobs_of_groups_that_split() -> None:
    base = jobs(5000)
    leaves = _leaves(base)
    fullest = max(leaves, key=lambda p: len(leaves[p]))
    # 50 new jobs, chosen so that they land in the fullest group: it must split
    candidates = (SimpleNamespace(key=f"new-{i}", source=f"/etc/cron.d/big:{6000 + i}")
                  for i in range(100_000))  # fmt: skip
    added = [j for j in candidates if bits(j).startswith(fullest)][:50]
    before, after = placement(base), placement(base + added)
    moved = [k for k in before if after[k] != before[k]]
    split = {before[k] for k in moved}
    assert split == {stack.bucket_name("cron-d-big", fullest)}  # that group only
    members = leaves[fullest]
    # the half whose next bit is 1 moves; the other half keeps the group's name
    assert 0 < len(moved) < len(members)
    assert sorted(moved) == sorted(
        k for k in members if bits(SimpleNamespace(key=k))[len(fullest)] == "1"
    )
    print(f"50 jobs added to 5,000: {len(moved)} of {len(members)} jobs of 1 group moved")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 400), st.integers(1, 120), st.integers(0, 3))
def test_a_job_moves_only_when_its_bucket_passes_the_maximum(
    n: int, added: int, files: int
) -> None:
    paths = [f"/etc/cron.d/f{i}" for i in range(files + 1)]
    base = [j for i, p in enumerate(paths) for j in jobs(n // len(paths), i * 1000, p)]
    more = [j for i, p in enumerate(paths) for j in jobs(added, 500 + i * 1000, p)]
    before, after = placement(base), placement(base + more)
    assert all(len(m) <= GROUP_MAX_JOBS for m in groups_of(tuple(base + more)).values())
    old_leaf = {}
    for path in paths:
        for prefix, keys in _leaves([j for j in base if j.source.startswith(path + ":")]).items():
            old_leaf.update(dict.fromkeys(keys, (path, prefix)))
    for k, g in before.items():
        if after[k] != g:
            path, prefix = old_leaf[k]
            mine = [j for j in base + more if j.source.startswith(path + ":")]
            under = [j for j in mine if bits(j).startswith(prefix)]
            assert len(under) > GROUP_MAX_JOBS, (k, g, after[k])


def test_removing_jobs_keeps_the_splits_of_the_output_generated_before() -> None:
    """120 jobs split; 80 of them removed: without the previous layout the 40 left would
    merge back into one group (half of them moving), with it none moves."""
    first = placement(jobs(120))
    assert len(set(first.values())) >= 2
    left = jobs(40)
    assert len(set(placement(left).values())) == 1  # no memory of the split: one group
    kept = {j.key: g for g, ms in groups_of(tuple(left), first).items() for j in ms}
    assert kept == {j.key: first[j.key] for j in left}
    # new jobs go where their bits say, and nothing already placed moves
    more = [*left, *jobs(5, start=500)]
    again = {j.key: g for g, ms in groups_of(tuple(more), first).items() for j in ms}
    assert all(again[j.key] == first[j.key] for j in left)
    assert set(again.values()) <= set(first.values())


@settings(max_examples=50, deadline=None)
@given(st.integers(61, 300), st.data())
def test_a_kept_layout_never_moves_a_remaining_job(n: int, data: st.DataObject) -> None:
    all_jobs = jobs(n)
    first = placement(all_jobs)
    left = data.draw(st.lists(st.sampled_from(all_jobs), unique_by=lambda j: j.key, min_size=1))
    kept = {j.key: g for g, ms in groups_of(tuple(left), first).items() for j in ms}
    assert kept == {j.key: first[j.key] for j in left}
