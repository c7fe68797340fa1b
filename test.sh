#!/usr/bin/env bash
# Runs every test project against one throwaway PostgreSQL cluster (removed afterwards), writing TRX results to TestResults/.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/prerequisites.sh
rm -rf TestResults
exec dotnet test Cargamos.Modular.sln --logger "trx" --results-directory TestResults "$@"
