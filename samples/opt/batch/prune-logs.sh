#!/bin/bash
# prune-logs: part of the cronmigrate samples.
set -euo pipefail
echo "prune-logs: $*"
