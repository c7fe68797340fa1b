#!/usr/bin/env bash
# The benchmark suite (bench/README.md): builds bench/Cargamos.Bench in Release and runs it against a throwaway PostgreSQL
# (started from this machine's server binaries and removed afterwards). Arguments go to the benchmark, e.g.
#   bench/run.sh --quick                      # every scenario, small sizes: a 1-2 minute smoke run
#   bench/run.sh                              # the full run (about 10 minutes)
#   bench/run.sh --only spreadsheets --rows 100000 --seed 20261128 --api-orders 2000 --api-concurrency 8 --invalid-percent 2
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
dotnet build bench/Cargamos.Bench/Cargamos.Bench.csproj -c Release -nologo -v quiet
cd bench/Cargamos.Bench/bin/Release/net10.0
exec dotnet Cargamos.Bench.dll "$@"
