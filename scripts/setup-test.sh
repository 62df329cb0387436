#!/usr/bin/env bash
# Install what the browser and PDF tests need: Chromium, CJK fonts, pango (needs root or sudo).
set -uo pipefail
# Briefing PDFs (WeasyPrint) need pango and the Noto CJK fonts too, with or without Chromium.
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null \
  && ldconfig -p 2>/dev/null | grep "libpangoft2-1.0" >/dev/null; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "note: Chromium is missing and cannot be installed without root; browser tests will be skipped" >&2
    exit 0
  fi
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "==> installing chromium, fonts-noto-cjk and pango (apt)"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
else
  echo "note: no apt-get; install Chromium yourself and set MINYI_CHROMIUM=/path/to/chromium" >&2
fi
