#!/usr/bin/env bash
# Tools the test suite needs that cargo does not fetch. Idempotent, and fast when present:
# each block checks first and installs only what is missing. Called by .ci/run.
set -euo pipefail

# --- issue 14: the Python MCP SDK (a real MCP client we did not write) for tests/test_mcp.rs ---
if ! python3 -c 'import mcp' >/dev/null 2>&1; then
    python3 -m pip install --quiet --disable-pip-version-check 'mcp>=1.9,<2'
fi
