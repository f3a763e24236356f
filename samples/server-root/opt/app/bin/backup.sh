#!/bin/bash
# Dump the application database next to the others.
set -euo pipefail
. /opt/app/lib/common.sh
log "dumping"
mysqldump --single-transaction app > /var/backups/app.sql
