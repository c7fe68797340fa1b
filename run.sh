#!/usr/bin/env bash
# Development (default): runs the API on http://127.0.0.1:5080 (override with --urls or Urls=...) over a project-local
# PostgreSQL kept in .data/postgres (started or reused), with the schema applied and the demo data loaded. tools/DevHost
# provides the database and runs the API (src/Api) in Development; the API itself only takes ConnectionStrings:Postgres.
#
# ./run.sh --production: the API alone, Release build, Production environment: no local database, no demo data, the
# webhook URL rules on. It refuses to start without ConnectionStrings__Postgres and Auth__SigningKey in the environment
# (or --ConnectionStrings:Postgres=... on the command line). See docs/operations.md#production.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/prerequisites.sh
if [[ "${1:-}" == "--production" ]]; then
  shift
  export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
  exec dotnet run --project src/Api/Cargamos.Modular.Api.csproj -c Release --no-launch-profile -- "$@"
fi
exec dotnet run --project tools/DevHost/Cargamos.Modular.DevHost.csproj -- "$@"
