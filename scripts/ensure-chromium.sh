#!/usr/bin/env bash
# Install Debian's Chromium and its WebDriver for the browser tests (never a browser download
# of a test tool's own). Best effort outside CI: without root or apt it says why and the
# browser tests skip; under CI=true it fails.
set -u
strict=false
case "${CI:-}" in true|1|yes) strict=true ;; esac
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then exit 0; fi
fail() { echo "chromium: $*" >&2; if $strict; then exit 1; fi; exit 0; }
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  fail "chromium and chromium-driver are missing and this user cannot apt-get them"
fi
echo "chromium: installing chromium and chromium-driver"
apt-get update -qq >/dev/null || fail "apt-get update failed"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
  || fail "could not install chromium chromium-driver"
exit 0
