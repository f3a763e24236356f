#!/bin/bash
# old-export: part of the cronmigrate samples.
set -euo pipefail
echo "old-export: $*"
