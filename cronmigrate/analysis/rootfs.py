"""Paths of the server looked up in a copy of its files (``--root``), as ``chroot`` would.

A symbolic link in the copy points at the server's file system, not the build machine's:
an absolute target is read under the root again, ``..`` never climbs above it. So nothing
outside ``--root`` is ever read or bundled; a link that would have climbed out is reported.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

MAX_LINKS = 40  # as the kernel's ELOOP limit


class Located(NamedTuple):
    path: Path  # where the server's path is in the copy (it may not exist)
    leaves_root: bool  # a link climbed above the root (and was kept inside it)
    loop: bool  # too many links: nothing there


def locate(root: Path, server_path: str) -> Located:
    pending = [p for p in server_path.split("/") if p]
    parts: list[str] = []
    links = 0
    leaves = False
    while pending:
        comp = pending.pop(0)
        if comp == ".":
            continue
        if comp == "..":
            if parts:
                parts.pop()
            else:
                leaves = True
            continue
        candidate = root.joinpath(*parts, comp)
        if candidate.is_symlink():
            links += 1
            if links > MAX_LINKS:
                return Located(root.joinpath(*parts, comp, *pending), leaves, True)
            target = os.readlink(candidate)
            if target.startswith("/"):
                parts = []
            pending = [p for p in target.split("/") if p] + pending
            continue
        parts.append(comp)
    return Located(root.joinpath(*parts), leaves, False)
