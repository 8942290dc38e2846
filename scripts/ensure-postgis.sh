#!/usr/bin/env bash
# Make the local PostgreSQL 15 able to run the PostGIS tests: install the extension package
# and start the cluster if needed. Best effort: without root or apt it says why and carries
# on (the PostgreSQL tests then skip with a message), except under CI=true where it fails.
set -u
strict=false
case "${CI:-}" in true|1|yes) strict=true ;; esac

fail() {
  echo "postgis: $*" >&2
  if $strict; then exit 1; fi
  exit 0
}

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  fail "no local PostgreSQL installation found; the PostgreSQL tests will be skipped"
fi
if [ ! -e /usr/share/postgresql/15/extension/postgis.control ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    fail "PostGIS is not installed and this user cannot apt-get it (apt-get install postgresql-15-postgis-3)"
  fi
  echo "postgis: installing postgresql-15-postgis-3"
  apt-get update -qq >/dev/null || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-postgis-3 >/dev/null \
    || fail "could not install postgresql-15-postgis-3"
fi
if ! pg_lsclusters -h 2>/dev/null | awk '$1 == "15" && $4 == "online" {found=1} END {exit !found}'; then
  echo "postgis: starting the PostgreSQL 15 cluster"
  pg_ctlcluster --skip-systemctl-redirect 15 main start || fail "could not start PostgreSQL 15"
fi
exit 0
