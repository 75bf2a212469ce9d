#!/usr/bin/env bash
# CI dependencies outside cargo: the OCI distribution registry (Debian's `docker-registry`)
# that the `upgrades` tests start on 127.0.0.1. Idempotent: installs only what is missing.
# The tests start and stop their own registry process; nothing here keeps one running.
set -euo pipefail
if command -v docker-registry >/dev/null 2>&1 || [ -x /usr/bin/docker-registry ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# --no-install-recommends: only the binary; the package's service is not needed (and in a
# container without systemd it is not started).
$SUDO apt-get install -y -qq --no-install-recommends docker-registry >/dev/null
command -v docker-registry >/dev/null
