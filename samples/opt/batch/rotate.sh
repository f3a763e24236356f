#!/bin/bash
# rotate: part of the cronmigrate samples.
set -euo pipefail
echo "rotate: $*"
