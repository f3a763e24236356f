#!/bin/bash
# Remove expired sessions of the web application. Bash and coreutils only (no find: the
# Lambda runtime has no findutils).
set -euo pipefail
shopt -s nullglob
limit=$(($(date +%s) - 7200))
for f in "${SESSION_DIR:-/tmp/sessions}"/*; do
    if [[ -f $f && $(stat -c %Y "$f") -lt $limit ]]; then
        rm -f -- "$f"
    fi
done
echo "sessions cleaned"
