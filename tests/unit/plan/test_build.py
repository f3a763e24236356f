"""The plan stage, in process: each job read, translated, analysed, named, matched to its
settings and costed once; what the plan says of a job is what generate does with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cronmigrate import settings as config
from cronmigrate.plan import cost
from cronmigrate.plan.build import PlanOptions, build_plan, exit_code
from cronmigrate.plan.model import Plan
from cronmigrate.schedule.model import Status, Trigger
from cronmigrate.settings import ConfigError, Settings


def _plan(tmp_path: Path, text: str, cfg: str = "", **kw: Any) -> Plan:
    tab = tmp_path / "etc" / "cron.d" / "app"
    tab.parent.mkdir(parents=True, exist_ok=True)
    tab.write_text(text)
    settings = Settings()
    if cfg:
        (tmp_path / "c.yaml").write_text(cfg)
        settings = config.load(str(tmp_path / "c.yaml"))
    options = PlanOptions(
        root=tmp_path, settings=settings, cost=cost.options(settings, Trigger.SCHEDULER), **kw
    )
    return build_plan([str(tab)], options)


def test_every_job_gets_its_server_line_a_name_and_its_settings(tmp_path: Path) -> None:
    plan = _plan(
        tmp_path,
        "0 3 * * * root /usr/bin/true\n0 4 * * * root /usr/bin/true\n",
        "defaults:\n  memory: 256\njobs:\n  /etc/cron.d/app:2:\n    memory: 1024\n",
    )
    first, second = plan.jobs
    assert (first.source, second.source) == ("/etc/cron.d/app:1", "/etc/cron.d/app:2")
    assert first.function == f"cron-{first.key}" and first.key.startswith("job-")  # true is no name
    assert (first.settings_key, first.settings.memory) == (None, 256)
    assert (second.settings_key, second.settings.memory) == ("/etc/cron.d/app:2", 1024)
    # the cost follows each job's own settings: four times the memory, four times the compute
    assert first.cost is not None and second.cost is not None
    c1, c2 = dict(first.cost.items), dict(second.cost.items)
    assert c2["lambda_compute"] == pytest.approx(4 * c1["lambda_compute"])


def test_a_settings_key_that_names_no_job_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"'/etc/cron\.d/app:9' matches no job"):
        _plan(tmp_path, "0 3 * * * root /usr/bin/true\n", "jobs:\n  /etc/cron.d/app:9: {}\n")


def test_a_runcommand_job_is_not_read_for_lambda_and_needs_instances(tmp_path: Path) -> None:
    line = "0 3 * * * root mysqldump db > /var/backups/db.sql\n"
    alone = _plan(tmp_path, line, "jobs:\n  /etc/cron.d/app:1:\n    target: runcommand\n")
    (jp,) = alone.jobs
    assert jp.target == "runcommand" and jp.analysis is None
    assert jp.status is Status.REFUSED
    assert [r.code for r in jp.translation.reasons] == ["CM602"]
    placed = _plan(
        tmp_path,
        line,
        "jobs:\n  /etc/cron.d/app:1:\n    target: runcommand\n"
        "    instances: [tag:cronmigrate:target=db]\n",
    )
    (jp,) = placed.jobs
    assert jp.status is Status.OK and not jp.translation.reasons
    assert jp.cost is not None and "stepfunctions" in dict(jp.cost.items)


def test_a_lambda_job_keeps_its_analysis(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "0 3 * * * root php /srv/app/artisan schedule:run\n")
    (jp,) = plan.jobs
    assert jp.analysis is not None
    assert "CM501" in {f.code for f in jp.analysis.findings}
    assert exit_code(plan) == (1 if jp.status is Status.REFUSED else 0)


def test_the_target_default_applies_where_settings_say_nothing(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "0 3 * * * root /usr/bin/true\n", target_default="runcommand")
    (jp,) = plan.jobs
    assert jp.target == "runcommand"


def test_lint_names_no_job(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "0 3 * * * root /usr/bin/true\n", name_jobs=False)
    (jp,) = plan.jobs
    assert jp.key == "" and jp.function == ""
