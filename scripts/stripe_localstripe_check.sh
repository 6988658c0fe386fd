#!/usr/bin/env bash
# Runs localstripe (a fake but stateful Stripe server from PyPI) on loopback, prints what
# GET /v1/balance answers for a valid, a wrong and no key, then runs mercato-int's Stripe check
# against it. localstripe models 200 and 401 (not restricted keys: their 403 comes from Stripe's
# documentation, see tests/providers/fakes.py). Installs into a temporary venv; commits nothing.
#
#   MERCATO_INT=.venv/bin/mercato-int scripts/stripe_localstripe_check.sh
set -euo pipefail

PORT="${PORT:-18420}"
BASE="http://127.0.0.1:${PORT}"
WORK="$(mktemp -d -t localstripe-XXXXXX)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill -- "-$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q localstripe >"$WORK/pip.log" 2>&1
setsid "$WORK/venv/bin/localstripe" --port "$PORT" --from-scratch >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
  curl -s -o /dev/null "$BASE/v1/balance" && break
  sleep 0.5
done

for auth in "sk_test_51MercatoIntValidKey4242:" "wrong:" ""; do
  args=()
  [[ -n "$auth" ]] && args=(-u "$auth")
  body=$(curl -s -w '\n%{http_code}' "${args[@]}" "$BASE/v1/balance")
  compact=$(printf '%s' "${body%$'\n'*}" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))')
  printf '%-36s %s %s\n' "${auth:-(no key)}" "${body##*$'\n'}" "$compact"
done

if [[ -n "${MERCATO_INT:-}" ]]; then
  export MERCATO_INT_HOME="$WORK/home" MERCATO_INT_STRIPE_API_BASE="$BASE"
  MERCATO_INT_MASTER_KEY=$(python3 -c 'import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())')
  export MERCATO_INT_MASTER_KEY
  for key in sk_test_51MercatoIntValidKey4242 wrong_key_0000; do
    "$MERCATO_INT" creds set gateway_stripe publishableKey=pk_test_1 "secretKey=$key" \
      webhookSecret=whsec_1 >/dev/null
    "$MERCATO_INT" health gateway_stripe 2>/dev/null || true
  done
fi
