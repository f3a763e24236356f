#!/bin/bash
# backup-db: part of the cronmigrate samples.
set -euo pipefail
echo "backup-db: $*"
