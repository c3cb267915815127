#!/usr/bin/env bash
# The cost of certificate TLS on the TCP training channel: `train --listen` with two
# `worker --connect` processes on loopback, with the shared secret only (AES-GCM sealed frames)
# and with the secret plus --tls-cert/--tls-key/--tls-ca (TLS under the sealing), alternately,
# on the same wide synthetic file (the weights and gradient cross the channel every round).
# Usage: benchmarks/tcp-tls.sh [ROWS] [FEATURES] [ITERATIONS] [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-50000} features=${2:-1000000} iterations=${3:-30} repeats=${4:-3}
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
# SHARDTRAIN_BIN: a shardtrain binary already built (else a release build here).
bin=${SHARDTRAIN_BIN:-}
if [ -z "$bin" ]; then
    swift build -c release --product shardtrain >/dev/null
    bin=.build/release/shardtrain
fi
export SHARDTRAIN_SECRET=benchmark-secret-of-some-length

# A throwaway authority, a server certificate for 127.0.0.1 and a client certificate.
ossl() { openssl "$@" 2>/dev/null; }
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=bench-ca \
    -keyout "$work/ca.key" -out "$work/ca.pem"
printf 'subjectAltName=IP:127.0.0.1\n' > "$work/server.ext"
for name in server client; do
    ossl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$name" \
        -keyout "$work/$name.key" -out "$work/$name.csr"
    ext=(); [ "$name" = server ] && ext=(-extfile "$work/server.ext")
    ossl x509 -req -in "$work/$name.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
        "${ext[@]}" -out "$work/$name.pem"
done

"$bin" datasets synth --kind logistic --rows "$rows" --features "$features" --nnz-per-row 30 --seed 3 \
    --output "$work/wide.svm" >/dev/null

run() { # $1: label; then the TLS options of the server and of the workers
    local label=$1 server_tls=$2 worker_tls=$3
    "$bin" train --model logistic --l2 1 --listen 127.0.0.1:0 --expect-workers 2 --features "$features" \
        --max-iterations "$iterations" --no-profile --quiet --json --output "$work/m" $server_tls \
        > "$work/out.json" 2> "$work/err" &
    local server=$!
    local port=""
    for _ in $(seq 100); do
        port=$(sed -n 's/^listening on [^:]*:\([0-9]*\).*/\1/p' "$work/err")
        [ -n "$port" ] && break
        sleep 0.1
    done
    for _ in 1 2; do
        "$bin" worker --connect "127.0.0.1:$port" --data "$work/wide.svm" --features "$features" $worker_tls 2>/dev/null &
    done
    wait "$server"
    wait
    python3 - "$work/out.json" "$label" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
print("%12s  train %.3f s  objective %.9g  iterations %d" % (sys.argv[2], r["train_seconds"], r["objective"], r["iterations"]))
PY
}

server_tls="--tls-cert $work/server.pem --tls-key $work/server.key --tls-ca $work/ca.pem"
worker_tls="--tls-cert $work/client.pem --tls-key $work/client.key --tls-ca $work/ca.pem"
echo "$rows rows × $features features, 30 non-zeros a row, 2 workers over TCP loopback, $iterations L-BFGS iterations"
for _ in $(seq "$repeats"); do
    run "secret" "" ""
    run "secret+TLS" "$server_tls" "$worker_tls"
done
