#!/usr/bin/env bash
# Regenerate tests/oracle/debian_cron.txt: what Debian's own cron parser makes of every line
# in cases.txt.  Needs Debian source packages (deb-src) and gcc; run by hand, review the
# diff, commit.  Debian's code is used here only, never copied into the repository.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/make_cases.py"
cd "$work"
if ! apt-get source -qq cron >/dev/null 2>&1; then
    echo "apt-get source cron failed: enable deb-src lines for your Debian mirror" >&2
    exit 1
fi
src=$(find "$work" -maxdepth 1 -type d -name 'cron-*' | head -n 1)
version=$(cd "$src" && dpkg-parsechangelog -S Version)
gcc -w -I"$src" -DDEBUGGING=0 -o "$work/oracle" "$here/harness.c" \
    "$src/entry.c" "$src/env.c" "$src/misc.c"
{
    echo "# Debian cron $version: output of tests/oracle/harness.c for each line of cases.txt"
    "$work/oracle" < "$here/cases.txt"
} > "$here/debian_cron.txt"
echo "wrote $here/debian_cron.txt (Debian cron $version)"
