"""``cronmigrate generate``: crontab files → a deployable output directory."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple

from cronmigrate import settings as config
from cronmigrate import vendor
from cronmigrate.commands.inputs import check_root
from cronmigrate.commands.plan import Inputs, plan
from cronmigrate.diagnostics import Severity
from cronmigrate.errors import UsageError
from cronmigrate.jobindex import INDEX
from cronmigrate.plan.build import exit_code
from cronmigrate.plan.changes import ChangeSet, changes
from cronmigrate.plan.changes import generated as changes_generated
from cronmigrate.plan.model import Plan
from cronmigrate.render.generate import IAC_CHOICES, Generated
from cronmigrate.render.generate import generate as generate_tree
from cronmigrate.writer import WriteResult, refuse_dangerous, write_tree


class Outcome(NamedTuple):
    plan: Plan
    generated: Generated
    written: WriteResult
    changes: ChangeSet | None  # against what the directory held (None: it held no output)

    @property
    def exit_code(self) -> int:
        """0: every job generated; 1: a job not generated, or a line malformed."""
        return 1 if self.generated.deployment.skipped or exit_code(self.plan) else 0

    def notices(self) -> list[str]:
        """What to tell before the summary: quota warnings, the plan's errors and warnings
        (such as "Debian ignores this file"), each job not generated and why."""
        out = [f"warning: {w}" for w in self.generated.warnings]
        out += [
            d.one_line()
            for d in self.plan.diagnostics
            if d.severity in (Severity.ERROR, Severity.WARNING)
        ]
        out += [d.one_line() for d in self.generated.deployment.skipped]
        return out


def generate(
    crontabs: Sequence[str],
    output: Path,
    inputs: Inputs,
    *,
    iac: str = "all",
    config_path: Path | None = None,
    force: bool = False,
    target_default: str = "lambda",
    host: str = "",
    stdin: BinaryIO | None = None,
) -> Outcome:
    root = inputs.root or Path("/")
    check_root(root)
    given = [Path(c) for c in crontabs if c != "-"] + [root]
    if config_path is not None:
        given.append(config_path)
    refuse_dangerous(output, given)  # before any work: -o '' or -o . is a mistake
    if host and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,30}", host):
        raise UsageError(f"--host {host!r}: up to 31 lowercase letters, digits and '-'")
    settings = config.load(str(config_path) if config_path else None)
    before = output if (output / INDEX).is_file() else None
    planned = plan(
        crontabs, inputs._replace(root=root), stdin, settings, target_default, host, before
    )
    which = set(IAC_CHOICES) if iac == "all" else {iac}
    generated = generate_tree(planned, settings, which, host, vendored(planned))
    written = write_tree(output, generated.artifacts, force=force, inputs=given)
    return Outcome(
        planned, generated, written, changes(planned.previous, planned) if before else None
    )


def vendored(planned: Plan) -> dict[str, tuple[tuple[str, bytes, int], ...]]:
    """Function → the files of its job's ``requirements:`` (pip, once per set of pins and
    CPU); every third-party module the job's scripts import must be among them."""
    out: dict[str, tuple[tuple[str, bytes, int], ...]] = {}
    done: dict[tuple[tuple[str, ...], str], vendor.Vendored] = {}
    for jp in changes_generated(planned):
        found = jp.analysis
        if found is None or not found.python or not jp.settings.requirements:
            continue
        arch = jp.settings.architecture or "x86_64"
        key = (jp.settings.requirements, arch)
        if key not in done:
            done[key] = vendor.install(jp.settings.requirements, arch, jp.function)
        lacking = sorted(set(found.third_party) - done[key].modules)
        if lacking:
            raise vendor.VendorError(
                f"{jp.source}: {jp.function} imports {', '.join(lacking)}, which its "
                f"requirements: ({', '.join(jp.settings.requirements)}) do not provide"
            )
        out[jp.function] = done[key].files
    return out
