#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices) of three pages of the built
# site, with Debian's Chromium. Lighthouse is fetched by npx at run time (12.2.3 runs on
# Node 20); it is a measuring tool, not a dependency of the site or of the tests.
# Usage: make build && bench/lighthouse.sh [port]   (LIGHTHOUSE=path/to/lighthouse to use a local install)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-8765}"
CHROME_PATH="${CHROME_PATH:-/usr/lib/chromium/chromium}"
export CHROME_PATH
LIGHTHOUSE="${LIGHTHOUSE:-npx --yes lighthouse@12.2.3}"
OUT=bench/out/lighthouse
mkdir -p "$OUT"
.venv/bin/python -m site_config.serve --port "$PORT" site >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER' EXIT
sleep 1
printf '| page | performance | accessibility | best practices |\n|---|---|---|---|\n'
for page in index.html piliers/identite.html evaluer.html; do
  name="${page//\//_}"
  $LIGHTHOUSE "http://localhost:$PORT/$page" --quiet --output=json --output-path="$OUT/$name.json" \
    --only-categories=performance,accessibility,best-practices --form-factor=mobile \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync" >/dev/null 2>&1 || true
  python3 - "$OUT/$name.json" "$page" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
c = data["categories"]
score = lambda k: round(c[k]["score"] * 100) if c.get(k, {}).get("score") is not None else "?"
print(f"| {sys.argv[2]} | {score('performance')} | {score('accessibility')} | {score('best-practices')} |")
PY
done
