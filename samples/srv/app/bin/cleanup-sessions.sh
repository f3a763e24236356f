#!/bin/bash
# Remove expired sessions of the web application.
set -euo pipefail
find "${SESSION_DIR:-/tmp/sessions}" -type f -mmin +120 -delete 2>/dev/null || true
echo "sessions cleaned"
