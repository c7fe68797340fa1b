#!/usr/bin/env bash
# Spreadsheet integration benchmark: builds bench/Spreadsheets.Bench in Release and runs it against a throwaway PostgreSQL
# (started from this machine's server binaries and removed afterwards). Arguments go to the benchmark, e.g.
#   bench/run.sh --rows 100000 --seed 20261128 --api-orders 2000 --api-concurrency 8 --invalid-percent 2
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
dotnet build bench/Spreadsheets.Bench/Spreadsheets.Bench.csproj -c Release -nologo -v quiet
cd bench/Spreadsheets.Bench/bin/Release/net10.0
exec dotnet Spreadsheets.Bench.dll "$@"
