"""Property: ``lint --fix`` changes only the files it lints, and in those only line endings
and the final newline; links stay links, binaries and skipped names stay as they were."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cronmigrate.commands.lint import fix_file
from cronmigrate.crontab.read import crontab_files

names = st.sampled_from(["app", "backup", "logo.png", "app.dpkg-old", ".hidden", "x~", "README"])
contents = st.one_of(
    st.binary(max_size=80),
    st.lists(st.sampled_from([b"0 1 * * * /x", b"MAILTO=a@b.c", b"# c", b""]), max_size=4).map(
        lambda ls: b"\r\n".join(ls)
    ),
)
entries = st.lists(st.tuples(names, st.sampled_from(["file", "link", "dir"]), contents), max_size=7)


def _state(root: Path) -> dict[str, tuple[str, bytes | str]]:
    out: dict[str, tuple[str, bytes | str]] = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if p.is_symlink():
            out[rel] = ("link", os.readlink(p))
        elif p.is_dir():
            out[rel] = ("dir", b"")
        else:
            out[rel] = ("file", p.read_bytes())
    return out


@settings(max_examples=200, deadline=None)
@given(items=entries)
def test_fix_changes_only_what_it_lints(items: list[tuple[str, str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        d = root / "cron.d"
        d.mkdir()
        (root / "outside").write_bytes(b"0 1 * * * /y\r\n")
        for name, kind, data in items:
            target = d / name
            if target.exists() or target.is_symlink():
                continue
            if kind == "dir":
                target.mkdir()
            elif kind == "link":
                target.symlink_to("../outside")
            else:
                target.write_bytes(data)
        before = _state(root)
        linted = {str(p.relative_to(root)) for p in crontab_files([str(d)])}
        through_link = any((root / rel).is_symlink() for rel in linted)
        for path in crontab_files([str(d)]):
            fix_file(path)
        after = _state(root)
        assert set(after) == set(before)
        for rel, (kind, value) in before.items():
            if rel in linted and kind == "file":
                assert isinstance(value, bytes)
                fixed = value.replace(b"\r\n", b"\n")
                expected = fixed + b"\n" if fixed and not fixed.endswith(b"\n") else fixed
                assert after[rel] == ("file", expected)
            elif rel == "outside" and through_link:
                assert after[rel] == ("file", b"0 1 * * * /y\n")  # fixed through the link
            else:
                assert after[rel] == (kind, value), rel
