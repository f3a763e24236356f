"""Write an artifact tree to a directory, never losing a file cronmigrate did not write.

The tree is first written whole to a temporary sibling directory (a failure there changes
nothing). A new or empty output directory is then that directory, renamed into place. In an
existing one, each file is moved into place (an atomic rename), the files the previous
manifest lists and the new tree lacks are removed, and the manifest is written last: what
the user added (``terraform.tfstate``, ``.terraform/``, notes) stays, and is reported.

A directory is ours when it holds ``.cronmigrate-manifest.json`` (the paths and hashes we
wrote); any other non-empty directory is refused unless ``force``, and even then only the
paths of the new tree are written into it. Some directories are refused whatever ``force``
says: ``/``, the home directory, the working directory or one of its parents, a repository
root, and any directory holding an input.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import FrameType

from cronmigrate.errors import CronmigrateError
from cronmigrate.render import Artifact, Artifacts

MANIFEST = ".cronmigrate-manifest.json"
KEPT_SHOWN = 5  # kept paths named in a summary


class WriteError(CronmigrateError):
    exit_code = 1


@dataclass(frozen=True)
class WriteResult:
    created: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    kept: tuple[str, ...] = ()  # what was there and is not ours (a directory ends in "/")


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
    if not isinstance(files, dict):
        return None
    return {str(k): str(v) for k, v in files.items() if isinstance(k, str) and _safe(k)}


def _safe(path: str) -> bool:
    try:
        _check_path(path)
    except WriteError:
        return False
    return path != MANIFEST


def refuse_dangerous(outdir: Path, inputs: Iterable[Path] = ()) -> None:
    """Refuse an output directory whose replacement would lose what is not ours."""
    target = Path(os.path.realpath(outdir))
    here = Path(os.path.realpath(Path.cwd()))
    why = ""
    if target == Path(target.anchor):
        why = "is the root directory"
    elif target == Path(os.path.realpath(Path.home())):
        why = "is the home directory"
    elif target == here or target in here.parents:
        why = "is the working directory or holds it"
    elif (target / ".git").exists():
        why = "is a repository's root"
    else:
        for given in inputs:
            real = Path(os.path.realpath(given))
            if real == target or target in real.parents:
                why = f"holds an input ({given})"
                break
    if why:
        raise WriteError(
            f"{outdir}: refusing to write the output there: it {why} (even with --force)"
        )


_LEFTOVER = re.compile(r"\.(?P<name>.+)\.(tmp|old)-[A-Za-z0-9_]{8}")


def _remove_leftovers(outdir: Path) -> None:
    """Temporary siblings an interrupted run left (``.out.tmp-XXXXXXXX``)."""
    with contextlib.suppress(OSError):
        for entry in outdir.parent.iterdir():
            m = _LEFTOVER.fullmatch(entry.name)
            if m and m["name"] == outdir.name and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)


class _Interrupted(Exception):
    pass


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise, so that the temporary directory is removed."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise _Interrupted(signal.Signals(signum).name)

    saved = {}
    try:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            saved[sig] = signal.signal(sig, stop)
    except ValueError:  # not the main thread: nothing to install
        pass
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def write_tree(
    outdir: Path, artifacts: Artifacts, force: bool = False, inputs: Iterable[Path] = ()
) -> WriteResult:
    for path in artifacts:
        _check_path(path)
    refuse_dangerous(outdir, inputs)
    outdir = outdir.absolute()
    old: dict[str, str] | None = None
    existing = False
    if outdir.exists() or outdir.is_symlink():
        if not outdir.is_dir() or outdir.is_symlink():
            raise WriteError(f"{outdir}: exists and is not a directory")
        old = _old_manifest(outdir)
        existing = any(outdir.iterdir())
        if old is None and existing and not force:
            raise WriteError(
                f"{outdir}: exists, is not empty and was not written by cronmigrate "
                f"(no {MANIFEST}); choose another directory or use --force"
            )
    parent = outdir.parent
    if not parent.is_dir():
        raise WriteError(f"{parent}: no such directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise WriteError(f"{parent}: not writable")
    _remove_leftovers(outdir)
    files = manifest(artifacts)
    before = old or {}
    if existing:
        _check_conflicts(outdir, files, before, force)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.tmp-", dir=parent))
    except OSError as exc:
        raise WriteError(f"{parent}: cannot create a directory: {exc.strerror}") from None
    removed: list[str] = []
    try:
        with _signals_interrupt():
            for path, art in sorted(artifacts.items()):
                _write(tmp / path, art)
            doc = {"generator": "cronmigrate", "files": files}
            (tmp / MANIFEST).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
            os.chmod(tmp, 0o755)
            if not existing:
                if outdir.exists():
                    outdir.rmdir()  # empty
                os.rename(tmp, outdir)
            else:
                removed = _apply(tmp, outdir, files, before)
    except (OSError, _Interrupted) as exc:
        raise WriteError(f"{outdir}: writing failed: {exc}; nothing was removed") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return WriteResult(
        created=tuple(p for p in files if p not in before),
        changed=tuple(p for p in files if p in before and before[p] != files[p]),
        unchanged=tuple(p for p in files if before.get(p) == files[p]),
        removed=tuple(removed),
        kept=tuple(_kept(outdir, files)),
    )


def _check_conflicts(
    outdir: Path, files: dict[str, str], before: dict[str, str], force: bool
) -> None:
    """A path of the new tree that the existing directory holds as something else, or as
    a file cronmigrate did not write (replaced only with ``force``)."""
    for path in files:
        target = outdir / path
        if target.is_dir() and not target.is_symlink():
            raise WriteError(f"{target}: is a directory; cronmigrate writes a file there")
        if path not in before and not force and (target.exists() or target.is_symlink()):
            raise WriteError(
                f"{target}: exists and was not written by cronmigrate; move it, or use --force "
                "to replace it"
            )
        for up in PurePosixPath(path).parents:
            if str(up) == ".":
                continue
            p = outdir / up
            if p.is_symlink() or (p.exists() and not p.is_dir()):
                raise WriteError(f"{p}: is not a directory; cronmigrate writes {path} there")


def _apply(tmp: Path, outdir: Path, files: dict[str, str], before: dict[str, str]) -> list[str]:
    """Move the new files into ``outdir``, remove our stale ones, write the manifest last."""
    for path in files:
        target = outdir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp / path, target)
    removed = []
    for path in sorted(set(before) - set(files)):
        target = outdir / path
        if target.is_file() or target.is_symlink():
            target.unlink()
            removed.append(path)
        for up in PurePosixPath(path).parents:  # directories only our files were in
            if str(up) == ".":
                break
            with contextlib.suppress(OSError):
                (outdir / up).rmdir()  # only when empty
    os.replace(tmp / MANIFEST, outdir / MANIFEST)
    return removed


def _kept(outdir: Path, files: dict[str, str]) -> Iterator[str]:
    """What is in ``outdir`` and not ours; a directory holding none of ours, as one entry."""
    ours = set(files) | {MANIFEST}
    dirs = {str(p) for f in files for p in PurePosixPath(f).parents if str(p) != "."}
    for root, subdirs, names in os.walk(outdir):
        rel = os.path.relpath(root, outdir)
        prefix = "" if rel == "." else rel + "/"
        for d in sorted(subdirs):
            if prefix + d not in dirs:
                yield prefix + d + "/"
        subdirs[:] = sorted(d for d in subdirs if prefix + d in dirs)
        for name in sorted(names):
            if prefix + name not in ours:
                yield prefix + name


def _write(target: Path, art: Artifact) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(art.content)
    os.chmod(target, art.mode)
