"""Commands and the scripts they call → findings, the files to bundle, the command for Lambda.

``analyse`` reads the crontab command with a bash parser (:mod:`cronmigrate.analysis.shell`),
follows scripts under ``--root`` (and what they ``source``, recursively), and reports what
cannot move as it is: tools the runtime lacks, writes outside /tmp, localhost services,
long jobs, root privileges, compiled programs for another architecture.  Log redirections
are dropped from the Lambda command (output goes to CloudWatch Logs).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import NamedTuple

from cronmigrate.analysis import commands, elf, python
from cronmigrate.analysis.accounts import home_of, passwd_homes
from cronmigrate.analysis.bundle import BundledFile, replace_word, rewrite
from cronmigrate.analysis.commands import runs_a_script
from cronmigrate.analysis.privileges import strip_privileges
from cronmigrate.analysis.reader import Guard
from cronmigrate.analysis.rootfs import locate
from cronmigrate.analysis.runtime_tools import (
    AVAILABLE,
    MISSING,
    SHELL_BUILTINS,
    WRITABLE_PREFIXES,
)
from cronmigrate.analysis.secrets import is_secret
from cronmigrate.analysis.shell import Reading, read
from cronmigrate.analysis.tsbash import bashisms
from cronmigrate.crontab.model import CronJob
from cronmigrate.crontab.percent import open_construct
from cronmigrate.diagnostics import Diagnostic
from cronmigrate.diagnostics.rules import (
    ARCHITECTURE,
    ARCHITECTURE_DETECTED,
    GUARDED_OUT,
    HOME_UNKNOWN,
    LIBRARIES,
    LOCALHOST,
    LOG_DROPPED,
    LONG_JOB,
    MAILTO,
    MISSING_RUN_PARTS_DIR,
    MISSING_SCRIPT,
    MISSING_TOOL,
    MISSING_TOOL_ACCEPTED,
    NOT_BUNDLED,
    PRIVILEGES,
    PRIVILEGES_KEPT,
    PYTHON2,
    PYTHON_IMPORT,
    READ_ONLY,
    RUN_PARTS_BUNDLED,
    SECRET,
    SH_BASHISM,
    UNPARSED,
    Rule,
)
from cronmigrate.shipped import runtime_file

RUN_PARTS = "/usr/lib/cronmigrate/run-parts"  # where the bundled run-parts goes
# Debian's default PATH for cron jobs and login shells (_PATH_DEFPATH, /etc/profile)
_SERVER_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")

LAMBDA_MAX_SECONDS = 900
_LOCAL = re.compile(r"(^|[^\w.])(localhost|127\.0\.0\.1|\[?::1\]?)([^\w.]|$)")
_DB_CLIENTS = {"mysql", "mysqldump", "psql", "pg_dump", "redis-cli", "mongo", "mongodump"}
_WRITERS = {"cp": -1, "mv": -1, "ln": -1, "install": -1, "tee": 0, "touch": 0, "mkdir": 0}
_MAX_FILES = 200


class Needs(NamedTuple):
    """What the job's settings say about what it may run with."""

    architecture: str | None = None  # the settings' (None: the compiled programs')
    provides: frozenset[str] = frozenset()  # programs the job's layers provide
    accept_missing: bool = False  # generate it even when a program is missing
    requirements: tuple[str, ...] = ()  # Python distributions installed into its zip


class Analysis(NamedTuple):
    findings: tuple[Diagnostic, ...]
    bundle: tuple[BundledFile, ...]
    command: str  # the command for Lambda
    architecture: str | None  # of the compiled programs bundled, if any
    missing: tuple[str, ...]
    python: bool = False  # it runs Python: the function gets Lambda's Python runtime
    third_party: tuple[str, ...] = ()  # modules its Python scripts import from requirements


def _is_log(target: str) -> bool:
    return target == "/dev/null" or target.startswith("/var/log/") or target.endswith(".log")


def _seconds(value: str) -> float | None:
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)([smhd]?)", value)
    if not m:
        return None
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def _drop_log_redirects(
    command: str, reading: Reading, edits: list[tuple[int, int, str]]
) -> tuple[str, list[str]]:
    """The command with its log redirections dropped (output goes to CloudWatch Logs) and
    the other ``edits`` (spans replaced: a path test by its answer on the server) made."""
    spans = [
        (r.start, r.end, "", r.target)
        for r in reading.redirects
        if r.start >= 0 and r.op in {">", ">>", "&>", ">|"} and _is_log(r.target)
    ]
    spans += [(start, end, text, "") for start, end, text in edits]
    out, dropped, last = [], [], 0
    for start, end, text, target in sorted(spans):
        if start < last:
            continue  # inside a span already replaced
        before = command[last:start]
        if target:
            out.append(before.rstrip(" ") + " " if before.strip() else before)
            dropped.append(target)
        else:
            out.append(before + text)
        last = end
    out.append(command[last:])
    text = "".join(out)
    if dropped:
        text = re.sub(r"[ \t]+$", "", re.sub(r" {2,}", " ", text))
    return text, dropped


class _Walker:
    def __init__(self, job: CronJob, root: Path | None, needs: Needs) -> None:
        self.job = job
        self.root = root
        self.needs = needs
        self.architecture = needs.architecture
        self.python = False
        # /usr/bin/python3 in the command: python3, the runtime's; /usr/bin/php: php, a layer's
        self.renamed: dict[str, str] = {}
        self.third_party: set[str] = set()
        self.aliases: dict[str, str] = {}  # $HOME/bin/x as written → its path on the server
        self.edits: list[tuple[int, int, str]] = []  # spans of the command to replace
        self.answers: list[tuple[Guard, bool]] = []  # path tests and their answer on the server
        self.home = home_of(root, job.user, job.env("HOME"))
        self.home_said = False
        self.findings: list[Diagnostic] = []
        self.files: dict[str, BundledFile] = {}
        self.missing: list[str] = []
        self.arch: str | None = None
        self.seen: set[str] = set()
        self.functions: set[str] = set()
        self.run_parts_dirs: set[str] = set()
        self.uses_run_parts = False
        self.escapes: set[str] = set()

    @property
    def copy(self) -> str:
        """Where the server's files were looked for, as a message says it: never the path of
        the copy itself, so that what generate writes does not depend on where it ran."""
        return "on this machine" if self.root == Path("/") else "in the server's copy (--root)"

    @property
    def remedy(self) -> str:
        if self.root == Path("/"):
            return "run generate on the server, or pass --root with a copy of its files"
        return "copy it there from the server"

    def note(self, rule: Rule, message: str, where: str = "") -> None:
        prefix = f"{where}: " if where else ""
        self.findings.append(rule.at(prefix + message, self.job.location, self.job.raw))

    def resolve(self, path: str, cwd: str | None) -> str | None:
        if path.startswith("/"):
            return posixpath.normpath(path)
        if "/" in path and cwd:
            return posixpath.normpath(posixpath.join(cwd, path))
        return None

    def at(self, path: str) -> Path:
        """Where the server's ``path`` is under --root, links resolved inside it (rootfs)."""
        assert self.root is not None
        found = locate(self.root, path)
        if found.leaves_root and path not in self.escapes:
            self.escapes.add(path)
            self.note(
                NOT_BUNDLED,
                f"{path}: a symbolic link in the server's copy (--root) climbs above it; "
                "read inside the copy, as on the server (nothing outside it is bundled)",
            )
        return found.path

    def on_path(self, name: str) -> str | None:
        """Where a bare name is a program on the server: on a normal PATH in the --root copy.
        Without --root no word is taken for a program unless it is a known one: an unknown
        word (a variable, a typo in a cut command) is not a missing tool."""
        if self.root is None or "/" in name:
            return None
        for d in _SERVER_PATH:
            if self.at(f"{d}/{name}").is_file():
                return f"{d}/{name}"
        return None

    def source(self, path: str) -> Path | None:
        if self.root is None:
            return None
        candidate = self.at(path)
        return candidate if candidate.is_file() else None

    def reading(self, reading: Reading, where: str) -> None:
        if not reading.parsed:
            self.note(
                UNPARSED,
                f"not analysed: cannot read it ({reading.error or 'unsupported syntax'})",
                where,
            )
            return
        if reading.error:  # read, but for these lines
            self.note(
                UNPARSED,
                f"{reading.error} not read (the rest is analysed)",
                where,
            )
        self.functions |= reading.functions
        for inc in reading.includes:  # first: a library defines functions the rest calls
            path = self.resolve(inc, None) or inc
            self.bundle(path, where, required=True)
        for use in reading.uses:
            if use.program not in self.functions:
                self.use(use.program, use.args, use.via, use.cwd, where)
        for r in reading.redirects:
            kept = not _is_log(r.target) or r.start < 0 or bool(where)  # dropped otherwise
            writes = r.op in {">", ">>", "&>", ">|"}
            if writes and kept and not r.target.startswith(WRITABLE_PREFIXES):
                self.note(
                    READ_ONLY,
                    f"writes {r.target}, but Lambda's file system is read-only outside /tmp",
                    where,
                )

    def use(
        self, program: str, args: tuple[str, ...], via: str, cwd: str | None, where: str
    ) -> None:
        name = posixpath.basename(program)
        interpreter = python.interpreter(program)
        if interpreter == "python2":
            self.note(
                PYTHON2,
                f"{program}: Python 2 has no Lambda runtime; port the job to Python 3, or keep "
                "it on its server (target: runcommand)",
                where,
            )
            return
        if interpreter == "python3":  # Lambda's Python runtime runs it (and its script)
            self.python = True
            if program not in ("python", "python3") and not where:
                self.renamed[program] = "python3"  # python is the layer's shim
            return
        at_home = self.home_path(program, where)
        if at_home == "":
            return  # its home is not known: said
        if at_home is not None:
            program = at_home
        if name in {"sudo", "su", "runuser"} and where:  # the command's own are stripped
            self.lacks(
                name,
                f"{name} is not in provided.al2023 and there is no other user on Lambda: "
                f"remove it from the script (the job runs as the function)",
                where,
            )
        if name in {"sleep", "timeout"} and args:
            seconds = _seconds(
                args[0] if name == "sleep" else next((a for a in args if not a.startswith("-")), "")
            )
            if seconds and seconds > LAMBDA_MAX_SECONDS:
                self.note(
                    LONG_JOB,
                    f"{name} {args[0]}: longer than Lambda's "
                    f"{LAMBDA_MAX_SECONDS} s; consider the runcommand target",
                    where,
                )
        if name in _DB_CLIENTS and not any(a.startswith(("-h", "--host")) for a in args):
            self.note(
                LOCALHOST,
                f"{name} without -h talks to a database on "
                "the server itself, which Lambda cannot reach",
                where,
            )
        for a in args:
            if _LOCAL.search(a):
                self.note(
                    LOCALHOST,
                    f"{a!r}: localhost is the Lambda sandbox, not the server",
                    where,
                )
                break
        if name in _WRITERS and args:
            targets = [a for a in args if not a.startswith("-")]
            pick = targets[-1:] if _WRITERS[name] == -1 else targets
            for t in pick:
                if t.startswith("/") and not t.startswith(WRITABLE_PREFIXES):
                    self.note(
                        READ_ONLY,
                        f"{name} writes {t}, but Lambda's file system is read-only outside /tmp",
                        where,
                    )
        if name == "run-parts":
            dirs = [a for a in args if a.startswith("/")]
            for d in dirs:
                self.run_parts(d, where)
            if not where:
                self.uses_run_parts = True  # replaced by a bundled run-parts (see analyse)
                root = self.root
                found = [d for d in dirs if root is not None and self.at(d).is_dir()]
                for d in sorted(set(dirs) - set(found)) if root is not None else ():
                    self.note(
                        MISSING_RUN_PARTS_DIR,
                        f"run-parts {d}: {d} is not {self.copy}, so the job would run nothing "
                        f"on Lambda ({self.remedy})",
                    )
                self.run_parts_dirs.update(found)
                return
        if self.root is not None and name not in {"cd", "test", "[", "run-parts"}:
            for a in args:
                a = self.home_path(a, where, program=False) or a
                if (
                    a.startswith("/")
                    and not a.startswith(commands.SYSTEM_DIRS)
                    and not a.startswith(WRITABLE_PREFIXES)
                    and "/" in a[1:]
                ):
                    if self.at(a).is_file():
                        self.bundle(a, where, required=False)  # a file the job reads
                    elif not self.at(a).exists():
                        self.note(
                            NOT_BUNDLED,
                            f"{a} is not {self.copy}: the job will not find it on Lambda "
                            f"({self.remedy})",
                            where,
                        )
        path = self.resolve(program, cwd)
        if path is None and runs_a_script(via) and cwd and not program.startswith("$"):
            path = posixpath.normpath(posixpath.join(cwd, program))  # php artisan, in cd DIR
        if name in {"sudo", "su", "runuser"}:
            return
        if path is None:
            if name in MISSING:
                self.lacks(name, f"{name} is not in provided.al2023: {MISSING[name]}", where)
            elif (
                name not in SHELL_BUILTINS
                and name not in AVAILABLE
                and not _dynamic(name)
                and self.root is not None
            ):
                server = self.on_path(name)
                where_it_is = (
                    f"a program of the server's ({server})" if server else f"nor {self.copy}"
                )
                self.lacks(
                    name,
                    f"{name} is not in provided.al2023, {where_it_is}: add a layer that "
                    "provides it, or keep the job on its server (target: runcommand)",
                    where,
                )
            return
        if path.startswith(commands.SYSTEM_DIRS):
            if name in self.needs.provides:  # a layer's, on PATH in /opt/bin
                if not where:
                    self.renamed[path] = name
                return
            if name in MISSING:
                self.lacks(name, f"{path} is not in provided.al2023: {MISSING[name]}", where)
            elif name in AVAILABLE or name in SHELL_BUILTINS:
                pass  # the runtime's
            elif self.root is not None and self.at(path).is_file():
                self.bundle(path, where, required=True)  # the server's own: bundled
            else:
                self.lacks(
                    name,
                    f"{path} is neither in provided.al2023 nor {self.copy}: add a layer "
                    f"that provides {name}, or keep the job on its server (target: runcommand)",
                    where,
                )
            return
        self.bundle(path, where, required=True)

    def lacks(self, name: str, message: str, where: str) -> None:
        """A program the function would not have (CM501), unless a layer of the job's says
        it provides it; with ``accept_missing`` only a warning (CM517)."""
        if name in self.needs.provides:
            return
        rule = MISSING_TOOL_ACCEPTED if self.needs.accept_missing else MISSING_TOOL
        self.note(rule, message, where)

    def home_path(self, word: str, where: str, program: bool = True) -> str | None:
        """``$HOME/x``, ``${HOME}/x``, ``~/x`` or ``~user/x`` as a path on the server (the
        owner's home from the copy's /etc/passwd, or the crontab's HOME=); "" when the home
        is not known (said once, and the program is missing); None for any other word."""
        m = re.match(r"^(\$HOME|\$\{HOME\}|~([a-z_][a-z0-9_-]*)?)(/.*)$", word)
        if m is None:
            return None
        home = self.home
        if m.group(2):
            homes = passwd_homes(self.root) if self.root is not None else None
            home = (homes or {}).get(m.group(2))
        if home is None:
            if not program:
                return None
            if not self.home_said:
                self.home_said = True
                self.note(
                    HOME_UNKNOWN,
                    f"{m.group(1)} is not known: the server's copy has no /etc/passwd entry "
                    f"for {m.group(2) or self.job.user or 'the crontab owner'}"
                    if self.root is not None
                    else f"{m.group(1)} is the owner's home on the server: pass --root with a "
                    "copy of the server's files (its etc/passwd) to find it",
                    where,
                )
            self.note(
                MISSING_SCRIPT,
                f"{word} cannot be found without the owner's home ({self.remedy})",
                where,
            )
            return ""
        path = posixpath.normpath(home.rstrip("/") + m.group(3))
        if not where:
            self.aliases[word] = path
        return path

    def run_parts(self, directory: str, where: str) -> None:
        if self.root is None:
            return
        d = self.at(directory)
        if not d.is_dir():
            return
        for child in sorted(d.iterdir()):
            path = f"{directory.rstrip('/')}/{child.name}"
            if re.fullmatch(r"[A-Za-z0-9_-]+", child.name) and self.at(path).is_file():
                self.bundle(path, where, required=False)

    def bundle(self, path: str, where: str, required: bool) -> None:
        if path in self.seen or len(self.files) >= _MAX_FILES or ".." in path.split("/"):
            return
        self.seen.add(path)
        source = self.source(path)
        if source is None:
            system = path.startswith(commands.SYSTEM_DIRS)
            absent = self.root is not None and not self.at(path).exists()
            if absent and required and not system:
                self.missing.append(path)
                self.note(
                    MISSING_SCRIPT,
                    f"{path} is not {self.copy} ({self.remedy})",
                    where,
                )
            return
        data = source.read_bytes()
        bf = BundledFile(path, source, True)
        self.files[path] = bf
        info = elf.read(data)
        if info is not None:
            self.binary(path, info)
            return
        if python.is_python_script(path, data):
            self.python_script(path, data)
            return
        if _is_shell(path, data):
            text = _strip_comments(data.decode("utf-8", "surrogateescape"))  # lines kept
            self.reading(read(text), path)
            if re.match(rb"#!\s*(/usr)?/bin/(env\s+)?sh\b", data):
                for line, what in bashisms(text)[:3]:
                    self.note(
                        SH_BASHISM,
                        f"line {line}: {what} is bash, but the script says #!/bin/sh "
                        "(dash on Debian refused it; bash runs it on Lambda)",
                        path,
                    )

    def python_script(self, path: str, data: bytes) -> None:
        """A Python script runs on Lambda's Python runtime: its imports must be there (the
        standard library, modules bundled next to it, or its job's requirements:)."""
        if python.shebang_interpreter(data) == "python2":
            self.note(
                PYTHON2, "#!python2: Python 2 has no Lambda runtime; port it to Python 3", path
            )
            return
        self.python = True
        found = python.imports(data.decode("utf-8", "surrogateescape"))
        if found.error:
            self.note(
                PYTHON2,
                f"Python 3 cannot read it ({found.error}): Python 2? Port it to Python 3, or "
                "keep the job on its server (target: runcommand)",
                path,
            )
            return
        provided = python.provided_modules(self.needs.requirements)
        here = posixpath.dirname(path)
        for module in found.modules:
            if python.is_stdlib(module) or module in python.IN_RUNTIME:
                continue
            local = [f"{here}/{module}.py", f"{here}/{module}/__init__.py"]
            if self.root is not None and any(self.at(c).is_file() for c in local):
                self.local_module(here, module, path)
            elif module in provided:
                self.third_party.add(module)
            else:
                self.note(
                    PYTHON_IMPORT,
                    f"imports {module}, which is neither Python's standard library nor next to "
                    f"it on the server: name its distribution under requirements: for this job "
                    f"(e.g. requirements: [{module}==VERSION]), or it fails with ImportError",
                    path,
                )

    def local_module(self, here: str, module: str, importer: str) -> None:
        """A module next to a script (``import helpers`` → helpers.py, or a package):
        bundled where it is, so the script finds it as on the server."""
        single = f"{here}/{module}.py"
        if self.at(single).is_file():
            self.bundle(single, importer, required=False)
            return
        package = self.at(f"{here}/{module}")
        for child in sorted(package.rglob("*.py")):
            rel = child.relative_to(package).as_posix()
            self.bundle(f"{here}/{module}/{rel}", importer, required=False)

    def guards(self, reading: Reading) -> bool:
        """Path tests that decide whether the command does anything (``[ -x P ] && …``,
        ``test -x P || …``, ``command -v p && …``), evaluated against the server's copy:
        a job that does nothing on the server is not generated; a test whose answer would
        differ on Lambda is replaced by the server's answer (unless the path is bundled, and
        the test reads the bundled copy). True: the job does nothing."""
        if self.root is None:
            return False
        for g in reading.guards:
            holds = self.test(g)
            runs = holds if g.op == "&&" else not holds
            test = f"{'! ' if g.negated else ''}{g.test} {g.path}"
            if not runs and g.whole:
                self.note(
                    GUARDED_OUT,
                    f"[ {test} ] is {str(holds).lower()} on the server, so cron never runs the "
                    "rest of the line: it does nothing there, and is not generated",
                )
                return True
            self.answers.append((g, holds))
        return False

    def test(self, g: Guard) -> bool:
        if g.test == "-v":
            found = (
                g.path in SHELL_BUILTINS
                or self.on_path(g.path) is not None
                or (g.path.startswith("/") and self.at(g.path).is_file())
            )
            return found != g.negated
        f = self.at(g.path)
        try:
            st = f.stat()
        except OSError:
            return g.negated
        holds = {
            "-e": True,
            "-f": f.is_file(),
            "-d": f.is_dir(),
            "-x": bool(st.st_mode & 0o111),
            "-r": True,
            "-s": st.st_size > 0,
        }[g.test]
        return holds != g.negated

    def binary(self, path: str, info: elf.ElfInfo) -> None:
        if info.architecture is None:
            self.note(
                ARCHITECTURE,
                f"a compiled program for {info.machine}, which Lambda does not run",
                path,
            )
        elif self.arch is not None and info.architecture != self.arch:
            self.note(
                ARCHITECTURE,
                f"built for {info.architecture}, but "
                f"another program of the job is built for {self.arch}",
                path,
            )
        elif self.architecture is not None and info.architecture != self.architecture:
            self.note(
                ARCHITECTURE,
                f"built for {info.architecture}; the "
                f"settings say architecture: {self.architecture}",
                path,
            )
        else:
            self.arch = info.architecture
            self.note(
                ARCHITECTURE_DETECTED,
                f"compiled for {info.architecture}: the "
                f"function gets architecture {info.architecture}",
                path,
            )
        unknown = [lib for lib in info.needed if lib not in elf.RUNTIME_LIBRARIES]
        if unknown:
            self.note(
                LIBRARIES,
                f"needs {', '.join(unknown)}, which "
                "provided.al2023 may not have; bundle them or link statically",
                path,
            )


def _with_run_parts(command: str, walker: _Walker) -> str:
    """Debian's run-parts is not in the runtime: bundle cronmigrate's and point at it."""
    shim = runtime_file("run-parts").encode()
    source = Path(RUN_PARTS)
    walker.files[RUN_PARTS] = BundledFile(RUN_PARTS, source, True, shim)
    walker.note(
        RUN_PARTS_BUNDLED,
        "run-parts is not in provided.al2023: a bundled run-parts runs the directory's scripts",
    )
    bundled = "${LAMBDA_TASK_ROOT}/" + commands.BUNDLE_DIR
    for word in ("/usr/bin/run-parts", "/bin/run-parts", "run-parts"):
        command = replace_word(command, word, bundled + RUN_PARTS)
    for d in sorted(walker.run_parts_dirs, key=len, reverse=True):
        command = replace_word(command, d, bundled + d)
    return command


def _point_at_bundle(f: BundledFile, files: list[BundledFile]) -> BundledFile:
    """A bundled shell script that names other bundled files (source /opt/lib/x.sh) is
    rewritten to their bundled copies: the server's paths do not exist on Lambda."""
    data = f.content()
    if elf.read(data) is None and python.is_python_script(f.path, data):
        portable = python.portable_shebang(data)
        return f if portable == data else f._replace(data=portable)
    if elf.read(data) is not None or not _is_shell(f.path, data):
        return f
    text = data.decode("utf-8", "surrogateescape")
    others = [o for o in files if o.path != f.path]
    new = rewrite(text, others)
    if new == text:
        return f
    return f._replace(data=new.encode("utf-8", "surrogateescape"))


def _dynamic(name: str) -> bool:
    return name.startswith("$") or "$(" in name or name.startswith("`")


def _is_shell(path: str, data: bytes) -> bool:
    first = data.split(b"\n", 1)[0]
    return path.endswith((".sh", ".bash")) or (
        first.startswith(b"#!")
        and (b"sh" in first.split(b"/")[-1].split(b" ")[0] or b"bash" in first)
    )


def _strip_comments(text: str) -> str:
    """Drop full-line comments; keep the line count (lines are reported by number)."""
    return "\n".join("" if line.lstrip().startswith("#") else line for line in text.split("\n"))


NO_NEEDS = Needs()


def analyse(job: CronJob, root: Path | None, needs: Needs = NO_NEEDS) -> Analysis:
    """What the job runs and needs; ``needs``: what its settings give it (an architecture,
    programs its layers provide, Python requirements, accept_missing)."""
    walker = _Walker(job, root, needs)
    stripped = strip_privileges(job.command)
    for wrapper in stripped.removed:
        walker.note(
            PRIVILEGES,
            f"{wrapper}: stripped: there is no root and no other user on Lambda; the job "
            "runs as the function",
        )
    for wrapper in stripped.kept:
        walker.note(
            PRIVILEGES_KEPT,
            f"{wrapper}: cannot be stripped (no command to run in it), and provided.al2023 "
            "has no sudo, su or runuser: write the command without it",
        )
    base = stripped.command
    reading = read(base)
    if job.stdin is not None and open_construct(base) is not None:
        # cron cut the command at a '%' inside a construct (CM402): what is left is not
        # a command, and its words are not programs to look for.
        reading = reading._replace(uses=(), redirects=(), includes=(), parsed=True)
    elif not reading.parsed:  # fall back on the shlex reading for bundling
        for argv in commands.simple_commands(base):
            found = commands.program(argv)
            if found:
                walker.use(found[0], tuple(found[1]), "", None, "")
        walker.note(
            UNPARSED,
            f"read approximately: cannot parse it ({reading.error or 'unsupported syntax'})",
        )
    elif not walker.guards(reading):  # it does something on the server: what?
        walker.reading(reading, "")
        for g, holds in walker.answers:
            if g.path not in walker.files:  # a bundled path: the test reads the bundled copy
                walker.edits.append((g.start, g.end, "true" if holds else "false"))
    command, dropped = (
        _drop_log_redirects(base, reading, walker.edits) if reading.parsed else (base, [])
    )
    for target in dropped:
        walker.note(
            LOG_DROPPED,
            f"output to {target} is dropped: on Lambda it goes to CloudWatch Logs",
        )
    for name, value in dict(job.environment).items():
        if is_secret(name, value):
            walker.note(
                SECRET,
                f"{name} looks like a secret: generate keeps it out "
                "of every file and reads it from SSM Parameter Store (SecureString) at "
                "run time",
            )
    mailto = job.env("MAILTO")
    if mailto and not re.search(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+", mailto):
        walker.note(
            MAILTO,
            f"MAILTO={mailto} names a local account: on AWS "
            "failures are mailed to nobody; set an e-mail address",
        )
    if walker.uses_run_parts:
        command = _with_run_parts(command, walker)
    files = sorted(walker.files.values(), key=lambda f: f.path)
    command = rewrite(command, files, walker.aliases)
    for written, name in sorted(walker.renamed.items(), key=lambda r: -len(r[0])):
        command = replace_word(command, written, name)  # the runtime's or a layer's, on PATH
    files = [_point_at_bundle(f, files) for f in files]
    findings = _dedupe(walker.findings)
    return Analysis(
        tuple(findings),
        tuple(files),
        command,
        walker.arch,
        tuple(walker.missing),
        walker.python,
        tuple(sorted(walker.third_party)),
    )


def _dedupe(findings: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in findings:
        if (f.code, f.message) not in seen:
            seen.add((f.code, f.message))
            out.append(f)
    return out
