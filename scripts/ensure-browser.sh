#!/usr/bin/env bash
# Debian's Chromium (and CJK fonts, so Chinese labels render) for the end-to-end map tests.
# Installed as root or through passwordless sudo; otherwise the browser tests skip and say why.
set -euo pipefail

# grep without -q: -q would stop reading early, fc-list would die of SIGPIPE and pipefail would say "missing".
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null; then
  exit 0
fi
. "$(dirname "$0")/privileged.sh"
if ! as_root; then
  echo "Chromium is missing: the browser tests will be skipped. Install it once as root:" >&2
  echo "  apt-get install -y chromium fonts-noto-cjk" >&2
  exit 0
fi
echo "Installing chromium and fonts-noto-cjk from the OS packages…"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk >/dev/null
echo "Chromium installed."
