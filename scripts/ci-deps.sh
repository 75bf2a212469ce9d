#!/usr/bin/env bash
# Tools the test suite needs that cargo does not fetch. Idempotent, and fast when present:
# each block checks first and installs only what is missing. Called by .ci/run.
set -euo pipefail

# --- the Python MCP SDK (a real MCP client we did not write) for tests/test_mcp.rs ---
if ! python3 -c 'import mcp' >/dev/null 2>&1; then
    python3 -m pip install --quiet --disable-pip-version-check 'mcp>=1.9,<2'
fi

# --- the OCI distribution registry (Debian's `docker-registry`) that the `upgrades` tests
# start on 127.0.0.1; the tests start and stop their own registry process ---
if ! command -v docker-registry >/dev/null 2>&1 && [ ! -x /usr/bin/docker-registry ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    # --no-install-recommends: only the binary; the package's service is not needed (and in a
    # container without systemd it is not started).
    $SUDO apt-get install -y -qq --no-install-recommends docker-registry >/dev/null
    command -v docker-registry >/dev/null
fi

# --- headless Chromium and its WebDriver (Debian's `chromium` and `chromium-driver`) for the
# dashboard's browser tests (tests/test_dashboard.rs); the tests start and stop chromedriver ---
if ! { chromium --version >/dev/null 2>&1 && chromedriver --version >/dev/null 2>&1; }; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
    chromium --version >/dev/null
    chromedriver --version >/dev/null
fi
