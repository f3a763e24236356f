"""Files a job needs on Lambda: bundled at their server path under ``root/`` in the zip, and
the command (and the scripts' own ``source`` lines) pointed at the bundled copies."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import NamedTuple

from cronmigrate.analysis.commands import BUNDLE_DIR, SYSTEM_DIRS


class BundledFile(NamedTuple):
    path: str  # absolute path on the server, e.g. /opt/batch/x.sh
    source: Path  # where it was read from (under --root)
    executable: bool
    data: bytes | None = None  # the content to bundle, when rewritten (else the source's)

    def content(self) -> bytes:
        return self.data if self.data is not None else self.source.read_bytes()

    @property
    def archive_path(self) -> str:
        return f"{BUNDLE_DIR}{self.path}"


def _is_system(path: str) -> bool:
    return path.startswith(SYSTEM_DIRS) or path in {"/", "/bin", "/usr"}


def rewrite(command: str, files: list[BundledFile], aliases: dict[str, str] | None = None) -> str:
    """Point the command at the bundled copies (outside single quotes, whole words);
    ``aliases``: other words for a bundled file (``$HOME/bin/x`` → its path on the server)."""
    if not files:
        return command
    out = command
    bundled = {f.path: f for f in files}
    for word, path in sorted((aliases or {}).items(), key=lambda a: -len(a[0])):
        if path in bundled:
            out = replace_word(out, word, "${LAMBDA_TASK_ROOT}/" + bundled[path].archive_path)
    for f in sorted(files, key=lambda f: -len(f.path)):
        out = replace_word(out, f.path, "${LAMBDA_TASK_ROOT}/" + f.archive_path)
    parents = {str(p) for f in files for p in PurePosixPath(f.path).parents if str(p) != "/"}
    for d in sorted(parents, key=len, reverse=True):
        out = replace_word(out, d, f"${{LAMBDA_TASK_ROOT}}/{BUNDLE_DIR}{d}", after="cd ")
    return out


_BOUNDARY_BEFORE = set(' \t\n;&|()`"=')
_BOUNDARY_AFTER = set(' \t\n;&|()`"<>')


def replace_word(text: str, word: str, new: str, after: str = "") -> str:
    out: list[str] = []
    i = 0
    quote = ""
    while i < len(text):
        c = text[i]
        if quote == "'":
            out.append(c)
            if c == "'":
                quote = ""
            i += 1
            continue
        if c == "\\" and i + 1 < len(text):
            out.append(text[i : i + 2])
            i += 2
            continue
        if c == "#" and not quote and (i == 0 or text[i - 1] in " \t\n;&|("):
            stop = text.find("\n", i)  # a comment: copied as it is
            stop = len(text) if stop < 0 else stop
            out.append(text[i:stop])
            i = stop
            continue
        if c == "'" and quote != '"':
            quote = "'"
        elif c == '"':
            quote = "" if quote == '"' else '"'
        end = i + len(word)
        if (
            text.startswith(word, i)
            and (i == 0 or text[i - 1] in _BOUNDARY_BEFORE)
            and (end == len(text) or text[end] in _BOUNDARY_AFTER)
            and text[:i].endswith(after)
        ):
            out.append(new)
            i = end
            continue
        out.append(c)
        i += 1
    return "".join(out)
