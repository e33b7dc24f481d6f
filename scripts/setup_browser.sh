#!/usr/bin/env bash
# What the app needs from Debian, installed when missing (make test runs this; CI runs as root):
#   chromium            the app's end-to-end tests drive it; Playwright cannot download browsers here
#   fonts-wqy-microhei  a font with Chinese glyphs, to lay out the Chinese labels of the app's
#                       figures and to show them in the test browser
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup_browser: missing ${missing[*]} and no apt-get here; install chromium and a Chinese font by hand" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
echo "setup_browser: installing ${missing[*]} (Debian packages)" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
