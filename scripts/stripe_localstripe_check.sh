#!/usr/bin/env bash
# Runs localstripe (a fake but stateful Stripe server from PyPI) on loopback, prints what
# GET /v1/balance answers for a valid, a wrong and no key, then runs mercato-int's Stripe check
# against it. localstripe models 200 and 401 (not restricted keys: their 403 comes from Stripe's
# documentation, see tests/providers/fakes.py). Installs into a temporary venv; commits nothing.
#
#   MERCATO_INT=.venv/bin/mercato-int scripts/stripe_localstripe_check.sh
#
# With MERCATO_INT it also tries no credentials, a server down, a slow and a 502 proxy
# (real_check_proxy.py) and `health --all-tenants`, and exits 1 if a key or a traceback shows.
# localstripe accepts any key starting with sk_: the wrong key here has no such prefix.
# Results: scripts/REAL-CHECKS.md.
set -euo pipefail

PORT="${PORT:-18420}"
BASE="http://127.0.0.1:${PORT}"
WORK="$(mktemp -d -t localstripe-XXXXXX)"
SERVER_PID=""
PROXIES=()
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill -- "-$SERVER_PID" 2>/dev/null || true; fi
  for pid in "${PROXIES[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q localstripe >"$WORK/pip.log" 2>&1
echo "localstripe $("$WORK/venv/bin/pip" show localstripe | sed -n 's/^Version: //p') on $BASE"
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
  PROXY="python3 $(cd "$(dirname "$0")" && pwd)/real_check_proxy.py"
  export MERCATO_INT_HOME="$WORK/home" MERCATO_INT_STRIPE_API_BASE="$BASE"
  MERCATO_INT_MASTER_KEY=$(python3 -c 'import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())')
  export MERCATO_INT_MASTER_KEY
  VALID=sk_test_51MercatoIntValidKey4242 WRONG=wrong_key_0000
  setsid $PROXY $((PORT + 1)) "$BASE" --delay 5 >"$WORK/proxy1.log" 2>&1 &
  PROXIES+=($!)
  setsid $PROXY $((PORT + 2)) "$BASE" --status 502 >"$WORK/proxy2.log" 2>&1 &
  PROXIES+=($!)
  m() { "$MERCATO_INT" "$@" 2>&1 || true; }  # stderr too: a traceback would show there
  {
    echo "-- no credentials"
    m health gateway_stripe
    for key in "$VALID" "$WRONG"; do
      "$MERCATO_INT" creds set gateway_stripe publishableKey=pk_test_1 "secretKey=$key" \
        webhookSecret=whsec_1 >/dev/null
      echo "-- secretKey ${key:0:8}…"
      m health gateway_stripe
    done
    "$MERCATO_INT" creds set gateway_stripe "secretKey=$VALID" >/dev/null
    echo "-- server down (nothing listens)"
    MERCATO_INT_STRIPE_API_BASE=http://127.0.0.1:$((PORT + 9)) m health gateway_stripe
    echo "-- slow server (5 s), --timeout 2"
    MERCATO_INT_STRIPE_API_BASE=http://127.0.0.1:$((PORT + 1)) m health gateway_stripe --timeout 2
    echo "-- a proxy answering 502 (HTML)"
    MERCATO_INT_STRIPE_API_BASE=http://127.0.0.1:$((PORT + 2)) m health gateway_stripe
    echo "-- health --all-tenants: acme valid, bolt wrong, cide none"
    "$MERCATO_INT" --tenant acme creds set gateway_stripe publishableKey=pk_test_1 \
      "secretKey=$VALID" webhookSecret=whsec_1 >/dev/null
    "$MERCATO_INT" --tenant bolt creds set gateway_stripe publishableKey=pk_test_1 \
      "secretKey=$WRONG" webhookSecret=whsec_1 >/dev/null
    for t in acme bolt cide; do "$MERCATO_INT" --tenant "$t" enable gateway_stripe >/dev/null 2>&1; done
    m health --all-tenants
  } | tee "$WORK/mercato.out"
  if grep -qE "$VALID|$WRONG|Traceback" "$WORK/mercato.out"; then
    echo "FAIL: a secret or a traceback reached the output" >&2
    exit 1
  fi
  echo "no secret and no traceback in the output"
fi
