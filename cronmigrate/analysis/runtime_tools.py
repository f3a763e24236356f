"""What the provided.al2023 runtime has, as data with its sources.

provided.al2023 is built on the AL2023-minimal container image: bash, coreutils-single,
curl-minimal, gawk, grep, gnupg2-minimal and glibc, and no package manager users can call
at run time (aws/aws-lambda-base-images#59: "The provided.al2023 is based on the
AL2023-minimal image ... curl and gnupg2 are included as their minimal versions"; the
package list of an AL2023 Lambda image in amazonlinux/amazon-linux-2023#585). findutils
(find, xargs) is not in the container images (amazonlinux/amazon-linux-2023#355), nor is
tar; util-linux (flock, logger, su) and debianutils (run-parts) are Debian/RHEL extras.
"""

from __future__ import annotations

# bash and its builtins/keywords
SHELL_BUILTINS = frozenset(
    (  # noqa: SIM905 - a word list reads best as text
        "cd echo printf test [ [[ read export exit source . set unset true false : eval "
        "exec wait kill trap pwd type command let local return shift declare typeset "
        "readonly getopts hash umask ulimit times builtin alias unalias shopt mapfile "
        "readarray if then else elif fi for while until do done case esac in function "
        "select time sh bash "
    ).split()
)

# coreutils (coreutils-single ships every coreutils program), gawk, grep, curl, gpg
AVAILABLE = frozenset(
    (  # noqa: SIM905 - a word list reads best as text
        "cat cp mv rm mkdir rmdir ls ln chmod chown chgrp date head tail cut tr sort "
        "uniq wc tee touch sleep timeout env basename dirname mktemp stat id whoami yes "
        "seq expr nproc du df sha1sum sha256sum sha512sum md5sum base64 base32 readlink "
        "realpath split nice nohup stdbuf od hostname uname printenv dd fold fmt paste "
        "join comm csplit shuf tac truncate sync install numfmt pr tsort shred link "
        "unlink mkfifo mknod pathchk tty awk gawk grep egrep fgrep curl gpg gpgv "
    ).split()
)

# Tools jobs often call that the runtime lacks, and what to do about them.
MISSING: dict[str, str] = {
    "php": "add a PHP layer that provides /opt/bin/php (layers: in cronmigrate.yaml)",
    "aws": "add an AWS CLI layer (layers: in cronmigrate.yaml), or use the runcommand target",
    "mysql": "a MySQL client layer, or the runcommand target",
    "mysqldump": "a MySQL client layer, or the runcommand target",
    "pg_dump": "a PostgreSQL client layer, or the runcommand target",
    "psql": "a PostgreSQL client layer, or the runcommand target",
    "redis-cli": "a layer with redis-cli, or the runcommand target",
    "rsync": "not on Lambda: copy through S3, or use the runcommand target",
    "ssh": "not on Lambda: use the runcommand target on the server",
    "scp": "not on Lambda: copy through S3, or use the runcommand target",
    "sftp": "not on Lambda: copy through S3, or use the runcommand target",
    "mail": "no mail on Lambda: MAILTO becomes an SNS topic; send with SNS or SES",
    "mailx": "no mail on Lambda: send with SNS or SES",
    "sendmail": "no mail on Lambda: send with SNS or SES",
    "find": "findutils is not in the image: bundle find, or rewrite with bash globs",
    "xargs": "findutils is not in the image: rewrite with a bash loop",
    "tar": "not in the image: add a layer with tar",
    "gzip": "not in the image: add a layer with gzip",
    "zip": "not in the image: add a layer with zip",
    "unzip": "not in the image: add a layer with unzip",
    "python": "no Python in provided.al2023: add a Python layer",
    "python3": "no Python in provided.al2023: add a Python layer",
    "perl": "no Perl in provided.al2023: add a Perl layer",
    "ruby": "no Ruby in provided.al2023: add a Ruby layer",
    "node": "no Node.js in provided.al2023: add a Node.js layer",
    "java": "no Java in provided.al2023: add a Java layer",
    "run-parts": "Debian's debianutils is not in the image: list the scripts instead",
    "flock": "util-linux is not in the image: bundle flock, or drop the lock if runs "
    "cannot overlap",
    "logger": "no syslog on Lambda: output already goes to CloudWatch Logs",
    "wget": "not in the image: use curl",
    "jq": "not in the image: add a jq layer",
    "git": "not in the image: add a layer with git",
    "docker": "no Docker on Lambda: use the runcommand target",
    "systemctl": "no init system on Lambda: use the runcommand target",
    "service": "no init system on Lambda: use the runcommand target",
    "invoke-rc.d": "no init system on Lambda: use the runcommand target",
    "crontab": "there is no cron on Lambda",
    "sed": "not confirmed in the AL2023-minimal image: bundle it or use bash",
}

# Writable on Lambda (the rest of the file system is read-only).
WRITABLE_PREFIXES = ("/tmp/", "/dev/null", "/dev/stdout", "/dev/stderr", "/proc/self/fd/")
