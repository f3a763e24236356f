"""The catalog of findings: every code cronmigrate reports, with its documentation.

One source for ``cronmigrate lint --list-rules``, ``--explain CODE`` and ``docs/rules.md``
(``python -m cronmigrate.diagnostics.rules > docs/rules.md``).  The parser (CM1xx), the plan
(CM2xx), ``generate`` (CM3xx) and lint's own checks (CM4xx) all report these codes, so
``lint`` and ``plan`` never disagree.
"""

from __future__ import annotations

from typing import NamedTuple

from cronmigrate.diagnostics import Diagnostic, Severity, SourceLocation, echo, visible


class Rule(NamedTuple):
    """A finding cronmigrate reports: its code, name, severity and documentation.

    Every :class:`Diagnostic` is made by :meth:`at`, so its code and severity are the
    rule's: a finding that needs another severity is another rule."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    fixable: bool = False

    @property
    def group(self) -> str:
        """``mistakes`` (lint's default: what cron gets wrong) or ``migration`` (advice on
        moving the job to AWS, opt-in for lint, always in plan)."""
        return "migration" if self.code in MIGRATION_CODES else "mistakes"

    def at(
        self, message: str, location: SourceLocation, text: str = "", hint: str = ""
    ) -> Diagnostic:
        # Messages quote the input: never unbounded, never undecodable bytes (a 10 MB line
        # of garbage is one short line of output).
        return Diagnostic(
            self.code,
            self.severity,
            echo(message, MESSAGE_MAX),
            location._replace(path=visible(location.path)),
            text if len(text) <= TEXT_MAX else text[:TEXT_MAX],
            hint,
        )


# Migration-readiness advice: what blocks or changes a move to AWS, not a mistake in the
# crontab. lint shows it with `--select migration` (or `extend-select`); plan always does.
MIGRATION_CODES = frozenset(
    {"CM203", "CM204", "CM206", "CM207", "CM208", "CM209", "CM406", "CM407"}
    | {f"CM5{n:02d}" for n in range(1, 100)}
    | {f"CM6{n:02d}" for n in range(1, 100)}
)
GROUPS = ("mistakes", "migration")

MESSAGE_MAX = 600
TEXT_MAX = 4096  # the offending line kept with a finding (for --fix and excerpts)

E, W, INF = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: tuple[Rule, ...] = (
    Rule(
        "CM101",
        "syntax-error",
        E,
        "A time field cron rejects",
        "A field Debian's cron refuses: a value out of range (minute 60, hour 24, day 0, "
        "month 13, weekday 8), an unknown name (only three-letter English names: `jan`, `mon`), "
        "an empty list element, a step of 0, or a missing field. Debian's cron then ignores "
        "the whole file (CM108).",
    ),
    Rule(
        "CM102",
        "bad-macro",
        E,
        "An @macro cron does not know",
        "cron knows `@reboot @yearly @annually @monthly @weekly @daily @midnight @hourly`, "
        "case-sensitively. `@Daily` or `@every 5m` are errors.",
    ),
    Rule(
        "CM103",
        "missing-command",
        E,
        "A job line without a command",
        "The time fields (and, in a system crontab, the user) must be followed by a command. "
        "Debian's cron would run an empty command; cronmigrate reports it.",
    ),
    Rule(
        "CM104",
        "missing-user",
        E,
        "A system crontab line without a user field",
        "`/etc/crontab` and files in `/etc/cron.d` name the user after the five time fields: "
        "`0 3 * * * root /usr/local/bin/backup`. Without it cron takes the first word of the "
        "command for a user name and rejects the line.",
    ),
    Rule(
        "CM105",
        "six-fields",
        E,
        "A command starting with a time field: six or seven fields?",
        "Unix cron has five time fields and no seconds or year field. In a user crontab a "
        "command that starts with `*` is rejected, which is what a sixth field looks like; a "
        "command starting with `?`, a day or month name or two more time fields is Quartz or "
        "EventBridge syntax pasted in, which cron would run as a command.",
    ),
    Rule(
        "CM106",
        "unknown-timezone",
        E,
        "CRON_TZ or TZ names no time zone",
        "The value must be an IANA zone name such as `Europe/Berlin` or `UTC`.",
    ),
    Rule(
        "CM107",
        "missing-final-newline",
        E,
        "The last line has no newline",
        "Debian's cron ignores the whole file when its last line does not end in a newline.",
        fixable=True,
    ),
    Rule(
        "CM108",
        "file-ignored",
        W,
        "Debian's cron ignores the whole file",
        "After one syntax error (or past 10,000 lines) Debian's cron skips every job of the "
        "file, silently for the user; cronie skips only the bad line.",
    ),
    Rule("CM109", "unreadable", E, "A file that cannot be read", "The file could not be read."),
    Rule(
        "CM110",
        "ignored-text",
        W,
        "Text cron silently ignores after a value",
        "cron reads a value and skips the rest of the field when the next character is not "
        "`,`, `-` or `/`: `1#2` is read as `1` (every Monday, not the second one), `0.5` as "
        "`0`. The job runs, but not when the author thought.",
    ),
    Rule(
        "CM111",
        "reversed-range",
        W,
        "A reversed range selects nothing",
        "cron accepts `17-9` (and `fri-sun`, since Sunday is 0) without a word and never "
        "matches it; there is no wrap-around. Write `17-23,0-9`.",
    ),
    Rule(
        "CM112",
        "never-runs",
        E,
        "A schedule that never fires",
        "No date matches: `0 0 30 2 *` (30 February), `0 0 31 4,6,9,11 *`, or a field that "
        "selects nothing. The job is not migrated.",
    ),
    Rule(
        "CM113",
        "crlf",
        W,
        "CRLF line endings",
        "cron passes the carriage return to the shell as part of the command, and a line "
        "holding only a carriage return is a syntax error. Convert the file to LF.",
        fixable=True,
    ),
    Rule(
        "CM114",
        "skipped-file",
        INF,
        "A file cron does not read in a cron directory",
        "cron reads files in `/etc/cron.d` whose names are letters, digits, `-` and `_` only "
        "(run-parts names): `job.cron`, `job~`, `.placeholder` are skipped.",
    ),
    Rule(
        "CM115",
        "format-detected",
        INF,
        "The crontab format was guessed",
        "Whether a file has a user field was decided from its entries, not its location; "
        "`--system` or `--user` settles it.",
    ),
    Rule(
        "CM116",
        "bad-env-line",
        E,
        "An environment line cron rejects",
        "`NAME=` with nothing after it is not an environment line for cron (write "
        "`NAME=\"\"`), nor is `NAME='value' extra`; cron then rejects it as a job line.",
    ),
    Rule(
        "CM117",
        "quartz-syntax",
        E,
        "Quartz or croniter syntax that cron rejects",
        "`0/15` (a step on a single value), `L`, `W`, `LW`, `?` come from Quartz, croniter or "
        "EventBridge; Vixie cron and cronie reject them. Write `*/15` or `0-59/15`.",
    ),
    Rule(
        "CM118",
        "crlf-breaks-line",
        E,
        "A line cron rejects because of its carriage return",
        "A CRLF line ending leaves a carriage return at the end of the line. On an environment "
        "line or a line whose last field is a time field cron rejects the line (and Debian's "
        "cron the whole file). `--fix` rewrites CRLF as LF.",
        fixable=True,
    ),
    Rule(
        "CM119",
        "command-too-long",
        E,
        "A command Debian's cron refuses for its length",
        "Debian's cron reads a command into a buffer of MAX_COMMAND (1000) bytes: a command of "
        "999 bytes or more is an error, and the whole file is ignored. Move the command into a "
        "script.",
    ),
    Rule(
        "CM120",
        "nul-byte",
        W,
        "A NUL byte ends the command or the value",
        "cron keeps its lines as C strings: everything after a NUL byte is lost. cronmigrate "
        "cuts the command (or the environment value) there, as cron does.",
    ),
    Rule(
        "CM121",
        "env-value-cut",
        W,
        "An environment value cron cuts short",
        "Debian's cron reads environment lines into a buffer of MAX_ENVSTR (1000) bytes: a "
        "value longer than 998 bytes is cut there. cronmigrate cuts it the same way.",
    ),
    Rule(
        "CM201",
        "reboot",
        E,
        "@reboot cannot be scheduled",
        "`@reboot` runs when the server boots. There is no boot on Lambda: run the command "
        "once at deployment instead. The job is not migrated.",
    ),
    Rule(
        "CM202",
        "disabled",
        INF,
        "A commented-out job",
        "A line like `#0 3 * * * cmd` is reported and not migrated.",
    ),
    Rule(
        "CM211",
        "migrated",
        INF,
        "A job switched over to AWS",
        "`cronmigrate cutover` commented the line out with `#cronmigrate:<function>:` before "
        "it: the job runs on AWS now. `cronmigrate cutover --undo` restores the line byte for "
        "byte.",
    ),
    Rule(
        "CM203",
        "day-and",
        E,
        "Day-of-month AND day-of-week: EventBridge cannot say it",
        "When either day field starts with `*`, cron requires both to match: `0 0 */2 * 1` runs "
        "on Mondays that fall on odd days. EventBridge needs `?` in one of the two fields and "
        "cannot combine them (except whole weeks, which become `#`); the job is refused.",
    ),
    Rule(
        "CM204",
        "day-or",
        INF,
        "Day-of-month OR day-of-week: two schedules",
        "When neither day field starts with `*`, cron runs on days matching either: "
        "`0 2 1-7 * 0` is days 1-7 and every Sunday, not the first Sunday. EventBridge needs "
        "two schedules, and on days matching both they fire at the same minute.",
    ),
    Rule(
        "CM209",
        "day-or-duplicates",
        W,
        "Two schedules fire together on days matching both day fields",
        "cron's day-of-month OR day-of-week rule is said with two EventBridge schedules "
        "(CM204). On a day that matches both fields, both fire at the same minute and the "
        "target is invoked twice where cron ran once; the duplicate-delivery guard "
        "(`lock: dynamodb`) runs it once.",
    ),
    Rule(
        "CM205",
        "dst",
        W,
        "The job behaves differently across a daylight-saving change",
        "Debian's cron runs a fixed-time job whose time was skipped as soon as the clock "
        "jumps, and runs jobs with `*` in the minute or hour field again in a repeated hour; "
        "EventBridge Scheduler skips non-existent times and runs repeated ones once.",
    ),
    Rule(
        "CM206",
        "no-utc-form",
        E,
        "No exact UTC form (classic EventBridge rules)",
        "Classic EventBridge rules run in UTC. In a zone that changes its offset no single "
        "expression fires at the same local time all year; use the Scheduler target or "
        "`--allow-drift`.",
    ),
    Rule(
        "CM207",
        "unverified",
        E,
        "The translation could not be proven",
        "The emitted expressions do not fire at cron's instants. This is a bug: please report "
        "it. The job is refused rather than migrated wrongly.",
    ),
    Rule(
        "CM208",
        "utc-drift",
        W,
        "Drift accepted with --allow-drift",
        "The UTC rule uses the zone's most common offset and runs off by the DST shift for "
        "part of the year.",
    ),
    Rule(
        "CM301",
        "missing-script",
        E,
        "A script the command runs is not there",
        "The command runs a file that is not under `--root`, so it cannot be bundled.",
    ),
    Rule(
        "CM302",
        "missing-run-parts-directory",
        E,
        "run-parts names a directory that is not under --root",
        "The job runs `run-parts DIR`, but DIR is not in the copy of the server's files, so "
        "nothing can be bundled and the job would run nothing on Lambda. Give `--root` a copy "
        "that has the directory (an empty directory runs nothing, as on the server).",
    ),
    Rule(
        "CM501",
        "missing-tool",
        W,
        "A tool provided.al2023 does not have",
        "provided.al2023 is AL2023-minimal: bash, coreutils, curl, gawk, grep. PHP, Python, "
        "the AWS CLI, database clients, rsync, ssh, mail, find, tar, run-parts, flock and the "
        "like need a layer (`layers:` in cronmigrate.yaml), a rewrite, or the runcommand "
        "target. The message says which.",
    ),
    Rule(
        "CM502",
        "read-only-fs",
        W,
        "A write outside /tmp",
        "Lambda's file system is read-only except /tmp (512 MB by default, not kept between "
        "runs). Write to /tmp, or to S3.",
    ),
    Rule(
        "CM503",
        "localhost",
        W,
        "A service on the server itself",
        "`localhost`, `127.0.0.1`, or a database client without `-h`: on Lambda that is the "
        "sandbox, not the server. Point the job at the service's address, or keep it on the "
        "server (runcommand target).",
    ),
    Rule(
        "CM504",
        "long-job",
        W,
        "Longer than Lambda's 15 minutes",
        "A `sleep` or `timeout` beyond 900 seconds cannot finish on Lambda; the runcommand "
        "target runs it on the server.",
    ),
    Rule(
        "CM505",
        "privileges",
        W,
        "sudo, su or runuser stripped",
        "There is no root and no other user on Lambda, and provided.al2023 has no sudo, su "
        "or runuser: generate removes them from the command (`sudo -u app x.sh` runs "
        "`x.sh`, `su - app -c 'TEXT'` runs TEXT) and the job runs as the function's role.",
    ),
    Rule(
        "CM516",
        "sh-bashism",
        W,
        "Bash syntax in a #!/bin/sh script",
        "The script says `#!/bin/sh` but uses bash (`[[ ]]`, arrays, `<<<`, `$'…'`, `<( )`). "
        "Debian's /bin/sh is dash, which refuses these: on the server that line failed. On "
        "provided.al2023 /bin/sh is bash, so it now runs: check that this is what was meant, "
        "and say `#!/bin/bash` if it is.",
    ),
    Rule(
        "CM515",
        "privileges-kept",
        E,
        "sudo, su or runuser that cannot be stripped",
        "A `sudo -i`, `su - app` reading its commands from standard input, or a form "
        "cronmigrate cannot read: on Lambda it would exit 127 on every run. Write the command "
        "without it.",
    ),
    Rule(
        "CM506",
        "log-redirect",
        INF,
        "A log redirection dropped",
        "`>> /var/log/job.log 2>&1` and `> /dev/null` are removed from the Lambda command: "
        "the output goes to CloudWatch Logs, with the function's log retention.",
    ),
    Rule(
        "CM507",
        "unparsed",
        INF,
        "A command or script with lines the parser cannot read",
        "tree-sitter's bash grammar could not read some lines of the command or of a script "
        "(the finding names them): the rest is analysed, but what those lines run or write "
        "is not known.",
    ),
    Rule(
        "CM508",
        "architecture",
        E,
        "A compiled program for another architecture",
        "The ELF header says which CPU a program is built for; the function gets that "
        "architecture (x86_64 or arm64). A mismatch with the settings, two programs built "
        "for different CPUs, or a CPU Lambda does not offer is refused.",
    ),
    Rule(
        "CM513",
        "architecture-detected",
        INF,
        "A compiled program decides the function's architecture",
        "The job runs an ELF program built for x86_64 or arm64: the function gets that "
        "architecture (`architecture:` in cronmigrate.yaml overrides it; a mismatch is CM508).",
    ),
    Rule(
        "CM514",
        "run-parts-bundled",
        INF,
        "run-parts is bundled with the job",
        "`provided.al2023` has no `run-parts` (Debian's debianutils). The job's zip carries a "
        "Debian-compatible `run-parts` that runs the directory's scripts in the same order.",
    ),
    Rule(
        "CM509",
        "shared-libraries",
        W,
        "Shared libraries the runtime may lack",
        "A bundled program is linked against libraries beyond glibc; bundle them or link "
        "statically.",
    ),
    Rule(
        "CM510",
        "mailto-local",
        INF,
        "MAILTO names a local account",
        "cron mailed the output to a local mailbox (`MAILTO=root`). On AWS a job's failures "
        "go to an SNS topic with an e-mail subscription per MAILTO address; a local account "
        "has no address, so nobody is told.",
    ),
    Rule(
        "CM511",
        "secret-to-ssm",
        INF,
        "A secret that moves to SSM Parameter Store",
        "generate writes no secret into a template, a zip or function.sh: the function reads "
        "`/cronmigrate/<function>/<NAME>` (SecureString) at run time, and its role may read "
        "exactly those parameters. The generated README lists the `aws ssm put-parameter` "
        "commands.",
    ),
    Rule(
        "CM512",
        "not-bundled",
        W,
        "A file the job names is not under --root",
        "The command or a script names a file on the server's disk (a configuration file, "
        "a data file) that is not in the copy given with --root, so it cannot be bundled; "
        "on Lambda the job will not find it.",
    ),
    Rule(
        "CM601",
        "recommend-runcommand",
        INF,
        "Better kept on its server (runcommand)",
        "The job's findings (missing tools, local files or services, more than 15 minutes) "
        "say it cannot run in Lambda as it is. With `target: runcommand` and `instances:` in "
        "cronmigrate.yaml, EventBridge Scheduler starts a Step Functions state machine that "
        "runs the command on the server with EC2 Run Command; nothing moves to Lambda.",
    ),
    Rule(
        "CM603",
        "same-job-on-hosts",
        W,
        "The same job on several servers",
        "`plan --host NAME=DIR …` reads several servers' copies at once. A job with the same "
        "schedule, user, command and environment on several of them ran once per server; "
        "moved to AWS as it is, it runs as many times in one account. Keep one (the others "
        "`enabled: false` in cronmigrate.yaml), unless each server's run is meant.",
    ),
    Rule(
        "CM604",
        "account-quota",
        W,
        "More than an account's default quota",
        "Deploying every migratable job would pass a default quota of one AWS account: "
        "1,000 IAM roles (an execution role per function and a scheduler role per crontab "
        "file), 300 EventBridge rules per event bus, 1,000,000 Scheduler schedules. Quotas "
        "are raised through Service Quotas; `generate` warns for the stacks as well.",
    ),
    Rule(
        "CM602",
        "runcommand-instances",
        E,
        "A runcommand job without instances",
        "Name the instances in cronmigrate.yaml: one tag (`tag:Name=web-1`) or instance ids.",
    ),
    Rule(
        "CM401",
        "rare-schedule",
        W,
        "A schedule that fires more rarely than it looks",
        "`0 0 31 * *` runs in seven months only, `0 0 29 2 *` once in four years, "
        "`0 0 30 * *` never in February.",
    ),
    Rule(
        "CM402",
        "unescaped-percent",
        W,
        "A % that cuts a command into something broken",
        "cron ends the command at the first unescaped `%` and sends the rest to its standard "
        "input. Reported when what is left cannot be what was meant: an open `$((`, `$(`, "
        "quote, brace or parenthesis (`sleep $(( RANDOM % 600 ))` runs `sleep $(( RANDOM `), "
        "or a `date +`/`printf` format cut in two. The standard-input idiom "
        "(`mail -s subject user%body%`) is not. `--fix` writes every `%` of the line as `\\%`.",
        fixable=True,
    ),
    Rule(
        "CM403",
        "no-expansion",
        W,
        "`$VAR` in an environment line is not expanded",
        "cron sets `PATH=$PATH:/opt/bin` literally, `$PATH` included; write the whole value.",
    ),
    Rule(
        "CM404",
        "every-minute",
        W,
        "Every minute of an hour",
        "`* 3 * * *` runs 60 times between 03:00 and 03:59; `0 3 * * *` was almost always meant.",
    ),
    Rule(
        "CM405",
        "user-in-user-crontab",
        W,
        "A user field in a user crontab",
        "User crontabs (`crontab -e`) have no user field: `0 3 * * * root /x` runs a command "
        "named `root`.",
    ),
    Rule(
        "CM406",
        "secret",
        W,
        "A secret in an environment line",
        "Passwords, tokens and keys in a crontab end up in version control and, migrated, in "
        "templates. Move them to a secret store (SSM Parameter Store, Secrets Manager).",
    ),
    Rule(
        "CM407",
        "output-lost",
        W,
        "Output goes nowhere",
        "cron mails a job's output to MAILTO (to the crontab's owner when unset, nowhere when "
        "empty); with MAILTO unset or empty and no redirection, failures go unnoticed.",
    ),
    Rule(
        "CM408",
        "duplicate",
        W,
        "The same job twice",
        "The same schedule, user and command appear on two lines: the job runs twice.",
    ),
    Rule(
        "CM409",
        "relative-path",
        W,
        "A command path relative to the home directory",
        "cron starts jobs in the user's home directory: `./backup.sh` or `bin/run` depend on "
        "it. Use an absolute path, or `cd /dir && ./backup.sh`.",
    ),
    Rule(
        "CM410",
        "cron-tz",
        INF,
        "CRON_TZ/TZ and Debian's cron",
        "cronmigrate (like cronie) schedules the following entries in that zone; Debian's cron "
        "ignores CRON_TZ and schedules in the system zone, passing TZ only to the command.",
    ),
)

BY_CODE = {r.code: r for r in RULES}
assert len(BY_CODE) == len(RULES), "a code is defined twice"

# The rules by the name the code uses for them: no code literal outside this module.
SYNTAX = BY_CODE["CM101"]
BAD_MACRO = BY_CODE["CM102"]
MISSING_COMMAND = BY_CODE["CM103"]
MISSING_USER = BY_CODE["CM104"]
BAD_COMMAND_START = BY_CODE["CM105"]
UNKNOWN_TIMEZONE = BY_CODE["CM106"]
MISSING_NEWLINE = BY_CODE["CM107"]
FILE_IGNORED = BY_CODE["CM108"]
UNREADABLE = BY_CODE["CM109"]
IGNORED_TEXT = BY_CODE["CM110"]
REVERSED_RANGE = BY_CODE["CM111"]
NEVER_RUNS = BY_CODE["CM112"]
CRLF = BY_CODE["CM113"]
SKIPPED_FILE = BY_CODE["CM114"]
FORMAT_DETECTED = BY_CODE["CM115"]
BAD_ENV = BY_CODE["CM116"]
QUARTZ = BY_CODE["CM117"]
CRLF_BREAKS_LINE = BY_CODE["CM118"]
COMMAND_TOO_LONG = BY_CODE["CM119"]
NUL_BYTE = BY_CODE["CM120"]
ENV_VALUE_CUT = BY_CODE["CM121"]
REBOOT = BY_CODE["CM201"]
DISABLED = BY_CODE["CM202"]
MIGRATED = BY_CODE["CM211"]
DAY_AND = BY_CODE["CM203"]
DAY_OR_SPLIT = BY_CODE["CM204"]
DST_DRIFT = BY_CODE["CM205"]
NO_UTC_FORM = BY_CODE["CM206"]
UNVERIFIED = BY_CODE["CM207"]
UTC_DRIFT = BY_CODE["CM208"]
DAY_OR_DUPLICATES = BY_CODE["CM209"]
MISSING_SCRIPT = BY_CODE["CM301"]
MISSING_RUN_PARTS_DIR = BY_CODE["CM302"]
RARE_SCHEDULE = BY_CODE["CM401"]
UNESCAPED_PERCENT = BY_CODE["CM402"]
NO_EXPANSION = BY_CODE["CM403"]
EVERY_MINUTE = BY_CODE["CM404"]
USER_IN_USER_CRONTAB = BY_CODE["CM405"]
SECRET_IN_CRONTAB = BY_CODE["CM406"]
OUTPUT_LOST = BY_CODE["CM407"]
DUPLICATE = BY_CODE["CM408"]
RELATIVE_PATH = BY_CODE["CM409"]
CRON_TZ = BY_CODE["CM410"]
MISSING_TOOL = BY_CODE["CM501"]
READ_ONLY = BY_CODE["CM502"]
LOCALHOST = BY_CODE["CM503"]
LONG_JOB = BY_CODE["CM504"]
PRIVILEGES = BY_CODE["CM505"]
LOG_DROPPED = BY_CODE["CM506"]
UNPARSED = BY_CODE["CM507"]
ARCHITECTURE = BY_CODE["CM508"]
LIBRARIES = BY_CODE["CM509"]
MAILTO = BY_CODE["CM510"]
SECRET = BY_CODE["CM511"]
NOT_BUNDLED = BY_CODE["CM512"]
ARCHITECTURE_DETECTED = BY_CODE["CM513"]
RUN_PARTS_BUNDLED = BY_CODE["CM514"]
PRIVILEGES_KEPT = BY_CODE["CM515"]
SH_BASHISM = BY_CODE["CM516"]
RECOMMEND_RUNCOMMAND = BY_CODE["CM601"]
RUNCOMMAND_INSTANCES = BY_CODE["CM602"]
SAME_JOB_ON_HOSTS = BY_CODE["CM603"]
ACCOUNT_QUOTA = BY_CODE["CM604"]
# Groups: findings about the move to Lambda (analysis) and to generate.
LAMBDA_ONLY = frozenset(r for r in RULES if r.code.startswith(("CM3", "CM5")))


def explain(code: str) -> str | None:
    rule = BY_CODE.get(code.upper())
    if rule is None:
        return None
    fix = "\nFix: `cronmigrate lint --fix` rewrites it safely." if rule.fixable else ""
    return f"{rule.code} {rule.name} ({rule.severity})\n{rule.summary}.\n\n{rule.doc}{fix}\n"


def markdown() -> str:
    out = ["# cronmigrate rules", ""]
    out += ["Generated by `python -m cronmigrate.diagnostics.rules`; do not edit.", ""]
    out += [
        "Rules are in two groups. **mistakes** (the default of `cronmigrate lint`): what cron "
        "gets wrong or silently does differently from what the line says. **migration** "
        '(`cronmigrate lint --select migration`, or `extend-select = ["migration"]` in '
        "`[tool.cronmigrate.lint]`): advice on moving a job to AWS; `cronmigrate plan` always "
        "shows it.",
        "",
    ]
    for group in GROUPS:
        codes = ", ".join(r.code for r in RULES if r.group == group)
        out += [f"- {group}: {codes}"]
    out.append("")
    for r in RULES:
        out += [
            f"## {r.code} `{r.name}` ({r.severity}, {r.group})",
            "",
            f"**{r.summary}.**",
            "",
            r.doc,
        ]
        if r.fixable:
            out += ["", "Fixable with `cronmigrate lint --fix`."]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown(), end="")
