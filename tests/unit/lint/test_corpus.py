"""lint's default over real crontabs (tests/corpus/ok: Debian packages' cron.d files and
Debian's /etc/crontab, each with its source in its first lines) and over real mistakes
(tests/corpus/mistakes, each naming the rule it must fail with): only the files with a
mistake fail, each for its reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cronmigrate.crontab.model import CrontabKind
from cronmigrate.diagnostics import Severity
from cronmigrate.lint.engine import LintOptions, lint
from tests.helpers import ROOT

CORPUS = ROOT / "tests/corpus"
OK = sorted((CORPUS / "ok").iterdir())
MISTAKES = sorted((CORPUS / "mistakes").iterdir())
SYSTEM = LintOptions(forced_kind=CrontabKind.SYSTEM)


def test_every_corpus_file_names_its_source() -> None:
    for path in OK + MISTAKES:
        head = path.read_text().split("\n", 3)[:3]
        assert any(line.startswith("# source: ") for line in head), path


@pytest.mark.parametrize("path", OK, ids=lambda p: p.name)
def test_a_good_crontab_passes_the_default_lint(path: Path) -> None:
    result = lint([str(path)], SYSTEM)
    assert not result.failed(Severity.WARNING), [f.one_line() for f in result.findings]


@pytest.mark.parametrize("path", MISTAKES, ids=lambda p: p.name)
def test_a_mistake_fails_for_its_reason(path: Path) -> None:
    expected = set(re.findall(r"CM\d{3}", path.read_text().split("\n", 1)[0]))
    result = lint([str(path)], SYSTEM)
    assert result.failed(Severity.WARNING)
    assert {f.code for f in result.findings} == expected


def test_the_migration_group_still_says_what_it_said(tmp_path: Path) -> None:
    """--select migration: the advice the default no longer shows."""
    migration = LintOptions(forced_kind=CrontabKind.SYSTEM, select=("migration",))
    codes = {f.code for p in OK for f in lint([str(p)], migration).findings}
    assert {"CM407"} <= codes  # output going nowhere, in several of them
    assert all(c.startswith(("CM2", "CM4", "CM5", "CM6")) for c in codes)
