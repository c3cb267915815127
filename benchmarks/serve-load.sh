#!/usr/bin/env bash
# Load on `shardtrain serve`: wrk with 16 connections for 20 s of single-row KServe v2 infer
# requests on an a9a model, then the same load while a new version of the model is put in
# place (the time until it is served is measured by a poller). Writes docs/serving.json and
# regenerates docs/benchmarks.md.
# Usage: benchmarks/serve-load.sh [SECONDS]   (needs wrk and curl: apt-get install wrk curl)
# (builds a release binary in .build/bench, apart from the test build; SHARDTRAIN=BIN skips that)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
bin=${SHARDTRAIN:-}
if [ -z "$bin" ]; then
    swift build -c release --product shardtrain --scratch-path .build/bench >/dev/null
    bin=.build/bench/release/shardtrain
fi
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" train --model logistic --data datasets/a9a --quiet --output "$work/v1.model"
"$bin" train --model logistic --data datasets/a9a --l2 10 --quiet --output "$work/v2.model"
mkdir -p "$work/a9a/1"
cp "$work/v1.model" "$work/a9a/1/model.st"
"$bin" serve --model-dir "$work/a9a" --port 0 --log-level warning >"$work/server.out" 2>"$work/server.err" &
server=$!
for _ in $(seq 100); do grep -q "serving on" "$work/server.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^serving on //p' "$work/server.out")
# One row of a9a.t as a KServe v2 request body.
row=$(head -1 datasets/a9a.t | python3 -c '
import sys
x = [0.0] * 123
for pair in sys.stdin.read().split()[1:]:
    i, v = pair.split(":"); x[int(i) - 1] = float(v)
print("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,123],\"datatype\":\"FP32\",\"data\":[" + ",".join(map(str, x)) + "]}]}")')
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$row'
LUA
# The same row as a binary tensor (the KServe binary extension), for the cost of JSON.
head -1 datasets/a9a.t | python3 -c '
import struct, sys
x = [0.0] * 123
for pair in sys.stdin.read().split()[1:]:
    i, v = pair.split(":"); x[int(i) - 1] = float(v)
header = b"{\"inputs\":[{\"name\":\"input\",\"shape\":[1,123],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":492}}]}"
body = header + struct.pack("<123f", *x)
print("wrk.method = \"POST\"")
print("wrk.headers[\"Inference-Header-Content-Length\"] = \"%d\"" % len(header))
print("wrk.body = \"" + "".join("\\%d" % b for b in body) + "\"")' >"$work/binary.lua"
curl -s -o /dev/null -X POST --data-binary "$row" "$url/v2/models/a9a/infer"   # warm up
wrk -t 2 -c 16 -d "${seconds}s" --latency -s "$work/post.lua" "$url/v2/models/a9a/infer" >"$work/steady.txt"
# Baselines in the same run: the HTTP stack alone (a GET with no body), a POST refused before
# its body is read (unknown model), and the infer with binary input.
short=$(( seconds / 4 > 2 ? seconds / 4 : 2 ))
wrk -t 2 -c 16 -d "${short}s" --latency "$url/v2/health/live" >"$work/health.txt"
wrk -t 2 -c 16 -d "${short}s" --latency -s "$work/post.lua" "$url/v2/models/none/infer" >"$work/refused.txt"
wrk -t 2 -c 16 -d "${short}s" --latency -s "$work/binary.lua" "$url/v2/models/a9a/infer" >"$work/binary.txt"

# The same load; halfway through, version 2 is put in place by rename. A poller records when
# it is first served.
wrk -t 2 -c 16 -d "${seconds}s" --latency -s "$work/post.lua" "$url/v2/models/a9a/infer" >"$work/reload.txt" &
load=$!
sleep $((seconds / 2))
mkdir -p "$work/a9a/2"
cp "$work/v2.model" "$work/a9a/2/.incoming"
placed=$(date +%s.%N)
mv "$work/a9a/2/.incoming" "$work/a9a/2/model.st"
served=""
for _ in $(seq 200); do
    if curl -s -X POST --data-binary "$row" "$url/v2/models/a9a/infer" | grep -q '"model_version":"2"'; then
        served=$(date +%s.%N); break
    fi
    sleep 0.02
done
wait $load
python3 - "$work/steady.txt" "$work/reload.txt" "$placed" "${served:-0}" "$seconds" docs/serving.json "$work" <<'PY'
import json, re, sys, os
def parse(path):
    text = open(path).read()
    unit = {"us": 1e-3, "ms": 1.0, "s": 1e3}
    def latency(label):
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        return float(m.group(1)) * unit[m.group(2)] if m else None
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {"requests": requests, "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
            "p50_ms": latency("50%"), "p90_ms": latency("90%"), "p99_ms": latency("99%"),
            "errors": (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, socket.groups())) if socket else 0)}
steady, reload = parse(sys.argv[1]), parse(sys.argv[2])
placed, served = float(sys.argv[3]), float(sys.argv[4])
reload["swap_seconds"] = served - placed if served > 0 else None
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
result = {"machine": f"{cpu}, {os.cpu_count()} cores", "seconds": int(sys.argv[5]), "connections": 16, "wrk_threads": 2,
          "request": "KServe v2 infer, one a9a row (123 FP32 values) as JSON", "steady": steady, "reload": reload,
          "baselines": {name: parse(os.path.join(sys.argv[7], name + ".txt")) for name in ("health", "refused", "binary")}}
json.dump(result, open(sys.argv[6], "w"), indent=1)
print(json.dumps(result, indent=1))
PY
python3 benchmarks/report.py
