#!/usr/bin/env bash
# Runs a real MedusaJS 2.x server on loopback and records what the admin endpoints our health
# check could use answer with HTTP Basic auth for a valid secret API key, a wrong key and no key
# (the unit tests' fakes in tests/providers/fakes.py answer the same way).
#
# Installs @medusajs/* from the npm registry into a temporary folder (nothing is committed:
# no node_modules, no Medusa code), builds a minimal project by hand (package.json,
# medusa-config.ts, tsconfig.json; create-medusa-app's starter download needs GitHub), creates
# its own Postgres database, migrates it, creates an admin user and a secret API key, then runs
# the requests. Needs node >= 20, npm, psql and a Postgres server.
#
#   scripts/medusa_real_check.sh                 # prints the answers
#   MEDUSA_VERSION=2.21.2 PGURL=postgres://postgres@127.0.0.1:5432 KEEP=1 scripts/...
#
# Then, optionally, the real mercato-int check against it:
#   MERCATO_INT=.venv/bin/mercato-int scripts/medusa_real_check.sh
# which also tries a trailing slash, a path prefix, a slow and a 502 proxy
# (real_check_proxy.py), a server down, Medusa's own 500 and `health --all-tenants`, and exits
# 1 if a key or a traceback shows. KEEP=1 keeps the install; MEDUSA_DIR=that folder reuses it.
# Results: scripts/REAL-CHECKS.md.
set -euo pipefail

VERSION="${MEDUSA_VERSION:-2.21.2}"
PGURL="${PGURL:-postgres://postgres@127.0.0.1:5432}"
PORT="${PORT:-19000}"
DB="medusa_real_check_$$"
WORK="${MEDUSA_DIR:-$(mktemp -d -t medusa-real-XXXXXX)}"  # MEDUSA_DIR: reuse a KEEP=1 folder
BASE="http://127.0.0.1:${PORT}"
SERVER_PID=""
PROXIES=()
PROXY="python3 $(cd "$(dirname "$0")" && pwd)/real_check_proxy.py"

cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill -- "-$SERVER_PID" 2>/dev/null || true; fi
  for pid in "${PROXIES[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
  sleep 1
  psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  if [[ -z "${KEEP:-}" && -z "${MEDUSA_DIR:-}" ]]; then rm -rf "$WORK"; else echo "kept $WORK" >&2; fi
}
trap cleanup EXIT

cd "$WORK"
cat > package.json <<EOF
{
  "name": "medusa-real-check",
  "private": true,
  "dependencies": {
    "@medusajs/cli": "$VERSION",
    "@medusajs/framework": "$VERSION",
    "@medusajs/medusa": "$VERSION",
    "react": "^18.3.1",
    "react-dom": "^18.3.1",
    "posthog-node": "^5.11.0"
  },
  "devDependencies": {
    "@swc/core": "^1.7.28",
    "@types/node": "^20.0.0",
    "ts-node": "^10.9.2",
    "typescript": "^5.6.2"
  }
}
EOF
cat > medusa-config.ts <<'EOF'
import { loadEnv, defineConfig } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: "http://127.0.0.1",
      adminCors: "http://127.0.0.1",
      authCors: "http://127.0.0.1",
      jwtSecret: "medusa-real-check-jwt",
      cookieSecret: "medusa-real-check-cookie",
    },
  },
  admin: { disable: true },
})
EOF
cat > tsconfig.json <<'EOF'
{
  "compilerOptions": {
    "target": "ES2021", "module": "Node16", "moduleResolution": "Node16",
    "esModuleInterop": true, "experimentalDecorators": true, "emitDecoratorMetadata": true,
    "skipLibCheck": true, "resolveJsonModule": true, "outDir": "./.medusa/server",
    "rootDir": "./", "jsx": "react-jsx", "strictNullChecks": true
  },
  "ts-node": { "swc": true },
  "include": ["**/*"],
  "exclude": ["node_modules", ".medusa/server"]
}
EOF
mkdir -p src

installed() { node -p 'require("@medusajs/medusa/package.json").version' 2>/dev/null || true; }
if [[ "$(installed)" != "$VERSION" ]]; then
  echo "== npm install @medusajs/medusa@$VERSION (into $WORK)" >&2
  npm install --no-audit --no-fund --loglevel=error >install.log 2>&1
fi
VERSION="$(installed)"  # what npm resolved (MEDUSA_VERSION may be a range or a tag)

export DATABASE_URL="$PGURL/$DB" MEDUSA_DISABLE_TELEMETRY=true NODE_ENV=development
psql "$PGURL/postgres" -qc "CREATE DATABASE $DB" >/dev/null
echo "== medusa db:migrate" >&2
npx medusa db:migrate >migrate.log 2>&1
echo "== medusa user" >&2
npx medusa user -e admin@example.com -p admin-pass-1 >user.log 2>&1

echo "== medusa start on $BASE" >&2
HOST=127.0.0.1 PORT="$PORT" setsid npx medusa start --host 127.0.0.1 --port "$PORT" >server.log 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  curl -fs "$BASE/health" >/dev/null 2>&1 && break
  sleep 1
done
curl -fs "$BASE/health" >/dev/null
if command -v ss >/dev/null; then  # it must listen on loopback only
  ss -ltnH "sport = :$PORT" | awk '{print "listening on " $4}' >&2
fi

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
ADMIN_TOKEN=$(curl -fs -X POST "$BASE/auth/user/emailpass" -H 'content-type: application/json' \
  -d '{"email":"admin@example.com","password":"admin-pass-1"}' | json '["token"]')
KEY=$(curl -fs -X POST "$BASE/admin/api-keys" -H "authorization: Bearer $ADMIN_TOKEN" \
  -H 'content-type: application/json' -d '{"title":"mercato-int check","type":"secret"}' \
  | json '["api_key"]["token"]')
GOOD=$(printf '%s:' "$KEY" | base64 -w0)
WRONG=$(printf '%s:' "sk_0000000000000000000000000000000000000000000000000000000000000000" | base64 -w0)

show() {  # label, path, curl args...
  local label="$1" path="$2"
  shift 2
  local body status
  body=$(curl -s -o - -w '\n%{http_code}' "$BASE$path" "$@")
  status=${body##*$'\n'}
  body=${body%$'\n'*}
  # the key and ids differ per run: print their shape, not their value
  body=$(printf '%s' "$body" | sed -E 's/(apk|user|store)_[0-9A-Z]{26}/\1_<id>/g' | tr -d '\n')
  printf '%-34s %-10s %s %s\n' "$path" "$label" "$status" "$body"
}

echo "Medusa $VERSION on $BASE; secret API key ${KEY:0:3}…; Authorization: Basic base64(key + ':')"
show "" /health
printf '%-34s %-10s content-type %s\n' /health "" "$(curl -s -o /dev/null -w '%{content_type}' "$BASE/health")"
for path in "/admin/users/me" "/admin/users?limit=1&fields=id" "/admin/stores?fields=id&limit=1"; do
  show "valid" "$path" -H "authorization: Basic $GOOD"
  show "wrong" "$path" -H "authorization: Basic $WRONG"
  show "none" "$path"
done
show "v1 header" "/admin/stores?fields=id&limit=1" -H "x-medusa-access-token: $KEY"
show "valid" "/app/health" -H "authorization: Basic $GOOD"
show "none" "/admin/health"
show "valid" "/admin/health" -H "authorization: Basic $GOOD"
show "bearer" "/admin/stores?fields=id&limit=1" -H "authorization: Bearer $KEY"

if [[ -n "${MERCATO_INT:-}" ]]; then
  echo "== mercato-int health sync_medusa against it" >&2
  export MERCATO_INT_HOME="$WORK/mercato-home" MERCATO_INT_MASTER_KEY
  MERCATO_INT_MASTER_KEY=$(python3 -c 'import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())')
  rm -rf "$MERCATO_INT_HOME"
  WRONG_KEY=sk_wrong_key_for_the_check_0000
  # in front of the real server: a path prefix, a slow answer, a failing proxy
  setsid $PROXY $((PORT + 1)) "$BASE" --prefix /medusa >"$WORK/proxy1.log" 2>&1 &
  PROXIES+=($!)
  setsid $PROXY $((PORT + 2)) "$BASE" --delay 5 >"$WORK/proxy2.log" 2>&1 &
  PROXIES+=($!)
  setsid $PROXY $((PORT + 3)) "$BASE" --status 502 >"$WORK/proxy3.log" 2>&1 &
  PROXIES+=($!)
  sleep 1
  m() { "$MERCATO_INT" "$@" 2>&1 || true; }  # stderr too: a traceback would show there
  creds() { "$MERCATO_INT" creds set sync_medusa "$@" >/dev/null; }
  try() {  # label, medusaApiUrl, medusaApiKey, health options...
    local label="$1" url="$2" key="$3"
    shift 3
    echo "-- $label"
    creds "medusaApiUrl=$url" "medusaApiKey=$key" medusaWebhookSecret=whsec_real_check
    m health sync_medusa "$@"
  }
  {
    echo "-- no credentials"
    m health sync_medusa
    try "valid key" "$BASE" "$KEY"
    try "wrong key" "$BASE" "$WRONG_KEY"
    try "URL with a trailing slash" "$BASE/" "$KEY"
    try "URL of the admin dashboard (/app)" "$BASE/app" "$KEY"
    try "URL ending in /admin" "$BASE/admin" "$KEY"
    try "behind a proxy under /medusa" "http://127.0.0.1:$((PORT + 1))/medusa/" "$KEY"
    try "behind that proxy, wrong key" "http://127.0.0.1:$((PORT + 1))/medusa" "$WRONG_KEY"
    try "slow (5 s) proxy, --timeout 2" "http://127.0.0.1:$((PORT + 2))" "$KEY" --timeout 2
    try "proxy answering 502 (HTML)" "http://127.0.0.1:$((PORT + 3))" "$KEY"
    try "server down (nothing listens)" "http://127.0.0.1:$((PORT + 9))" "$KEY"
    # a real 5xx from Medusa itself: the store table is gone for a moment
    psql "$PGURL/$DB" -qc "ALTER TABLE store RENAME TO store_away" >/dev/null
    try "Medusa's database lost the store table (5xx)" "$BASE" "$KEY"
    show "valid" "/admin/stores?fields=id&limit=1" -H "authorization: Basic $GOOD"
    psql "$PGURL/$DB" -qc "ALTER TABLE store_away RENAME TO store" >/dev/null
    echo "-- health --all-tenants: acme valid, bolt wrong key, cide via /medusa proxy, dora none"
    for t in acme bolt cide dora; do "$MERCATO_INT" --tenant "$t" enable sync_medusa >/dev/null 2>&1; done
    "$MERCATO_INT" --tenant acme creds set sync_medusa "medusaApiUrl=$BASE" "medusaApiKey=$KEY" \
      medusaWebhookSecret=whsec_real_check >/dev/null
    "$MERCATO_INT" --tenant bolt creds set sync_medusa "medusaApiUrl=$BASE/" \
      "medusaApiKey=$WRONG_KEY" medusaWebhookSecret=whsec_real_check >/dev/null
    "$MERCATO_INT" --tenant cide creds set sync_medusa \
      "medusaApiUrl=http://127.0.0.1:$((PORT + 1))/medusa" "medusaApiKey=$KEY" \
      medusaWebhookSecret=whsec_real_check >/dev/null
    m health --all-tenants
  } | tee "$WORK/mercato.out"
  if grep -qE "$KEY|$WRONG_KEY|Traceback" "$WORK/mercato.out"; then
    echo "FAIL: a secret or a traceback reached the output" >&2
    exit 1
  fi
  echo "no secret and no traceback in the output"
fi
