"""Characters and names as Debian's cron reads them (``cron.h``, ``misc.c``)."""

from __future__ import annotations

import re

MAX_TAB_LINES = 10_000  # cron.h
BLANKS = " \t"
C_SPACE = " \t\n\v\f\r"  # C isspace() in the C locale
# run-parts(8) names, which Debian's cron requires of files in /etc/cron.d
CRON_D_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
ENV_LIKE = re.compile(r"""^["']?[A-Za-z_][A-Za-z0-9_]*["']?[ \t]*=""")
USERNAME = re.compile(r"^[a-z_][a-z0-9_.-]*\$?$", re.IGNORECASE)
# Accounts that Debian packages' cron.d files run as; used only to sniff the format.
KNOWN_USERS = frozenset(
    {
        "root",
        "daemon",
        "bin",
        "sys",
        "nobody",
        "www-data",
        "backup",
        "list",
        "mail",
        "news",
        "uucp",
        "proxy",
        "irc",
        "_apt",
        "postgres",
        "mysql",
        "redis",
        "nginx",
        "apache",
        "http",
        "munin",
        "nagios",
        "zabbix",
        "smmsp",
        "logcheck",
        "man",
        "lp",
        "Debian-exim",
        "sympa",
        "mailman",
        "amavis",
        "clamav",
        "bind",
        "tomcat",
        "jenkins",
        "git",
        "deploy",
        "ubuntu",
        "ec2-user",
        "admin",
        "sa",
    }
)


# Words of the example lines in the stock crontab headers, which are not disabled jobs.
HEADER_WORDS = frozenset({"command", "user-name", "username", "cmd", "<command>"})
