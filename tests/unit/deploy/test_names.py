"""Generated names never clash, and a job keeps its name when others are added."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cronmigrate.deploy.jobs import build
from cronmigrate.plan.build import PlanOptions, build_plan
from cronmigrate.settings import Settings


def _names(tab: Path) -> dict[str, str]:
    root = tab.parent / "root"
    for script in ("run.sh", "backup.sh"):
        (root / "opt").mkdir(parents=True, exist_ok=True)
        (root / "opt" / script).write_text("#!/bin/sh\necho ok\n")
        (root / "opt" / script).chmod(0o755)
    plan = build_plan([str(tab)], PlanOptions(analyse=False, root=root))
    deployment = build(plan, Settings())
    assert not deployment.skipped
    return {j.source: j.function_name for j in deployment.jobs}


def test_three_thousand_jobs_get_distinct_names(tmp_path: Path) -> None:
    tab = tmp_path / "crontab"
    tab.write_text("".join(f"{i % 60} * * * * /opt/run.sh\n" for i in range(3000)))
    names = _names(tab)
    assert len(names) == 3000
    assert len(set(names.values())) == 3000  # 6 hex digits alone clash at this size
    longer = [n for n in names.values() if not re.fullmatch(r"cron-run-[0-9a-f]{6}", n)]
    assert all(re.fullmatch(r"cron-run-[0-9a-f]{8}", n) for n in longer)
    assert len(longer) < 10  # only the jobs that met a clash


def test_a_job_keeps_its_name_when_others_are_added(tmp_path: Path) -> None:
    tab = tmp_path / "crontab"
    tab.write_text("0 3 * * * /opt/backup.sh\n")
    before = _names(tab)
    tab.write_text(
        "0 3 * * * /opt/backup.sh\n" + "".join(f"{i} 4 * * * /opt/run.sh\n" for i in range(50))
    )
    after = _names(tab)
    assert after[f"{tab}:1"] == before[f"{tab}:1"]


def _deploy(tab: str, cwd: Path, root: Path, config: str | None = None) -> object:
    import os

    from cronmigrate import settings as config_mod

    old = Path.cwd()
    os.chdir(cwd)
    try:
        settings = config_mod.load(config)
        plan = build_plan([tab], PlanOptions(analyse=False, root=root, settings=settings))
        return build(plan, settings)
    finally:
        os.chdir(old)


SERVER = Path(__file__).resolve().parents[3] / "samples/server-root"


def test_names_and_settings_do_not_depend_on_the_path_as_typed(tmp_path: Path) -> None:
    """Relative from the copy, relative from elsewhere, absolute: one deployment."""
    config = str(SERVER / "cronmigrate.yaml")
    runs = [
        _deploy("etc/cron.d/app", SERVER, SERVER, config),
        _deploy(str(SERVER / "etc/cron.d/app"), tmp_path, SERVER, config),
        _deploy(
            "../samples/server-root/etc/cron.d/app", SERVER.parent.parent / "docs", SERVER, config
        ),
    ]
    seen = [sorted((j.function_name, j.target) for j in d.jobs) for d in runs]  # type: ignore[attr-defined]
    assert seen[0] == seen[1] == seen[2]
    assert ("cron-backup-db", "runcommand") in seen[0]  # the key etc/cron.d/app:12 matched


def test_a_settings_key_that_matches_no_job_is_an_error_with_its_line(tmp_path: Path) -> None:
    import pytest

    from cronmigrate.settings import ConfigError

    cfg = tmp_path / "cronmigrate.yaml"
    cfg.write_text("jobs:\n  etc/cron.d/app:99:\n    memory: 256\n")
    with pytest.raises(ConfigError) as err:
        _deploy("etc/cron.d/app", SERVER, SERVER, str(cfg))
    assert str(err.value).startswith(f"{cfg}:2:3: jobs: 'etc/cron.d/app:99' matches no job")
    assert err.value.exit_code == 2


def test_host_tells_two_servers_apart(tmp_path: Path) -> None:
    """Two servers' identical /etc/crontab: the same names without --host, distinct with it."""
    from cronmigrate.render.generate import generate

    names = {}
    for host in ("web1", "web2"):
        root = tmp_path / host
        (root / "etc").mkdir(parents=True)
        (root / "etc/crontab").write_text("17 * * * * root echo hourly\n")
        for h in ("", host):
            options = PlanOptions(analyse=False, root=root, host=h)
            plan = build_plan([str(root / "etc/crontab")], options)
            gen = generate(plan, Settings(), {"terraform"}, host=h)
            names[h or f"none-{host}"] = {j.function_name for j in gen.deployment.jobs}
            tf = gen.artifacts["terraform/base/variables.tf"].content.decode()
            assert f'"cronmigrate-locks{"-" + h if h else ""}"' in tf
    assert names["none-web1"] == names["none-web2"]  # without --host they would collide
    assert names["web1"].isdisjoint(names["web2"])


def test_each_job_is_analysed_once_from_crontab_to_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan reads a job's command and scripts once; generate and the cost read the plan."""
    from cronmigrate.analysis import walker
    from tests.helpers import SAMPLE_TABS, SAMPLES, generated_into

    made: list[str] = []
    real = walker._Walker.__init__

    def counting(self: walker._Walker, job: object, *args: object) -> None:
        made.append(job.location.short)  # type: ignore[attr-defined]
        real(self, job, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(walker._Walker, "__init__", counting)
    gen = generated_into(tmp_path / "out", SAMPLE_TABS, cwd=SAMPLES, root=SAMPLES)
    live = [jp for jp in gen.deployment.plan.jobs if not jp.job.disabled]
    assert len(made) == len(live) == len(set(made))
    assert len(gen.deployment.jobs) > 10
