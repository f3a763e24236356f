"""Property: whatever the output directory holds besides cronmigrate's own files (user files,
binaries, symlinks, directories), writing a tree into it changes none of them."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cronmigrate.render import Artifact
from cronmigrate.writer import MANIFEST, WriteError, write_tree

names = st.sampled_from(["a", "b.txt", "tf", ".hidden", "n o", "x.png", "state"])
rel_paths = st.lists(names, min_size=1, max_size=3).map("/".join)
trees = st.dictionaries(rel_paths, st.binary(max_size=64), max_size=6)
user_entries = st.lists(
    st.tuples(
        rel_paths, st.sampled_from(["file", "binary", "link", "dir"]), st.binary(max_size=32)
    ),
    max_size=6,
)


def _snapshot(root: Path, skip: set[str]) -> dict[str, tuple[str, bytes | str, int]]:
    out: dict[str, tuple[str, bytes | str, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = str(p.relative_to(root))
            if rel in skip or rel == MANIFEST:
                continue
            st_ = p.lstat()
            if stat.S_ISLNK(st_.st_mode):
                out[rel] = ("link", os.readlink(p), 0)
            elif stat.S_ISDIR(st_.st_mode):
                out[rel] = ("dir", b"", 0)
            else:
                out[rel] = ("file", p.read_bytes(), st_.st_mode & 0o777)
    return out


def _is_prefix(a: str, b: str) -> bool:
    return b == a or b.startswith(a + "/")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=trees, second=trees, user=user_entries, force=st.booleans())
def test_writing_never_changes_what_is_not_ours(
    first: dict[str, bytes],
    second: dict[str, bytes],
    user: list[tuple[str, str, bytes]],
    force: bool,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        try:
            write_tree(out, {p: Artifact(b) for p, b in first.items()})
        except WriteError:
            return  # a tree with a file where another needs a directory: refused, fine
        ours_before = set(first)
        for path, kind, data in user:
            target = out / path
            if any(_is_prefix(o, path) or _is_prefix(path, o) for o in ours_before):
                continue  # the user's entries are elsewhere than ours
            if target.exists() or target.is_symlink():
                continue
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                if kind == "dir":
                    target.mkdir()
                elif kind == "link":
                    target.symlink_to("/etc/hostname")
                else:
                    target.write_bytes(data if kind == "binary" else b"user " + data)
            except OSError:
                continue
        theirs = _snapshot(out, ours_before)
        theirs = {k: v for k, v in theirs.items() if not any(_is_prefix(k, o) for o in ours_before)}
        # refused (a conflict with a user's entry): then nothing of theirs changed either
        with contextlib.suppress(WriteError):
            write_tree(out, {p: Artifact(b) for p, b in second.items()}, force=force)
        after = _snapshot(out, set())
        for rel, value in theirs.items():
            if force and any(_is_prefix(rel, n) or _is_prefix(n, rel) for n in second):
                continue  # --force: the new tree's own paths may replace theirs
            assert after.get(rel) == value, rel
