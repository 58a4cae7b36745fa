#!/usr/bin/env bash
# Install what the browser tests (tests/browser) need, from Debian's packages:
#   chromium            driven headless by Playwright (its own browser download is not used)
#   fonts-wqy-microhei  a CJK font, so that Chinese renders in screenshots instead of boxes
# Idempotent: installs only what is missing, says what it did, exits non-zero on failure.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
FONT_PACKAGE=fonts-wqy-microhei

missing=()
if [ -x "$CHROMIUM" ]; then
  echo "install-browser: chromium already installed ($CHROMIUM)"
else
  missing+=(chromium)
fi
if dpkg-query -W -f='${Status}' "$FONT_PACKAGE" 2>/dev/null | grep -q "install ok installed"; then
  echo "install-browser: $FONT_PACKAGE already installed"
else
  missing+=("$FONT_PACKAGE")
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
  elif command -v sudo >/dev/null; then
    SUDO=(sudo)
  else
    echo "install-browser: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "install-browser: installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q "${missing[@]}"
  echo "install-browser: installed ${missing[*]}"
fi

if [ ! -x "$CHROMIUM" ]; then
  echo "install-browser: $CHROMIUM is still missing after the install" >&2
  exit 1
fi
# The check the tests rely on: the binary starts. (Debian's wrapper may print a harmless
# shell warning on stderr; only the exit status matters.)
if ! version="$("$CHROMIUM" --version 2>/dev/null)"; then
  echo "install-browser: $CHROMIUM does not start" >&2
  exit 1
fi
echo "install-browser: ready: $version, font $FONT_PACKAGE"
