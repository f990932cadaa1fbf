#!/usr/bin/env bash
# Installs Debian's Chromium (and a CJK font for the Chinese pages) when missing: the console's browser tests
# drive it through puppeteer-core. CHROMIUM_PATH names another build.
set -euo pipefail
if [[ -n ${CHROMIUM_PATH:-} && -x $CHROMIUM_PATH ]] || command -v chromium >/dev/null; then
  exit 0
fi
echo "[deps] installing chromium and fonts-wqy-microhei"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
