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
    # ``mistakes`` (lint's default: what cron gets wrong) or ``migration`` (advice on moving
    # the job to AWS, opt-in for lint, always in plan)
    group: str
    summary: str
    doc: str
    fixable: bool = False

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


MISTAKES, MIGRATION = "mistakes", "migration"
GROUPS = (MISTAKES, MIGRATION)

MESSAGE_MAX = 600
TEXT_MAX = 4096  # the offending line kept with a finding (for --fix and excerpts)

E, W, INF = Severity.ERROR, Severity.WARNING, Severity.INFO

_DECLARED: list[Rule] = []


def _rule(
    code: str,
    name: str,
    severity: Severity,
    group: str,
    summary: str,
    doc: str,
    fixable: bool = False,
) -> Rule:
    """Declare a rule: once, here, by the name the code uses for it."""
    rule = Rule(code, name, severity, group, summary, doc, fixable)
    _DECLARED.append(rule)
    return rule


# Each rule once, by the name the code uses for it: no code literal outside this module.
# CM1xx: the parser; CM2xx: the plan; CM3xx: what generate needs; CM4xx: lint's own checks;
# CM5xx: what the job needs on Lambda; CM6xx: the target and the account.

SYNTAX = _rule(
    "CM101",
    "syntax-error",
    E,
    MISTAKES,
    "A time field cron rejects",
    "A field Debian's cron refuses: a value out of range (minute 60, hour 24, day 0, "
    "month 13, weekday 8), an unknown name (only three-letter English names: `jan`, `mon`), "
    "an empty list element, a step of 0, or a missing field. Debian's cron then ignores "
    "the whole file (CM108).",
)

BAD_MACRO = _rule(
    "CM102",
    "bad-macro",
    E,
    MISTAKES,
    "An @macro cron does not know",
    "cron knows `@reboot @yearly @annually @monthly @weekly @daily @midnight @hourly`, "
    "case-sensitively. `@Daily` or `@every 5m` are errors.",
)

MISSING_COMMAND = _rule(
    "CM103",
    "missing-command",
    E,
    MISTAKES,
    "A job line without a command",
    "The time fields (and, in a system crontab, the user) must be followed by a command. "
    "Debian's cron would run an empty command; cronmigrate reports it.",
)

MISSING_USER = _rule(
    "CM104",
    "missing-user",
    E,
    MISTAKES,
    "A system crontab line without a user field",
    "`/etc/crontab` and files in `/etc/cron.d` name the user after the five time fields: "
    "`0 3 * * * root /usr/local/bin/backup`. Without it cron takes the first word of the "
    "command for a user name and rejects the line.",
)

BAD_COMMAND_START = _rule(
    "CM105",
    "six-fields",
    E,
    MISTAKES,
    "A command starting with a time field: six or seven fields?",
    "Unix cron has five time fields and no seconds or year field. In a user crontab a "
    "command that starts with `*` is rejected (Debian's entry.c), which is what a sixth "
    "field looks like, and so is a system crontab line whose user field is a time field. "
    "A command starting with `?`, a number, a day or month name is Quartz or EventBridge "
    "syntax pasted in: cron reads the line as a job and runs the rest as its command "
    "(`0 0 1 * * 0 2020 cmd` runs `0 2020 cmd`), so that job is refused, not the file.",
)

UNKNOWN_TIMEZONE = _rule(
    "CM106",
    "unknown-timezone",
    E,
    MISTAKES,
    "CRON_TZ or TZ names no time zone",
    "The value must be an IANA zone name such as `Europe/Berlin` or `UTC`.",
)

MISSING_NEWLINE = _rule(
    "CM107",
    "missing-final-newline",
    E,
    MISTAKES,
    "The last line has no newline",
    "Debian's cron ignores the whole file when its last line does not end in a newline.",
    fixable=True,
)

FILE_IGNORED = _rule(
    "CM108",
    "file-ignored",
    W,
    MISTAKES,
    "Debian's cron ignores the whole file",
    "After one syntax error (or past 10,000 lines) Debian's cron skips every job of the "
    "file, silently for the user; cronie skips only the bad line.",
)

UNREADABLE = _rule(
    "CM109",
    "unreadable",
    E,
    MISTAKES,
    "A file that cannot be read",
    "The file could not be read.",
)

IGNORED_TEXT = _rule(
    "CM110",
    "ignored-text",
    W,
    MISTAKES,
    "Text cron silently ignores after a value",
    "cron reads a value and skips the rest of the field when the next character is not "
    "`,`, `-` or `/`: `1#2` is read as `1` (every Monday, not the second one), `0.5` as "
    "`0`. The job runs, but not when the author thought.",
)

REVERSED_RANGE = _rule(
    "CM111",
    "reversed-range",
    W,
    MISTAKES,
    "A reversed range selects nothing",
    "cron accepts `17-9` (and `fri-sun`, since Sunday is 0) without a word and never "
    "matches it; there is no wrap-around. Write `17-23,0-9`.",
)

NEVER_RUNS = _rule(
    "CM112",
    "never-runs",
    E,
    MISTAKES,
    "A schedule that never fires",
    "No date matches: `0 0 30 2 *` (30 February), `0 0 31 4,6,9,11 *`, or a field that "
    "selects nothing. The job is not migrated.",
)

CRLF = _rule(
    "CM113",
    "crlf",
    W,
    MISTAKES,
    "CRLF line endings",
    "cron passes the carriage return to the shell as part of the command, and a line "
    "holding only a carriage return is a syntax error. Convert the file to LF.",
    fixable=True,
)

SKIPPED_FILE = _rule(
    "CM114",
    "skipped-file",
    INF,
    MISTAKES,
    "A file cron does not read in a cron directory",
    "cron reads files in `/etc/cron.d` whose names are letters, digits, `-` and `_` only "
    "(run-parts names): `job.cron`, `job~`, `.placeholder` are skipped.",
)

FORMAT_DETECTED = _rule(
    "CM115",
    "format-detected",
    INF,
    MISTAKES,
    "The crontab format was guessed",
    "Whether a file has a user field was decided from its entries, not its location; "
    "`--system` or `--user` settles it.",
)

BAD_ENV = _rule(
    "CM116",
    "bad-env-line",
    E,
    MISTAKES,
    "An environment line cron rejects",
    "`NAME=` with nothing after it is not an environment line for cron (write "
    "`NAME=\"\"`), nor is `NAME='value' extra`; cron then rejects it as a job line.",
)

QUARTZ = _rule(
    "CM117",
    "quartz-syntax",
    E,
    MISTAKES,
    "Quartz or croniter syntax that cron rejects",
    "`0/15` (a step on a single value), `L`, `W`, `LW`, `?` come from Quartz, croniter or "
    "EventBridge; Vixie cron and cronie reject them. Write `*/15` or `0-59/15`.",
)

CRLF_BREAKS_LINE = _rule(
    "CM118",
    "crlf-breaks-line",
    E,
    MISTAKES,
    "A line cron rejects because of its carriage return",
    "A CRLF line ending leaves a carriage return at the end of the line. On an environment "
    "line or a line whose last field is a time field cron rejects the line (and Debian's "
    "cron the whole file). `--fix` rewrites CRLF as LF.",
    fixable=True,
)

COMMAND_TOO_LONG = _rule(
    "CM119",
    "command-too-long",
    E,
    MISTAKES,
    "A command Debian's cron refuses for its length",
    "Debian's cron reads a command into a buffer of MAX_COMMAND (1000) bytes: a command of "
    "999 bytes or more is an error, and the whole file is ignored. Move the command into a "
    "script.",
)

NUL_BYTE = _rule(
    "CM120",
    "nul-byte",
    W,
    MISTAKES,
    "A NUL byte ends the command or the value",
    "cron keeps its lines as C strings: everything after a NUL byte is lost. cronmigrate "
    "cuts the command (or the environment value) there, as cron does.",
)

ENV_VALUE_CUT = _rule(
    "CM121",
    "env-value-cut",
    W,
    MISTAKES,
    "An environment value cron cuts short",
    "Debian's cron reads environment lines into a buffer of MAX_ENVSTR (1000) bytes: a "
    "value longer than 998 bytes is cut there. cronmigrate cuts it the same way.",
)

STEP_TOO_LARGE = _rule(
    "CM122",
    "step-too-large",
    W,
    MISTAKES,
    "A step past the end of its range selects one value",
    "`*/61` in the minute field, `1-2/61`, `0-10/20`: the step goes past the range's end, so "
    "cron (Debian's get_range) selects only the range's first value, once an hour for a "
    "minute field; chkcrontab rejects the line. It is rarely what was meant: write the one "
    "value, or a step that fits.",
)

REBOOT = _rule(
    "CM201",
    "reboot",
    E,
    MISTAKES,
    "@reboot cannot be scheduled",
    "`@reboot` runs when the server boots. There is no boot on Lambda: run the command "
    "once at deployment instead. The job is not migrated.",
)

DISABLED = _rule(
    "CM202",
    "disabled",
    INF,
    MISTAKES,
    "A commented-out job",
    "A line like `#0 3 * * * cmd` is reported and not migrated.",
)

MIGRATED = _rule(
    "CM211",
    "migrated",
    INF,
    MISTAKES,
    "A job switched over to AWS",
    "`cronmigrate cutover` commented the line out with `#cronmigrate:<function>:` before "
    "it: the job runs on AWS now. `cronmigrate cutover --undo` restores the line byte for "
    "byte.",
)

DAY_AND = _rule(
    "CM203",
    "day-and",
    E,
    MIGRATION,
    "Day-of-month AND day-of-week: EventBridge cannot say it",
    "When either day field starts with `*`, cron requires both to match: `0 0 */2 * 1` runs "
    "on Mondays that fall on odd days. EventBridge needs `?` in one of the two fields and "
    "cannot combine them (except whole weeks, which become `#`); the job is refused.",
)

DAY_OR_SPLIT = _rule(
    "CM204",
    "day-or",
    INF,
    MIGRATION,
    "Day-of-month OR day-of-week: two schedules",
    "When neither day field starts with `*`, cron runs on days matching either: "
    "`0 2 1-7 * 0` is days 1-7 and every Sunday, not the first Sunday. EventBridge needs "
    "two schedules, and on days matching both they fire at the same minute.",
)

DAY_OR_DUPLICATES = _rule(
    "CM209",
    "day-or-duplicates",
    W,
    MIGRATION,
    "Two schedules fire together on days matching both day fields",
    "cron's day-of-month OR day-of-week rule is said with two EventBridge schedules "
    "(CM204). On a day that matches both fields, both fire at the same minute and the "
    "target is invoked twice where cron ran once; the duplicate-delivery guard "
    "(`lock: dynamodb`) runs it once.",
)

DST_DRIFT = _rule(
    "CM205",
    "dst",
    W,
    MISTAKES,
    "The job behaves differently across a daylight-saving change",
    "Debian's cron runs a fixed-time job whose time was skipped as soon as the clock "
    "jumps, and runs jobs with `*` in the minute or hour field again in a repeated hour; "
    "EventBridge Scheduler skips non-existent times and runs repeated ones once.",
)

IN_UTC = _rule(
    "CM212",
    "in-utc",
    INF,
    MIGRATION,
    "The schedule is written in UTC to keep cron's behaviour across daylight saving",
    "A job with `*` in its minute or hour field (`17 * * * *`, `*/15 * * * *`) runs every "
    "hour of the clock: Debian's cron runs it in both hours when clocks go back and not in "
    "the hour skipped when they go forward. EventBridge Scheduler in the crontab's zone would "
    "run the repeated hour once; the same expression in UTC fires at exactly cron's instants, "
    "all year, which the proof checks.",
)

CATCH_UP = _rule(
    "CM213",
    "catch-up",
    INF,
    MIGRATION,
    "A second schedule runs what the spring-forward change skips, as Debian's cron does",
    "A job at a fixed time inside the hour clocks skip (`30 2 * * *` in Europe/Berlin) is "
    "run by Debian's cron right after the change; EventBridge Scheduler skips it. A second "
    "schedule on the zone's rule for that day (`cron(0 3 ? MAR 1L *)`: 03:00 on the last "
    "Sunday of March) runs it then, checked against Debian's cron for every change of the "
    "proof's window; the zone's rule is taken to hold after it.",
)

NO_UTC_FORM = _rule(
    "CM206",
    "no-utc-form",
    E,
    MIGRATION,
    "No exact UTC form (classic EventBridge rules)",
    "Classic EventBridge rules run in UTC. In a zone that changes its offset no single "
    "expression fires at the same local time all year; use the Scheduler target or "
    "`--allow-drift`.",
)

UNVERIFIED = _rule(
    "CM207",
    "unverified",
    E,
    MIGRATION,
    "The translation could not be proven",
    "The emitted expressions do not fire at cron's instants. This is a bug: please report "
    "it. The job is refused rather than migrated wrongly.",
)

UTC_DRIFT = _rule(
    "CM208",
    "utc-drift",
    W,
    MIGRATION,
    "Drift accepted with --allow-drift",
    "The UTC rule uses the zone's most common offset and runs off by the DST shift for "
    "part of the year.",
)

MISSING_SCRIPT = _rule(
    "CM301",
    "missing-script",
    E,
    MISTAKES,
    "A script the command runs is not there",
    "The command runs a file that is not under `--root`, so it cannot be bundled.",
)

MISSING_RUN_PARTS_DIR = _rule(
    "CM302",
    "missing-run-parts-directory",
    E,
    MISTAKES,
    "run-parts names a directory that is not under --root",
    "The job runs `run-parts DIR`, but DIR is not in the copy of the server's files, so "
    "nothing can be bundled and the job would run nothing on Lambda. Give `--root` a copy "
    "that has the directory (an empty directory runs nothing, as on the server).",
)

MISSING_TOOL = _rule(
    "CM501",
    "missing-tool",
    E,
    MIGRATION,
    "A program the function would not have: it exits 127 on every run",
    "provided.al2023 is AL2023-minimal: bash, coreutils, curl, gawk, grep. PHP, Perl, the "
    "AWS CLI, database clients, rsync, ssh, mail, find, tar, flock and the like are not "
    "there, nor is a program at an absolute path the server's copy does not hold. Such a job "
    "is not generated: give it a layer that provides the program (`layers: [{arn: …, "
    "provides: [php]}]` in cronmigrate.yaml), keep it on its server (`target: runcommand`), "
    "or rewrite it. Python jobs get Lambda's Python runtime instead (see CM518, CM519). "
    "`accept_missing: true` for a job generates it anyway (CM517).",
)

MISSING_TOOL_ACCEPTED = _rule(
    "CM517",
    "missing-tool-accepted",
    W,
    MIGRATION,
    "A program the function would not have, generated anyway (accept_missing: true)",
    "As CM501, for a job whose settings say `accept_missing: true`: the function is "
    "generated, and fails on every run unless the program reaches it some other way.",
)

PYTHON2 = _rule(
    "CM518",
    "python2",
    E,
    MIGRATION,
    "Python 2: no Lambda runtime runs it",
    "`python2`, `python2.7`, a `#!/usr/bin/python2` script, or a script Python 3 cannot "
    "read: Lambda's last Python 2 runtime (python2.7) is deprecated, and a Python 3 runtime "
    "refuses Python 2 syntax. Port the script to Python 3, or keep the job on its server "
    "(`target: runcommand`).",
)

PYTHON_IMPORT = _rule(
    "CM519",
    "python-import",
    E,
    MIGRATION,
    "A Python script imports a module that is neither the standard library nor bundled",
    "A Python job runs on Lambda's Python runtime with the standard library and the scripts "
    "bundled from the server's copy (a module next to the script is bundled with it). A "
    "third-party module (requests, yaml, boto3 is an exception: the runtime has it) needs "
    "`requirements: [requests==2.32.3]` for the job in cronmigrate.yaml: generate installs "
    "exactly those versions into the function's zip. Otherwise the job fails with "
    "ImportError on its first run.",
)

GUARDED_OUT = _rule(
    "CM520",
    "guarded-out",
    E,
    MIGRATION,
    "A job whose path test means it does nothing on its server",
    "`[ -x /usr/sbin/backupninja ] && …` on a server without backupninja, or `test -x "
    "/usr/sbin/anacron || run-parts …` on a server with anacron: cron runs the line and "
    "nothing happens. Migrated, it would do nothing too (or, worse, what the server never "
    "did), so it is not generated. The test is evaluated against the server's copy "
    "(`--root`).",
)

HOME_UNKNOWN = _rule(
    "CM521",
    "home-unknown",
    W,
    MIGRATION,
    "The crontab owner's home directory is not known",
    "cron sets `HOME` from the owner's entry in `/etc/passwd` (or the crontab's `HOME=` "
    "line). Without `etc/passwd` in the server's copy, or without that user in it, a "
    "`$HOME/…` or `~/…` program cannot be found, and is treated as missing (CM301).",
)

READ_ONLY = _rule(
    "CM502",
    "read-only-fs",
    W,
    MIGRATION,
    "A write outside /tmp",
    "Lambda's file system is read-only except /tmp (512 MB by default, not kept between "
    "runs). Write to /tmp, or to S3.",
)

LOCALHOST = _rule(
    "CM503",
    "localhost",
    W,
    MIGRATION,
    "A service on the server itself",
    "`localhost`, `127.0.0.1`, or a database client without `-h`: on Lambda that is the "
    "sandbox, not the server. Point the job at the service's address, or keep it on the "
    "server (runcommand target).",
)

LONG_JOB = _rule(
    "CM504",
    "long-job",
    W,
    MIGRATION,
    "Longer than Lambda's 15 minutes",
    "A `sleep` or `timeout` beyond 900 seconds cannot finish on Lambda; the runcommand "
    "target runs it on the server.",
)

PRIVILEGES = _rule(
    "CM505",
    "privileges",
    W,
    MIGRATION,
    "sudo, su or runuser stripped",
    "There is no root and no other user on Lambda, and provided.al2023 has no sudo, su "
    "or runuser: generate removes them from the command (`sudo -u app x.sh` runs "
    "`x.sh`, `su - app -c 'TEXT'` runs TEXT) and the job runs as the function's role.",
)

SH_BASHISM = _rule(
    "CM516",
    "sh-bashism",
    W,
    MIGRATION,
    "Bash syntax in a #!/bin/sh script",
    "The script says `#!/bin/sh` but uses bash (`[[ ]]`, arrays, `<<<`, `$'…'`, `<( )`). "
    "Debian's /bin/sh is dash, which refuses these: on the server that line failed. On "
    "provided.al2023 /bin/sh is bash, so it now runs: check that this is what was meant, "
    "and say `#!/bin/bash` if it is.",
)

PRIVILEGES_KEPT = _rule(
    "CM515",
    "privileges-kept",
    E,
    MIGRATION,
    "sudo, su or runuser that cannot be stripped",
    "A `sudo -i`, `su - app` reading its commands from standard input, or a form "
    "cronmigrate cannot read: on Lambda it would exit 127 on every run. Write the command "
    "without it.",
)

LOG_DROPPED = _rule(
    "CM506",
    "log-redirect",
    INF,
    MIGRATION,
    "A log redirection dropped",
    "`>> /var/log/job.log 2>&1` and `> /dev/null` are removed from the Lambda command: "
    "the output goes to CloudWatch Logs, with the function's log retention.",
)

UNPARSED = _rule(
    "CM507",
    "unparsed",
    INF,
    MIGRATION,
    "A command or script with lines the parser cannot read",
    "tree-sitter's bash grammar could not read some lines of the command or of a script "
    "(the finding names them): the rest is analysed, but what those lines run or write "
    "is not known.",
)

ARCHITECTURE = _rule(
    "CM508",
    "architecture",
    E,
    MIGRATION,
    "A compiled program for another architecture",
    "The ELF header says which CPU a program is built for; the function gets that "
    "architecture (x86_64 or arm64). A mismatch with the settings, two programs built "
    "for different CPUs, or a CPU Lambda does not offer is refused.",
)

ARCHITECTURE_DETECTED = _rule(
    "CM513",
    "architecture-detected",
    INF,
    MIGRATION,
    "A compiled program decides the function's architecture",
    "The job runs an ELF program built for x86_64 or arm64: the function gets that "
    "architecture (`architecture:` in cronmigrate.yaml overrides it; a mismatch is CM508).",
)

RUN_PARTS_BUNDLED = _rule(
    "CM514",
    "run-parts-bundled",
    INF,
    MIGRATION,
    "run-parts is bundled with the job",
    "`provided.al2023` has no `run-parts` (Debian's debianutils). The job's zip carries a "
    "Debian-compatible `run-parts` that runs the directory's scripts in the same order.",
)

LIBRARIES = _rule(
    "CM509",
    "shared-libraries",
    W,
    MIGRATION,
    "Shared libraries the runtime may lack",
    "A bundled program is linked against libraries beyond glibc; bundle them or link statically.",
)

MAILTO = _rule(
    "CM510",
    "mailto-local",
    INF,
    MIGRATION,
    "MAILTO names a local account",
    "cron mailed the output to a local mailbox (`MAILTO=root`). On AWS a job's output is "
    "published to an SNS topic with an e-mail subscription per MAILTO address; a local "
    "account has no address, so only the deployment's failure topic (`notify:`) hears of "
    "failures, and output stays in CloudWatch Logs.",
)

SECRET = _rule(
    "CM511",
    "secret-to-ssm",
    INF,
    MIGRATION,
    "A secret that moves to SSM Parameter Store",
    "generate writes no secret into a template, a zip or function.sh: the function reads "
    "`/cronmigrate/<function>/<NAME>` (SecureString) at run time, and its role may read "
    "exactly those parameters. The generated README lists the `aws ssm put-parameter` "
    "commands.",
)

NOT_BUNDLED = _rule(
    "CM512",
    "not-bundled",
    W,
    MIGRATION,
    "A file the job names is not under --root",
    "The command or a script names a file on the server's disk (a configuration file, "
    "a data file) that is not in the copy given with --root, so it cannot be bundled; "
    "on Lambda the job will not find it.",
)

RECOMMEND_RUNCOMMAND = _rule(
    "CM601",
    "recommend-runcommand",
    INF,
    MIGRATION,
    "Better kept on its server (runcommand)",
    "The job's findings (missing tools, local files or services, more than 15 minutes) "
    "say it cannot run in Lambda as it is. With `target: runcommand` and `instances:` in "
    "cronmigrate.yaml, EventBridge Scheduler starts a Step Functions state machine that "
    "runs the command on the server with EC2 Run Command; nothing moves to Lambda.",
)

SAME_JOB_ON_HOSTS = _rule(
    "CM603",
    "same-job-on-hosts",
    W,
    MIGRATION,
    "The same job on several servers",
    "`plan --host NAME=DIR …` reads several servers' copies at once. A job with the same "
    "schedule, user, command and environment on several of them ran once per server; "
    "moved to AWS as it is, it runs as many times in one account. Keep one (the others "
    "`enabled: false` in cronmigrate.yaml), unless each server's run is meant.",
)

ACCOUNT_QUOTA = _rule(
    "CM604",
    "account-quota",
    W,
    MIGRATION,
    "More than an account's default quota",
    "Deploying every migratable job would pass a default quota of one AWS account: "
    "1,000 IAM roles (an execution role per function and a scheduler role per crontab "
    "file), 300 EventBridge rules per event bus, 1,000,000 Scheduler schedules. Quotas "
    "are raised through Service Quotas; `generate` warns for the stacks as well.",
)

BUSY_MINUTE = _rule(
    "CM606",
    "busy-minute",
    W,
    MIGRATION,
    "More runs at once than the account allows",
    "Under cron one server started every job due in a minute; on AWS each run is a Lambda "
    "invocation counted against the account's concurrency (1,000 per Region by default, "
    "less in new accounts) and each start a Scheduler invocation (1,000 a second by "
    "default). plan counts the runs that start in each UTC minute of the coming week and, "
    "with each job's `expected_duration`, the runs at once. Runs beyond the concurrency are "
    "throttled: Lambda retries them until they are `max_event_age_seconds` old, so they "
    "start late or, past that age, go to the failure topic without running. Raise the "
    "quotas through Service Quotas before the switch, or move some of these jobs to other "
    "minutes in their crontabs (the change is yours to make: cronmigrate keeps each job's "
    "instants).",
)

RUNCOMMAND_INSTANCES = _rule(
    "CM602",
    "runcommand-instances",
    E,
    MIGRATION,
    "A runcommand job without instances",
    "Name the instances in cronmigrate.yaml: instance ids, or one tag "
    "(`tag:cronmigrate:target=web-1`).",
)

RUNCOMMAND_TAG_TARGET = _rule(
    "CM605",
    "runcommand-tag-target",
    W,
    MIGRATION,
    "Root commands sent where a tag anyone may set points",
    "A runcommand job targeted by a tag (`tag:Name=web-1`) runs as root on every instance "
    "carrying that tag, and its role may send the command to any such instance: whoever "
    "may tag instances (`ec2:CreateTags`) decides where it runs. Name instance ids, or use "
    "the tag key the deployment reserves (`target_tag_key`, `cronmigrate:target` unless "
    "set) and let only administrators set it (the generated README's Security section).",
)

RARE_SCHEDULE = _rule(
    "CM401",
    "rare-schedule",
    W,
    MISTAKES,
    "A schedule that fires more rarely than it looks",
    "`0 0 31 * *` runs in seven months only, `0 0 29 2 *` once in four years, "
    "`0 0 30 * *` never in February.",
)

UNESCAPED_PERCENT = _rule(
    "CM402",
    "unescaped-percent",
    W,
    MISTAKES,
    "A % that cuts a command into something broken",
    "cron ends the command at the first unescaped `%` and sends the rest to its standard "
    "input. Reported when what is left cannot be what was meant: an open `$((`, `$(`, "
    "quote, brace or parenthesis (`sleep $(( RANDOM % 600 ))` runs `sleep $(( RANDOM `), "
    "or a `date +`/`printf` format cut in two. The standard-input idiom "
    "(`mail -s subject user%body%`) is not. `--fix` writes every `%` of the line as `\\%`.",
    fixable=True,
)

NO_EXPANSION = _rule(
    "CM403",
    "no-expansion",
    W,
    MISTAKES,
    "`$VAR` in an environment line is not expanded",
    "cron sets `PATH=$PATH:/opt/bin` literally, `$PATH` included; write the whole value.",
)

EVERY_MINUTE = _rule(
    "CM404",
    "every-minute",
    W,
    MISTAKES,
    "Every minute of an hour",
    "`* 3 * * *` runs 60 times between 03:00 and 03:59; `0 3 * * *` was almost always meant.",
)

USER_IN_USER_CRONTAB = _rule(
    "CM405",
    "user-in-user-crontab",
    W,
    MISTAKES,
    "A user field in a user crontab",
    "User crontabs (`crontab -e`) have no user field: `0 3 * * * root /x` runs a command "
    "named `root`.",
)

SECRET_IN_CRONTAB = _rule(
    "CM406",
    "secret",
    W,
    MIGRATION,
    "A secret in an environment line",
    "Passwords, tokens and keys in a crontab end up in version control and, migrated, in "
    "templates. Move them to a secret store (SSM Parameter Store, Secrets Manager).",
)

OUTPUT_LOST = _rule(
    "CM407",
    "output-lost",
    W,
    MIGRATION,
    "Output goes nowhere",
    "cron mails a job's output to MAILTO (to the crontab's owner when unset, nowhere when "
    "empty); with MAILTO unset or empty and no redirection, failures go unnoticed.",
)

DUPLICATE = _rule(
    "CM408",
    "duplicate",
    W,
    MISTAKES,
    "The same job twice",
    "The same schedule, user and command appear on two lines: the job runs twice.",
)

RELATIVE_PATH = _rule(
    "CM409",
    "relative-path",
    W,
    MISTAKES,
    "A command path relative to the home directory",
    "cron starts jobs in the user's home directory: `./backup.sh` or `bin/run` depend on "
    "it. Use an absolute path, or `cd /dir && ./backup.sh`.",
)

CRON_TZ = _rule(
    "CM410",
    "cron-tz",
    INF,
    MISTAKES,
    "CRON_TZ/TZ and Debian's cron",
    "cronmigrate (like cronie) schedules the following entries in that zone; Debian's cron "
    "ignores CRON_TZ and schedules in the system zone, passing TZ only to the command.",
)

RULES: tuple[Rule, ...] = tuple(_DECLARED)
BY_CODE = {r.code: r for r in RULES}
assert len(BY_CODE) == len(RULES), "a code is declared twice"
# Findings about the move to Lambda itself (analysis, generate): a Run Command job does not
# have them.
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
