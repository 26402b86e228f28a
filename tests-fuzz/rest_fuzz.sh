#!/usr/bin/env bash
# Fuzzes the REST 2.x front end from the vendor's OpenAPI spec with Schemathesis: every operation
# of FlashArray REST 2.36 with random and malformed inputs, then stateful runs (create, use,
# delete). Fails on a 5xx, a refusal that is not a FlashArray error envelope, a leaked exception
# (flasharray_checks.py), an ERROR in the service's log, or a service that stops answering.
# Usage: rest_fuzz.sh JAR SPEC [EXAMPLES_PER_OPERATION]   (make fuzz-rest)
set -euo pipefail
jar=$1 spec=$2 examples=${3:-50}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
if [ ! -f "$spec" ]; then
  echo "no OpenAPI spec at $spec: take definitions/oas3.x/FA2.36.spec.yaml from" \
    "github.com/PureStorage-OpenConnect/swagger and pass FA_SPEC=<path>" >&2
  exit 2
fi
spec=$(realpath "$spec")

# Its own virtualenv: Schemathesis and Hypothesis stay out of the one Cinder runs in.
venv=$root/var/fuzz-venv
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==4.32.5"
fi

data=$(mktemp -d /tmp/pb-fuzz.XXXXXX)
log=$data/service.log
"$root/bin/purebridge-run" "$jar" "$root/config-samples/purebridge-server.ini" "$data/run" >"$log" 2>&1 &
runner=$!
# "|| true": under set -e a failing step would end the trap before the data dir is removed.
trap 'kill $runner 2>/dev/null || true; wait $runner 2>/dev/null || true; rm -rf "$data"' EXIT

url="" token=""
for _ in $(seq 1 300); do
  url=$(sed -n 's/.*rest-frontend: array pure-primary at \(https:[^ ]*\).*/\1/p' "$log")
  token=$(sed -n 's/^pure_api_token = //p' "$log")
  [ -n "$url" ] && [ -n "$token" ] && break
  kill -0 $runner 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.2
done
[ -n "$url" ] || { echo "the service printed no REST endpoint for pure-primary" >&2; cat "$log" >&2; exit 1; }
ca=$data/run/rest-frontend/cert.pem
session=$(curl -sS --cacert "$ca" -D - -o /dev/null -X POST -H "api-token: $token" "$url/api/2.36/login" \
  | tr -d '\r' | sed -n 's/^x-auth-token: //Ip')
[ -n "$session" ] || { echo "login to $url failed" >&2; exit 1; }

# Logout would end the fuzzer's own session; the coverage and examples phases are left out
# because Schemathesis 4.32 itself fails in them on this spec (an AST error inside Hypothesis).
# Run from the data dir, where Schemathesis leaves its cache (.schemathesis/) to be removed with it.
set +e
(cd "$data" && SCHEMATHESIS_HOOKS=flasharray_checks PYTHONPATH=$here "$venv/bin/st" run "$spec" --url "$url" \
  --tls-verify "$ca" --header "x-auth-token: $session" --exclude-path-regex '/(login|logout)$' \
  --phases fuzzing,stateful --checks not_a_server_error,answers_like_a_flasharray \
  --max-examples "$examples" --workers "${FUZZ_WORKERS:-2}" ${FUZZ_SEED:+--seed "$FUZZ_SEED"})
fuzz=$?
set -e

failed=0
[ $fuzz -eq 0 ] || { echo "FAILED: Schemathesis found the failures above (exit $fuzz)"; failed=1; }
if ! curl -sS --cacert "$ca" -o /dev/null "$url/api/api_version"; then
  echo "FAILED: the front end no longer answers after the run"
  failed=1
fi
if grep -E ' (ERROR|FATAL) ' "$log"; then
  echo "FAILED: the service logged the errors above while fuzzed"
  failed=1
fi
if [ $failed -eq 0 ]; then
  echo "REST front end fuzzed: no server error, no leak, no logged error"
else
  mkdir -p "$root/var" && cp "$log" "$root/var/fuzz-service.log"
  echo "the service's log is in var/fuzz-service.log"
fi
exit $failed
