#!/usr/bin/env bash
# Makes sure the machine has what run.sh and test.sh need: the .NET SDK (checked, not installed)
# and PostgreSQL server binaries (installed from Debian's packages when missing and we are root).
set -euo pipefail

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK 10 is required (dotnet not on PATH)" >&2
  exit 1
fi

has_postgres_binaries() {
  if [ -n "${ConnectionStrings__Postgres:-}" ] || [ -n "${CARGAMOS_TEST_POSTGRES:-}" ]; then return 0; fi
  local bindir
  bindir=$(pg_config --bindir 2>/dev/null || true)
  if [ -n "$bindir" ] && [ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ]; then return 0; fi
  command -v initdb >/dev/null 2>&1 && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && return 0
  return 1
}

if ! has_postgres_binaries; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL server binaries not found: installing Debian's postgresql-15 (no default cluster is created)" >&2
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/cargamos-no-main-cluster.conf
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq postgresql-15 >/dev/null
  else
    echo "warning: no PostgreSQL server binaries; set ConnectionStrings__Postgres (run) or CARGAMOS_TEST_POSTGRES (tests), or install postgresql-15" >&2
  fi
fi
