#!/usr/bin/env bash
# Regenerates the C# SDK's client (sdk/dotnet/src/Cargamos.Sdk/Generated) from the API's OpenAPI document (docs/sdk.md):
# 1. writes the document the API serves to sdk/dotnet/openapi.json (an API host without a database, through a test);
# 2. runs Kiota, pinned in .config/dotnet-tools.json, on that file;
# 3. records the document's SHA-256 next to Kiota's lock file, which SdkStalenessTests compares.
set -euo pipefail
cd "$(dirname "$0")/../.."

document=sdk/dotnet/openapi.json
generated=sdk/dotnet/src/Cargamos.Sdk/Generated
written=$(mktemp)
trap 'rm -f "$written"' EXIT

dotnet build tests/Api.Tests -c Debug -v quiet -nologo >/dev/null
# The test fails when the committed document differs (that is what it checks), after writing the served one.
CARGAMOS_WRITE_OPENAPI="$written" dotnet test tests/Api.Tests -c Debug --no-build -v quiet -nologo \
  --filter "FullyQualifiedName~SdkStalenessTests.The_committed_sdk_document_is_the_document_the_api_serves" >/dev/null || true
if [ ! -s "$written" ]; then
  echo "generate.sh: the API did not write its OpenAPI document (run the test above to see why)" >&2
  exit 1
fi
cp "$written" "$document"

export KIOTA_OFFLINE_ENABLED=true   # no update check (it needs the internet)
dotnet tool restore >/dev/null
dotnet kiota generate --language CSharp --openapi "$document" --output "$generated" \
  --class-name CargamosApiClient --namespace-name Cargamos.Sdk.Client \
  --exclude-backward-compatible --clean-output --log-level Warning
sha256sum "$document" | cut -d' ' -f1 > "$generated/openapi.sha256"
echo "generated $generated from $document ($(cut -c1-12 "$generated/openapi.sha256"))"
