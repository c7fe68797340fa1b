#!/usr/bin/env bash
# Runs the API on http://127.0.0.1:5080 (override with --urls or Urls=...) over a project-local PostgreSQL
# kept in .data/postgres (started or reused), with the schema applied and the demo data loaded. tools/DevHost provides
# the database and runs the API (src/Api) in Development; the API itself only takes ConnectionStrings:Postgres.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/prerequisites.sh
exec dotnet run --project tools/DevHost/Cargamos.Modular.DevHost.csproj -- "$@"
