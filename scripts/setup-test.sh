#!/usr/bin/env bash
# Install what the browser tests need: Debian's Chromium and CJK fonts (needs root or sudo).
set -uo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "note: Chromium is missing and cannot be installed without root; browser tests will be skipped" >&2
    exit 0
  fi
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "==> installing chromium and fonts-noto-cjk (apt)"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
else
  echo "note: no apt-get; install Chromium yourself and set MINYI_CHROMIUM=/path/to/chromium" >&2
fi
