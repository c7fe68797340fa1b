#!/usr/bin/env bash
# Runs the API on http://127.0.0.1:5080 (override with --urls or Urls=...) over a project-local PostgreSQL
# kept in .data/postgres (started or reused), with the schema applied and the demo data loaded.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/prerequisites.sh
exec dotnet run --project src/Api/Cargamos.Modular.Api.csproj --launch-profile Cargamos -- "$@"
