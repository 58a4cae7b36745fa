#!/usr/bin/env bash
# Install the benchmark's load generator (make bench), from Debian's packages:
#   wrk   HTTP load tool in C: drives the server from a second process on loopback
#         without competing for much CPU, and reports p50/p99 latency (--latency).
# Idempotent: installs only what is missing, exits non-zero on failure.
set -euo pipefail

if command -v wrk >/dev/null; then
  echo "install-bench-tools: wrk already installed ($(command -v wrk))"
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null; then
  SUDO=(sudo)
else
  echo "install-bench-tools: need root (or sudo) to install wrk" >&2
  exit 1
fi
echo "install-bench-tools: installing wrk with apt-get"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q wrk
command -v wrk >/dev/null || { echo "install-bench-tools: wrk still missing" >&2; exit 1; }
echo "install-bench-tools: ready: $(command -v wrk)"
