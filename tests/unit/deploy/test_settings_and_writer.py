"""cronmigrate.yaml and the output directory writer: settings, errors with file:line, safety."""

from __future__ import annotations

from pathlib import Path

import pytest

from cronmigrate import settings as config
from cronmigrate.render import Artifact
from cronmigrate.writer import MANIFEST, WriteError, write_tree
from tests.helpers import run_cli

cli = run_cli


def test_init_config_writes_a_file_that_loads_to_the_defaults(tmp_path: Path) -> None:
    res = cli("init-config", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    text = (tmp_path / "cronmigrate.yaml").read_text()
    assert "# Settings for every job." in text
    settings = config.load(str(tmp_path / "cronmigrate.yaml"))
    assert settings.defaults == config.JobSettings()
    assert settings.name_prefix == "cron-"
    again = cli("init-config", cwd=tmp_path)
    assert again.returncode == 2
    assert "exists; use --force" in again.stderr
    assert cli("init-config", "--force", cwd=tmp_path).returncode == 0


def test_overrides_by_name_and_by_source(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text(
        "defaults:\n  memory: 256\njobs:\n  x-123456:\n    timeout: 60\n  tab:3:\n    name: three\n"
        "  cron-z-1:\n    memory: 512\n"
    )
    s = config.load(str(p))
    assert s.for_job("tab:1", ["x-123456"]).timeout == 60
    assert s.for_job("tab:1", ["x-123456"]).memory == 256
    assert s.for_job("tab:1", ["x-1234567"]) == s.defaults
    assert s.for_job("tab:3", ["y"]).name == "three"
    assert s.for_job("tab:9", ["y"]) == s.defaults
    assert s.for_job("tab:9", ["z-1"]).memory == 512  # the function's name: with the prefix


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("defaults:\n  memory: 64\n", "2:3", "memory must be a whole number from 128 to 10240"),
        ("defaults:\n  timeout: 901\n", "2:3", "timeout must be a whole number from 1 to 900"),
        ("defaults:\n  architecture: sparc\n", "2:3", "architecture must be one of"),
        ("defaults:\n  log_retention_days: 10\n", "2:3", "log_retention_days must be one of"),
        ("defaults:\n  memroy: 256\n", "2:3", "unknown setting 'memroy'"),
        ("jobs:\n  a:\n    name: 'bad name'\n", "3:5", "name must be letters"),
        ("defaults:\n  layers: [not-an-arn]\n", "2:3", "layers must be layer version ARNs"),
        ("defaults:\n  vpc:\n    subnet_ids: [subnet-1]\n", "2:3", "needs both"),
        ("defaults:\n  iam_statements: [{Effect: Allow}]\n", "2:3", "needs Effect, Action"),
        ("extra: 1\n", "1:1", "unknown key 'extra'"),
        ("defaults: [1, 2\n", "2:1", "invalid YAML"),
        ("- a\n", "1:1", "expected a mapping"),
    ],
)
def test_config_errors_point_at_the_line(tmp_path: Path, text: str, where: str, words: str) -> None:
    p = tmp_path / "c.yaml"
    p.write_text(text)
    with pytest.raises(config.ConfigError) as err:
        config.load(str(p))
    assert str(err.value).startswith(f"{p}:{where}: "), str(err.value)
    assert words in str(err.value)


def test_bad_config_through_the_cli_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "cronmigrate.yaml").write_text("defaults:\n  memory: lots\n")
    (tmp_path / "tab").write_text("0 1 * * * /bin/true\n")
    res = cli("generate", "tab", "--user", "-o", "out", cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1
    assert "cronmigrate.yaml:2:3: memory" in res.stderr
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ writer

ARTS = {"a.txt": Artifact(b"a"), "bin/run": Artifact(b"#!/bin/sh\n", 0o755)}


def test_writes_modes_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = write_tree(out, ARTS)
    assert sorted(res.created) == ["a.txt", "bin/run"]
    assert (out / "bin/run").stat().st_mode & 0o777 == 0o755
    assert (out / "a.txt").stat().st_mode & 0o777 == 0o644
    assert (out / MANIFEST).is_file()
    again = write_tree(out, {"a.txt": Artifact(b"b")})
    assert again.changed == ("a.txt",)
    assert again.removed == ("bin/run",)
    assert not (out / "bin").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary leftovers


def test_refuses_a_directory_that_is_not_ours(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    with pytest.raises(WriteError, match="was not written by cronmigrate"):
        write_tree(out, ARTS)
    assert (out / "precious.txt").read_text() == "keep me"
    res = write_tree(out, ARTS, force=True)
    assert (out / "precious.txt").read_text() == "keep me"  # --force writes ours, keeps theirs
    assert res.kept == ("precious.txt",)


def test_empty_existing_directory_is_fine(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    write_tree(tmp_path / "empty", ARTS)
    assert (tmp_path / "empty/a.txt").is_file()


@pytest.mark.parametrize("bad", ["../escape", "/etc/passwd", "a/../../x", "a\\b"])
def test_no_path_escapes_the_directory(tmp_path: Path, bad: str) -> None:
    with pytest.raises(WriteError, match="outside the output directory"):
        write_tree(tmp_path / "out", {bad: Artifact(b"x")})
    assert not (tmp_path / "out").exists()
    assert list(tmp_path.iterdir()) == []


def test_failure_midway_leaves_the_old_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write_tree(out, ARTS)
    import cronmigrate.writer as w

    def boom(target: Path, art: Artifact) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(w, "_write", boom)
    with pytest.raises(WriteError, match="nothing was removed"):
        write_tree(out, {"a.txt": Artifact(b"new")})
    assert (out / "a.txt").read_bytes() == b"a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_output_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(WriteError, match="not a directory"):
        write_tree(tmp_path / "f", ARTS)
    with pytest.raises(WriteError, match="no such directory"):
        write_tree(tmp_path / "f" / "sub", ARTS)


def test_unwritable_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root (CI) no directory is unwritable, so the permission answer is stubbed."""
    monkeypatch.setattr("cronmigrate.writer.os.access", lambda path, mode: False)
    with pytest.raises(WriteError, match="not writable"):
        write_tree(tmp_path / "out", ARTS)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--iac", "pulumi"], 2, "Invalid value for '--iac'"),
        (["--root", "does-not-exist"], 2, "--root does-not-exist: no such directory"),
        (["--config", "nope.yaml"], 2, "nope.yaml: cannot read"),
    ],
)
def test_generate_usage_errors(tmp_path: Path, args: list[str], code: int, words: str) -> None:
    (tmp_path / "tab").write_text("0 1 * * * /bin/true\n")
    res = cli("generate", "tab", "--user", "-o", "out", *args, cwd=tmp_path)
    assert res.returncode == code
    assert res.stderr.count("\n") == 1, res.stderr
    assert words in res.stderr
    assert not (tmp_path / "out").exists()


def test_generate_refuses_a_foreign_directory(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text("0 1 * * * /bin/true\n")
    (tmp_path / "out").mkdir()
    (tmp_path / "out/notes.txt").write_text("mine")
    res = cli("generate", "tab", "--user", "-o", "out", cwd=tmp_path)
    assert res.returncode == 1
    assert "was not written by cronmigrate" in res.stderr
    assert "Traceback" not in res.stderr
    assert (tmp_path / "out/notes.txt").read_text() == "mine"
    ok = cli("generate", "tab", "--user", "-o", "out", cwd=tmp_path)
    assert ok.returncode == 1  # still refused: --force is needed
    forced = cli("generate", "tab", "--user", "-o", "out", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert "1 functions, 0 Run Command state machines, 1 schedules" in forced.stdout
    again = cli("generate", "tab", "--user", "-o", "out", cwd=tmp_path)  # ours now
    assert again.returncode == 0
    assert "0 changed" in again.stdout


def test_generate_skips_refused_jobs_and_says_why(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text("@reboot /bin/true\n0 0 30 2 * /bin/true\n0 1 * * * /bin/true\n")
    res = cli("generate", "tab", "--user", "-o", "out", cwd=tmp_path)
    assert res.returncode == 1
    lines = res.stderr.splitlines()
    assert lines[0].startswith("tab:1: CM201 error: not generated: @reboot")
    assert lines[1].startswith("tab:2: CM112 error: not generated: no date matches")
    assert "1 functions" in res.stdout


def test_regenerating_keeps_what_the_user_added(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"terraform/main.tf": Artifact(b"v1"), "old.txt": Artifact(b"x")})
    (out / "terraform/terraform.tfstate").write_text("{state}")
    (out / "terraform/.terraform/providers").mkdir(parents=True)
    (out / "terraform/.terraform/providers/p").write_text("binary")
    (out / "NOTES.md").write_text("mine")
    res = write_tree(out, {"terraform/main.tf": Artifact(b"v2")})
    assert (out / "terraform/terraform.tfstate").read_text() == "{state}"
    assert (out / "terraform/.terraform/providers/p").read_text() == "binary"
    assert (out / "NOTES.md").read_text() == "mine"
    assert (out / "terraform/main.tf").read_bytes() == b"v2"
    assert not (out / "old.txt").exists()
    assert res.removed == ("old.txt",) and res.changed == ("terraform/main.tf",)
    assert res.kept == ("NOTES.md", "terraform/.terraform/", "terraform/terraform.tfstate")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("where", ["", ".", "..", "home", "repo", "input", "root"])
def test_dangerous_output_directories_are_refused_even_with_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    work = tmp_path / "repo" / "work"
    work.mkdir(parents=True)
    (tmp_path / "repo/.git").mkdir()
    (work / "crontab").write_text("0 1 * * * /bin/true\n")
    (tmp_path / "elsewhere/tabs").mkdir(parents=True)
    (tmp_path / "elsewhere/tabs/crontab").write_text("0 1 * * * /bin/true\n")
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    target = {
        "": Path(""),
        ".": Path("."),
        "..": Path(".."),
        "home": tmp_path / "home",
        "repo": tmp_path / "repo",
        "input": tmp_path / "elsewhere",  # holds a crontab
        "root": Path("/"),
    }[where]
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    with pytest.raises(WriteError, match="refusing to write the output there"):
        write_tree(
            target, ARTS, force=True, inputs=[work / "crontab", tmp_path / "elsewhere/tabs/crontab"]
        )
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def test_generate_refuses_an_empty_output_name(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text("0 1 * * * /bin/true\n")
    res = cli("generate", "tab", "--user", "-o", "", "--force", cwd=tmp_path)
    assert res.returncode == 1
    assert "refusing to write the output there" in res.stderr and "Traceback" not in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tab"]


def test_leftovers_of_an_interrupted_run_are_removed(tmp_path: Path) -> None:
    stale = tmp_path / ".out.tmp-abcd1234"
    (stale / "deep").mkdir(parents=True)
    (stale / "deep/f").write_text("x")
    other = tmp_path / ".other.tmp-abcd1234"  # another output's: not ours to judge
    other.mkdir()
    write_tree(tmp_path / "out", ARTS)
    assert not stale.exists() and other.exists()


def test_a_signal_while_writing_leaves_no_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import signal

    import cronmigrate.writer as w

    real = w._write

    def slow(target: Path, art: Artifact) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        real(target, art)

    monkeypatch.setattr(w, "_write", slow)
    with pytest.raises(WriteError, match="SIGTERM"):
        write_tree(tmp_path / "out", ARTS)
    assert list(tmp_path.iterdir()) == []


def test_regenerating_keeps_the_terraform_state_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "tab").write_text("0 1 * * * /bin/true\n")
    assert cli("generate", "tab", "--user", "-o", "out", cwd=tmp_path).returncode == 0
    state = tmp_path / "out/terraform/terraform.tfstate"
    state.write_text('{"version": 4}')
    (tmp_path / "out/terraform/.terraform").mkdir()
    (tmp_path / "tab").write_text("0 2 * * * /bin/true\n")
    again = cli("generate", "tab", "--user", "-o", "out", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert state.read_text() == '{"version": 4}'
    assert "kept what cronmigrate did not write: terraform/.terraform/, " in again.stdout
    assert "terraform/terraform.tfstate" in again.stdout
