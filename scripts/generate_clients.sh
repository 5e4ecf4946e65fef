#!/usr/bin/env bash
# Generate the clients a mobile team would generate from the committed openapi.yaml, and check
# that they build: the Python client (openapi-python-client, in its own venv .venv-clients) and
# TypeScript types (openapi-typescript, then `tsc --noEmit`). Output goes to .clients/ (ignored);
# tests/api/test_generated_client.py drives the Python client against a live server.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=.clients
VENV=.venv-clients
mkdir -p "$OUT"

if [ ! -x "$VENV/bin/openapi-python-client" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "openapi-python-client>=0.24,<1"
fi
if [ ! -x "$OUT/node_modules/.bin/openapi-typescript" ] || [ ! -x "$OUT/node_modules/.bin/tsc" ]; then
  [ -f "$OUT/package.json" ] || echo '{"name": "flaremap-clients", "private": true}' > "$OUT/package.json"
  (cd "$OUT" && npm install --silent --no-audit --no-fund "openapi-typescript@^7" "typescript@^5")
fi

echo "== Python client (openapi-python-client) =="
rm -rf "$OUT/python"
mkdir -p "$OUT/python"
"$VENV/bin/openapi-python-client" generate --path openapi.yaml \
  --config scripts/openapi-python-client.yaml --meta none \
  --output-path "$OUT/python/flaremap_client" --fail-on-warning
# Every generated module must import (a NameError at import time is how login used to fail).
PYTHONPATH="$OUT/python" "$VENV/bin/python" -c '
import importlib, pkgutil, flaremap_client
names = [m.name for m in pkgutil.walk_packages(flaremap_client.__path__, "flaremap_client.")]
for name in names:
    importlib.import_module(name)
print(f"imported {len(names)} generated modules")'

echo "== TypeScript types (openapi-typescript + tsc --noEmit) =="
"$OUT/node_modules/.bin/openapi-typescript" openapi.yaml --output "$OUT/ts/flaremap-api.d.ts"
cat > "$OUT/ts/check.ts" <<'TS'
import type { components, paths } from "./flaremap-api";
type Day = components["schemas"]["Day"];
type DayList = paths["/api/v1/days/"]["get"]["responses"][200]["content"]["application/json"];
export const firstDate = (page: DayList): string | undefined => page.results[0]?.date;
export const version = (day: Day): number => day.version;
TS
"$OUT/node_modules/.bin/tsc" --noEmit --strict --skipLibCheck false "$OUT/ts/check.ts" "$OUT/ts/flaremap-api.d.ts"
echo "clients generated in $OUT/ (python, ts)"
