#!/bin/bash
# Fetch the last hour's figures and keep them in /tmp for the next step.
set -euo pipefail
source /opt/app/lib/common.sh
log "report $*"
curl -fsS "${API_URL}/report?period=hour" -o /tmp/report.json
log "saved /tmp/report.json"
