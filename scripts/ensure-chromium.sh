#!/usr/bin/env bash
# The end-to-end specs drive Debian's Chromium (/usr/bin/chromium); Playwright's
# own browser download is not used. Installs it where apt is available as root,
# otherwise says exactly what is missing.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the end-to-end specs..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
  exit 0
fi
echo "The end-to-end specs need Chromium at $CHROMIUM (Debian: apt-get install chromium), or set CHROMIUM_PATH." >&2
exit 1
