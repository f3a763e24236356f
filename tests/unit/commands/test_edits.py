"""A job is its command, not its line: edits of a crontab keep every job's name, logical id
and Terraform address, say what changed, and never move settings onto another job."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from cronmigrate.settings import ConfigError
from tests.helpers import run_cli
from tests.helpers.edits import AFTER, BEFORE, index, run, server
from tests.helpers.iac import terraform_resources


def ids_of(out: Path) -> tuple[set[str], set[str], set[str]]:
    """CloudFormation logical ids (nested stacks), SAM's, and Terraform addresses."""
    cfn: set[str] = set()
    sam: set[str] = set()
    for path in (out / "stacks").glob("*.yaml"):
        found = set(re.findall(r"^  ([A-Za-z0-9]+):\n    Type:", path.read_text(), re.M))
        (sam if ".sam." in path.name else cfn).update(found)
    tf = {f"{t}.{n}" for t, names in terraform_resources(out / "terraform").items() for n in names}
    return cfn, sam, tf


def test_an_edited_crontab_keeps_every_jobs_name_and_address(tmp_path: Path) -> None:
    root, out = server(tmp_path), tmp_path / "out"
    first = run(root, BEFORE, out)
    assert first.changes is None  # nothing to compare with
    before = index(out)
    cfn1, sam1, tf1 = ids_of(out)
    second = run(root, AFTER, out)
    after = index(out)
    by_command = {(j["identity"]["command"], j["cron"]): j["function"] for j in after.values()}
    was = {(j["identity"]["command"], j["cron"]): j["function"] for j in before.values()}
    # every job whose command did not change keeps its name, wherever its line went
    for (command, cron), name in was.items():
        if command == "/opt/report.sh":
            assert by_command[(command, "0 4 * * *")] == name  # a new schedule, the same job
        else:
            assert by_command[(command, cron)] == name
    new = by_command[("/opt/new.sh", "15 * * * *")]
    assert new not in was.values()
    # ... and so its logical ids and Terraform addresses: an update, never a replacement
    cfn2, sam2, tf2 = ids_of(out)
    assert cfn1 <= cfn2 and sam1 <= sam2 and tf1 <= tf2
    added = {i for i in cfn2 - cfn1}
    assert added and all(i.startswith("New") for i in added)
    changes = second.changes
    assert changes is not None
    assert [c.function for c in changes.added] == [new]
    assert [c.function for c in changes.schedule_changed] == [
        by_command[("/opt/report.sh", "0 4 * * *")]
    ]
    assert [c.function for c in changes.moved] == [by_command[("/opt/poll.sh", "*/5 * * * *")]]
    assert not changes.removed and not changes.settings_changed
    assert changes.unchanged == 4


def test_a_removed_job_is_said_and_its_files_go(tmp_path: Path) -> None:
    root, out = server(tmp_path), tmp_path / "out"
    run(root, BEFORE, out)
    gone = index(out)["/etc/cron.d/app:2"]["function"]
    second = run(root, BEFORE.replace("*/5 * * * * root /opt/poll.sh\n", ""), out)
    assert second.changes is not None
    assert [c.function for c in second.changes.removed] == [gone]
    assert not (out / "functions" / gone.removeprefix("cron-")).exists()


def test_of_two_jobs_with_one_command_the_one_left_keeps_its_name(tmp_path: Path) -> None:
    root, out = server(tmp_path), tmp_path / "out"
    run(root, BEFORE, out)
    six = index(out)["/etc/cron.d/app:4"]["function"]  # echo same-mark at 06:00
    run(root, BEFORE.replace("0 5 * * * root echo same-mark\n", ""), out)
    (left,) = [j for j in index(out).values() if j["identity"]["command"] == "echo same-mark"]
    assert (left["function"], left["cron"]) == (six, "0 6 * * *")


def test_a_line_key_whose_line_now_holds_another_command_stops_generate(tmp_path: Path) -> None:
    root, out = server(tmp_path), tmp_path / "out"
    config = "jobs:\n  /etc/cron.d/app:2:\n    memory: 1024\n"  # poll.sh's line
    run(root, BEFORE, out, config)
    assert index(out)["/etc/cron.d/app:2"]["settings"]["memory"] == 1024
    written = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    moved = (
        BEFORE.replace("*/5 * * * * root /opt/poll.sh\n", "") + "*/5 * * * * root /opt/poll.sh\n"
    )
    with pytest.raises(ConfigError) as err:
        run(root, moved, out, config)  # line 2 is echo same-mark now
    message = str(err.value)
    assert "'/etc/cron.d/app:2' was written for '/opt/poll.sh'" in message
    assert "now holds 'echo same-mark'" in message and "'poll-" in message
    assert err.value.exit_code == 2
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == written  # nothing
    # keyed by the job's name, the settings follow poll.sh to its new line
    poll = index(out)["/etc/cron.d/app:2"]["key"]
    run(root, moved, out, f"jobs:\n  {poll}:\n    memory: 1024\n")
    assert index(out)["/etc/cron.d/app:6"]["settings"]["memory"] == 1024
    assert index(out)["/etc/cron.d/app:6"]["key"] == poll


def test_an_output_of_the_previous_version_keeps_its_names(tmp_path: Path) -> None:
    """A schema-1 index (cronmigrate before identities: names hashed from the line) keeps its
    names for crontabs whose bytes did not change."""
    root, out = server(tmp_path), tmp_path / "out"
    run(root, BEFORE, out)
    doc = json.loads((out / "cronmigrate-jobs.json").read_text())
    old_names = {}
    for j in doc["jobs"]:
        j["function"] = old_names[j["source"]] = f"cron-old{j['line']}-116de8"
        for key in ("identity", "key", "cron", "settings", "settings_key"):
            j.pop(key)
        j["crontab"] = str(root / "etc/cron.d/app")  # as typed, as schema 1 kept it
    doc = {
        "schema_version": 1,
        "crontabs": {str(root / "etc/cron.d/app"): doc["crontabs"]["/etc/cron.d/app"]},
        "jobs": doc["jobs"],
    }
    (out / "cronmigrate-jobs.json").write_text(json.dumps(doc))
    run(root, BEFORE, out)
    assert {s: j["function"] for s, j in index(out).items()} == old_names
    run(root, "# changed\n" + BEFORE, out)  # still the names of the last run
    assert sorted(j["function"] for j in index(out).values()) == sorted(old_names.values())


def test_the_same_input_gives_the_same_directory_from_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = server(tmp_path)
    (root / "etc/cron.d/app").write_text(BEFORE)
    outs = []
    for i, (cwd, tab, r) in enumerate(
        [(root, "etc/cron.d/app", "."), (tmp_path, str(root / "etc/cron.d/app"), str(root))]
    ):
        out = tmp_path / f"out{i}"
        res = run_cli("generate", tab, "--root", r, "-o", str(out), cwd=cwd)
        assert res.returncode == 0, res.stderr
        outs.append(out)
    files = [sorted(p.relative_to(o) for p in o.rglob("*") if p.is_file()) for o in outs]
    assert files[0] == files[1]
    for rel in files[0]:
        assert (outs[0] / rel).read_bytes() == (outs[1] / rel).read_bytes(), rel
    for rel in files[0]:
        assert str(tmp_path).encode() not in (outs[0] / rel).read_bytes(), rel


def test_a_job_switched_over_by_cutover_is_generated_again_under_its_name(tmp_path: Path) -> None:
    root, out = server(tmp_path), tmp_path / "out"
    run(root, BEFORE, out)
    names = {s: j["function"] for s, j in index(out).items()}
    res = run_cli(
        "cutover", "etc/cron.d/app", "--out", str(out), "--root", ".", "--no-check", cwd=root
    )
    assert res.returncode == 0, res.stderr
    second = run(root, (root / "etc/cron.d/app").read_text(), out)
    assert {s: j["function"] for s, j in index(out).items()} == names
    assert second.changes is not None and second.changes.unchanged == 6


def test_plan_against_an_output_says_what_generate_would_change(tmp_path: Path) -> None:
    root, out = server(tmp_path), tmp_path / "out"
    run(root, BEFORE, out)
    (root / "etc/cron.d/app").write_text(AFTER)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    res = run_cli(
        "plan",
        "etc/cron.d/app",
        "--root",
        ".",
        "-z",
        "Europe/Berlin",
        "--against",
        str(out),
        cwd=root,
    )
    assert res.returncode == 0, res.stderr
    assert (
        "changes: 1 added, 0 removed, 1 schedule changed, 0 settings changed, 1 moved, 4 unchanged"
        in res.stdout
    )
    assert re.search(r"\+ cron-new-[0-9a-f]{6}  /etc/cron.d/app:7", res.stdout)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    bad = run_cli("plan", "etc/cron.d/app", "--against", str(tmp_path), cwd=root)
    assert bad.returncode == 2 and "not an output of generate" in bad.stderr
    shutil.rmtree(out)


def test_a_group_that_splits_is_in_the_change_set(tmp_path: Path) -> None:
    """60 jobs are one nested stack; a 61st splits it: the jobs of the half that moves to the
    new stack are listed (CloudFormation cannot move a named function in one deploy), the
    others keep theirs."""
    root, out = server(tmp_path), tmp_path / "out"
    lines = [f"{i % 60} * * * * root echo job {i}\n" for i in range(61)]
    run(root, "".join(lines[:60]), out)
    before = {j["function"]: j["group"] for j in index(out).values()}
    assert set(before.values()) == {"cron-d-app"}
    second = run(root, "".join(lines), out)
    after = {j["function"]: j["group"] for j in index(out).values()}
    assert set(after.values()) == {"cron-d-app", "cron-d-app-1"}
    assert second.changes is not None
    regrouped = {c.function for c in second.changes.regrouped}
    assert regrouped == {f for f in before if after[f] == "cron-d-app-1"}
    assert 0 < len(regrouped) < 60
    assert all("cron-d-app → cron-d-app-1" in c.detail for c in second.changes.regrouped)
    assert f"{len(regrouped)} to another nested stack" in second.changes.summary()
    # back to 51 jobs: the split stays (the job index says where each job was), none moves
    third = run(root, "".join(lines[:51]), out)
    final = {j["function"]: j["group"] for j in index(out).values()}
    assert final == {f: g for f, g in after.items() if f in final} and len(final) == 51
    assert third.changes is not None and not third.changes.regrouped
