"""Write an artifact tree to a directory: all or nothing, and never over someone else's files.

The tree is written to a temporary sibling directory and renamed into place, so a failure
leaves the old directory as it was.  A directory is ours when it holds
``.cronmigrate-manifest.json`` (the paths and hashes we wrote); any other non-empty
directory is refused unless ``force``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cronmigrate.errors import CronmigrateError
from cronmigrate.render import Artifact, Artifacts

MANIFEST = ".cronmigrate-manifest.json"


class WriteError(CronmigrateError):
    exit_code = 1


@dataclass(frozen=True)
class WriteResult:
    created: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]


def _check_path(path: str) -> None:
    p = PurePosixPath(path)
    if p.is_absolute() or ".." in p.parts or not p.parts or "\\" in path or "\x00" in path:
        raise WriteError(f"refusing to write {path!r}: outside the output directory")


def manifest(artifacts: Artifacts) -> dict[str, str]:
    return {p: hashlib.sha256(a.content).hexdigest() for p, a in sorted(artifacts.items())}


def _old_manifest(outdir: Path) -> dict[str, str] | None:
    try:
        data = json.loads((outdir / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    return files if isinstance(files, dict) else None


def write_tree(outdir: Path, artifacts: Artifacts, force: bool = False) -> WriteResult:
    for path in artifacts:
        _check_path(path)
    outdir = outdir.absolute()
    old: dict[str, str] | None = None
    if outdir.exists() or outdir.is_symlink():
        if not outdir.is_dir() or outdir.is_symlink():
            raise WriteError(f"{outdir}: exists and is not a directory")
        old = _old_manifest(outdir)
        if old is None and any(outdir.iterdir()) and not force:
            raise WriteError(
                f"{outdir}: exists, is not empty and was not written by cronmigrate "
                f"(no {MANIFEST}); choose another directory or use --force"
            )
    parent = outdir.parent
    if not parent.is_dir():
        raise WriteError(f"{parent}: no such directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise WriteError(f"{parent}: not writable")
    files = manifest(artifacts)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.tmp-", dir=parent))
    except OSError as exc:
        raise WriteError(f"{parent}: cannot create a directory: {exc.strerror}") from None
    try:
        for path, art in sorted(artifacts.items()):
            _write(tmp / path, art)
        doc = {"generator": "cronmigrate", "files": files}
        (tmp / MANIFEST).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
        os.chmod(tmp, 0o755)
        if outdir.exists():
            trash = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.old-", dir=parent))
            os.rename(outdir, trash / "old")
            os.rename(tmp, outdir)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.rename(tmp, outdir)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise WriteError(f"{outdir}: writing failed, nothing changed: {exc}") from None
    before = old or {}
    return WriteResult(
        created=tuple(p for p in files if p not in before),
        changed=tuple(p for p in files if p in before and before[p] != files[p]),
        unchanged=tuple(p for p in files if before.get(p) == files[p]),
        removed=tuple(p for p in sorted(before) if p not in files),
    )


def _write(target: Path, art: Artifact) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(art.content)
    os.chmod(target, art.mode)
